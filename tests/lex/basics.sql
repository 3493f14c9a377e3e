-- Every token class of the scanner.
select SELECT SeLeCt my_col `quoted id` `a``b` 中文 naïve x$1
'str' 'it''s' '中文字符串' ''
0 42 3.14 .5 7. 1e10 2.5E-3 6e+2
= <> != < <= > >= => || :: : + - * / % ? | ^ $ { } {- -} [ ] ( ) , . ;
/* block comment with 中文 */ a /* multi
line */ b -- trailing comment
/*+ BROADCAST(t), OPTIONS('k' = 'v') */
