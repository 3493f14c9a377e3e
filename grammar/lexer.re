/*
 * lexer.re - the re2c scanner of the fsql dialect.
 *
 * Pipeline position: compiler/tokenize.c calls lex_scan() once per token
 * and feeds the result to the lemon parser (grammar/parse.y).
 *
 * lex_scan() recognises one token starting at byte offset pos and returns
 * its TK_ code (from build/gen/parse.h) or one of the LEX_* codes for text
 * the parser never sees (white space, comments, bad input).  It knows no
 * keywords: every word comes back as TK_ID and tokenize.c looks it up in
 * its keyword table.  Back-quoted identifiers also come back as TK_ID (the
 * text starts with a back quote).
 *
 * Invariants: the source must be followed by a NUL byte at src[len] (the
 * sentinel; CompileCtx.src is NUL-terminated).  A NUL inside the text is an
 * ordinary (illegal) character.  Offsets are bytes; line and column are
 * computed only when a diagnostic is rendered.
 */
#include "runtime/fsql.h"
#include "compiler/tokenize.h"
#include "parse.h"

int lex_scan(const char *src, size_t len, size_t pos, size_t *end)
{
    const unsigned char *YYCURSOR = (const unsigned char *)src + pos;
    const unsigned char *YYLIMIT = (const unsigned char *)src + len;
    const unsigned char *YYMARKER = YYCURSOR;
    int tk;

    /*
     * u8letter: UTF-8 sequences allowed inside identifiers: any multi-byte
     * character except CJK punctuation (U+3000..U+303F) and U+F000 and up
     * (the full-width forms), which are almost always a mistyped ASCII
     * comma, parenthesis or quote.  A bad byte is scanned together with its
     * UTF-8 continuation bytes so that the message can quote the character.
     */
    /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:yyfill:enable = 0;
        re2c:eof = 0;

        ws       = [ \t\r\n\f\v]+;
        digit    = [0-9];
        digits   = digit+;
        exp      = [eE] [+-]? digits;
        cont     = [\x80-\xbf];
        u8letter = [\xc2-\xdf] cont
                 | [\xe0-\xe2] cont cont
                 | "\xe3" [\x81-\xbf] cont
                 | [\xe4-\xee] cont cont
                 | [\xf0-\xf4] cont cont cont;
        idstart  = [a-zA-Z_] | u8letter;
        idchar   = [a-zA-Z_0-9] | u8letter;
        ident    = idstart idchar* ("$" idchar+)*;
        strbody  = ([^'] | "''")*;
        qidbody  = ([^`] | "``")*;
        cbody    = ([^*] | "*"+ [^*/])*;

        $                          { tk = LEX_EOF; goto done; }
        ws                         { tk = LEX_SPACE; goto done; }
        "--" [^\n]*                { tk = LEX_COMMENT; goto done; }
        "/*+" cbody "*"+ "/"       { tk = TK_HINT; goto done; }
        "/*" cbody "*"+ "/"        { tk = LEX_COMMENT; goto done; }
        "/*" cbody "*"*            { tk = LEX_UNTERM_COMMENT; goto done; }
        "'" strbody "'"            { tk = TK_STRING; goto done; }
        "'" strbody                { tk = LEX_UNTERM_STRING; goto done; }
        [xX] "'" strbody "'"       { tk = TK_XSTRING; goto done; }
        [xX] "'" strbody           { tk = LEX_UNTERM_STRING; goto done; }
        "`" qidbody "`"            { tk = TK_ID; goto done; }
        "`" qidbody                { tk = LEX_UNTERM_IDENT; goto done; }
        "\"" [^"\n\x00]* "\""       { tk = LEX_DQ_IDENT; goto done; }
        ident                      { tk = TK_ID; goto done; }
        digits                     { tk = TK_INTEGER; goto done; }
        digits "." digit* | "." digits { tk = TK_DECIMAL; goto done; }
        (digits ("." digit*)? | "." digits) exp { tk = TK_FLOAT; goto done; }

        "<>" | "!="                { tk = TK_NE; goto done; }
        "<="                       { tk = TK_LE; goto done; }
        ">="                       { tk = TK_GE; goto done; }
        "=>"                       { tk = TK_ARROW; goto done; }
        "||"                       { tk = TK_CONCAT; goto done; }
        "::"                       { tk = TK_DCOLON; goto done; }
        "{-"                       { tk = TK_LBRACE_MINUS; goto done; }
        "-}"                       { tk = TK_MINUS_RBRACE; goto done; }
        "="                        { tk = TK_EQ; goto done; }
        "<"                        { tk = TK_LT; goto done; }
        ">"                        { tk = TK_GT; goto done; }
        ";"                        { tk = TK_SEMI; goto done; }
        ","                        { tk = TK_COMMA; goto done; }
        "."                        { tk = TK_DOT; goto done; }
        "("                        { tk = TK_LP; goto done; }
        ")"                        { tk = TK_RP; goto done; }
        "["                        { tk = TK_LBRACKET; goto done; }
        "]"                        { tk = TK_RBRACKET; goto done; }
        "{"                        { tk = TK_LBRACE; goto done; }
        "}"                        { tk = TK_RBRACE; goto done; }
        "+"                        { tk = TK_PLUS; goto done; }
        "-"                        { tk = TK_MINUS; goto done; }
        "*"                        { tk = TK_STAR; goto done; }
        "/"                        { tk = TK_SLASH; goto done; }
        "%"                        { tk = TK_PERCENT; goto done; }
        "?"                        { tk = TK_QUESTION; goto done; }
        "|"                        { tk = TK_BAR; goto done; }
        "^"                        { tk = TK_CARET; goto done; }
        "$"                        { tk = TK_DOLLAR; goto done; }
        ":"                        { tk = TK_COLON; goto done; }

        [\xc0-\xf7] cont*          { tk = LEX_ILLEGAL; goto done; }
        *                          { tk = LEX_ILLEGAL; goto done; }
    */
done:
    (void)YYMARKER;
    *end = (size_t)(YYCURSOR - (const unsigned char *)src);
    if (*end > len)
        *end = len;
    return tk;
}
