/*
 * catalog.h - the tables and views declared so far, and the connector and
 * format option tables that CREATE TABLE ... WITH (...) is checked against.
 *
 * Pipeline position: resolve.c turns each CREATE TABLE into a CatTable with
 * catalog_table_build() (columns, primary key, watermark, options expanded
 * and validated), type-checks the computed columns and the watermark
 * expression itself, then calls catalog_table_finish() (time attributes,
 * the RelSchema) and catalog_add_table().  CREATE VIEW goes through
 * catalog_view_new() + catalog_add_view() after resolve.c has bound the
 * query.  plan.c and explain.c read the finished entries.
 *
 * Names are looked up ASCII case-insensitively by their last part
 * (`db.t` and `t` are the same table); the full name as written is kept for
 * printing.  Temporary and permanent objects are one namespace.
 *
 * Everything here lives in the CompileCtx arena and persists across the
 * sources of one invocation (-i init files, then the main file).  Source
 * text slices kept here (expr_text) point into the source buffers, which
 * outlive the CompileCtx by contract (see compile_source()).
 *
 * Connectors (connectors.c): blackhole, datagen, filesystem, jdbc, kafka,
 * print, upsert-kafka.  Formats: json, csv, raw.  Each connector page in
 * docs/connectors/ lists the same options as the tables in connectors.c.
 */
#ifndef FSQL_COMPILER_CATALOG_H
#define FSQL_COMPILER_CATALOG_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "compiler/ast.h"
#include "compiler/compile.h"
#include "compiler/types.h"

/* ---- connector and format option tables ----------------------------- */

typedef enum OptKind {
    OPT_STRING,   /* any text */
    OPT_INT,      /* decimal integer, within [min, max] */
    OPT_BOOL,     /* true / false (case-insensitive) */
    OPT_DOUBLE,   /* a decimal number */
    OPT_DURATION, /* "30min", "1h", "10 s", "100ms", "1 d", "PT1H" */
    OPT_MEMORY,   /* "64mb", "1 gb", "4096" (bytes) */
    OPT_ENUM,     /* one of allowed, case-insensitive */
    OPT_CHAR      /* exactly one character (csv.field-delimiter); "\t" ok */
} OptKind;

typedef struct OptionDef {
    const char *key; /* "scan.startup.mode"; for prefix options the
                            prefix with its trailing '.' ("properties.") or
                            a pattern with '#' for one field name
                            ("fields.#.kind") */
    OptKind kind;
    bool is_required;
    bool is_prefix;      /* key is a prefix: any key starting with it */
    const char *def;     /* default value as text, NULL if none */
    const char *allowed; /* OPT_ENUM: "a|b|c"; NULL otherwise */
    int64_t min, max;    /* OPT_INT bounds (inclusive) */
    const char *doc;     /* one sentence for docs/connectors/ and EXPLAIN */
} OptionDef;

typedef struct ConnectorDef {
    const char *name;      /* "kafka" */
    const OptionDef *opts; /* static table */
    size_t n_opts;
    bool needs_format; /* 'format' (or key/value.format) required */
    bool has_format;   /* takes a format at all */
    bool is_source;    /* can be read (scan) */
    bool is_sink;      /* can be written */
    bool is_lookup;    /* can be the right side of a lookup join */
    const char *doc;   /* one paragraph */
} ConnectorDef;

typedef struct FormatDef {
    const char *name;      /* "json" */
    const OptionDef *opts; /* keys without the "json." prefix */
    size_t n_opts;
    const char *doc;
} FormatDef;

/* Supported connectors and formats, in alphabetical order. */
extern const ConnectorDef *const connector_defs[];
extern const size_t connector_defs_n;
extern const FormatDef *const format_defs[];
extern const size_t format_defs_n;

/* Lookup by exact (case-insensitive) name; NULL when fsql has no such
 * connector / format. */
const ConnectorDef *connector_find(Str name);
const FormatDef *format_find(Str name);
/* Names Flink knows but fsql does not provide (elasticsearch, hbase, ...;
 * avro, parquet, ...): true when name is one of them. */
bool connector_is_known_unsupported(Str name);
bool format_is_known_unsupported(Str name);

/* Value parsers shared by validation and the planner.  They accept what
 * Flink accepts and return false on anything else. */
bool option_parse_bool(Str s, bool *out);
bool option_parse_int(Str s, int64_t *out);
bool option_parse_double(Str s, double *out);
/* Flink durations: a number followed by an optional unit (ns, us, ms,
 * s/sec/second(s), min/minute(s), h/hour(s), d/day(s)), spaces allowed
 * between; a bare number is milliseconds; ISO-8601 "PT1H30M" also works. */
bool option_parse_duration_ms(Str s, int64_t *ms);
/* Memory sizes: a number and an optional unit (b, k/kb, m/mb, g/gb, t/tb,
 * case-insensitive, 1024-based); a bare number is bytes. */
bool option_parse_memory(Str s, int64_t *bytes);

/* Markdown page for docs/connectors/<name>.md: description, the option
 * table (required, default, type, what fsql does) and, for connectors
 * that take a format, the format option tables.  Appends to out. */
void connector_doc_markdown(const ConnectorDef *c, StrBuf *out);

/* Whether an option with this key holds a secret (its key contains
 * "password", "secret", "sasl.jaas.config" or "ssl.key"). */
bool option_key_is_secret(Str key);

/* ---- tables and views ------------------------------------------------- */

typedef struct CatOption {
    Str key;        /* arena copy, as written */
    Str value;      /* arena copy, ${VAR} expanded; NUL-terminated */
    Str raw;        /* as written (before expansion), borrowed from AST */
    SrcSpan key_at; /* in the declaring source */
    SrcSpan value_at;
    bool is_secret; /* print as "******" (EXPLAIN, DESCRIBE, errors) */
    bool has_env;   /* the value referenced ${VAR} */
} CatOption;

typedef struct CatColumn {
    Str name;         /* arena, as declared */
    SqlType *type;    /* NULL for a computed column until resolve.c sets
                           it; rowtime/proctime attributes set by
                           catalog_table_finish() */
    ColumnKind kind;  /* physical / computed / metadata */
    AstNode *expr;    /* COL_COMPUTED: the expression (AST, borrowed) */
    Str expr_text;    /* COL_COMPUTED: its source text (for DESCRIBE) */
    Str metadata_key; /* COL_METADATA: FROM 'key', or the column name */
    bool is_virtual;  /* METADATA ... VIRTUAL (not written by sinks) */
    bool is_proctime; /* computed as PROCTIME() */
    SrcSpan name_at;  /* the column name in the declaring source */
    uint32_t src_id;  /* DiagSource of the declaration */
} CatColumn;

typedef struct CatTable {
    Str name;      /* last part of the name, as written (arena) */
    Str full_name; /* e.g. "db.t" as written (arena) */
    uint32_t n_cols;
    CatColumn *cols; /* arena array, declaration order */
    uint32_t n_pk;
    uint32_t *pk_cols;       /* indexes into cols; n_pk == 0: no key */
    int32_t watermark_col;   /* index of the rowtime column, -1: none */
    AstNode *watermark_expr; /* WATERMARK ... AS expr (borrowed AST) */
    Str watermark_text;      /* its source text (DESCRIBE, EXPLAIN) */
    uint32_t n_opts;
    CatOption *opts;          /* arena array, as written */
    Str connector;            /* value of 'connector' (empty when missing) */
    Str format;               /* 'format' / 'value.format' (empty if none) */
    const ConnectorDef *conn; /* NULL when the connector is unknown */
    const FormatDef *fmt;     /* NULL when no/unknown format */
    AstNode *decl;            /* the CREATE TABLE node (borrowed AST) */
    uint32_t src_id;          /* DiagSource of the declaration */
    const char *base_dir;     /* directory of the declaring script, for
                               relative paths (arena) */
    bool is_temporary;
    bool has_errors; /* diagnostics were reported while building */
    RelSchema *rel;  /* all columns, set by catalog_table_finish */
} CatTable;

typedef struct CatView {
    Str name;             /* last part (arena) */
    Str full_name;        /* as written (arena) */
    AstNode *decl;        /* the CREATE VIEW node (borrowed AST) */
    AstNode *query;       /* its query (borrowed AST, bound by resolve) */
    uint32_t n_col_names; /* CREATE VIEW v (a, b) AS ...; 0 if absent */
    Str *col_names;       /* arena array */
    RelSchema *rel;       /* output schema, filled in by resolve.c */
    uint32_t src_id;
    bool is_temporary;
} CatView;

typedef struct Catalog Catalog;

/* An empty catalog allocated from a (the compile arena). */
Catalog *catalog_new(Arena *a);

/* Lookups by name: a plain name or a qualified one written as "db.t"
 * (only the last part counts); case-insensitive.  NULL when absent. */
CatTable *catalog_find_table(Catalog *cat, Str name);
CatView *catalog_find_view(Catalog *cat, Str name);
/* Same, for a parsed name (uses its last part). */
CatTable *catalog_find_table_q(Catalog *cat, const QName *name);
CatView *catalog_find_view_q(Catalog *cat, const QName *name);

/* Build a CatTable from a CREATE TABLE node: copies names, types of
 * physical and metadata columns, recognises PROCTIME() computed columns
 * (type TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*), resolves the PRIMARY KEY
 * and WATERMARK column names (E_UNKNOWN_COLUMN, E_DUPLICATE for a column
 * declared twice, E_PRIMARY_KEY for a key on a computed/metadata column),
 * expands ${VAR} in option values (E_ENV_UNSET) and validates the options
 * (catalog_validate_options).  Other computed columns are left with
 * type == NULL for resolve.c to type-check.
 *
 * Always returns a table, even after errors (then has_errors is set), so
 * that resolve.c can still register it and later statements that use it
 * do not cascade into "unknown table" errors.  It does not add the table
 * to the catalog. */
CatTable *catalog_table_build(CompileCtx *cc, AstNode *create_table);

/* Complete a table after resolve.c has typed its computed columns: marks
 * the watermark column as rowtime (E_WATERMARK when it is not a TIMESTAMP
 * or TIMESTAMP_LTZ, or nullable-ness issues), makes primary-key columns
 * NOT NULL (as Flink does) and builds t->rel.  Computed columns still
 * without a type get NULL type in rel.  Returns false on error. */
bool catalog_table_finish(CompileCtx *cc, CatTable *t);

/* The type of column c of t: its type in t->rel once the table is
 * finished (computed columns typed by resolve.c), else the declared one
 * (NULL for a computed column not typed yet). */
SqlType *catalog_column_type(const CatTable *t, uint32_t c);

/* Whether t is a versioned table: it has a PRIMARY KEY and a WATERMARK. */
bool catalog_table_is_versioned(const CatTable *t);

/* Whether t, joined FOR SYSTEM_TIME AS OF a time attribute of kind ta, is
 * a versioned file: a versioned filesystem table joined at event time,
 * whose rows are an append-only changelog of versions (an event-time
 * temporal join), not a lookup table (docs/joins.md).  The resolver and
 * the planner make this choice with this one function. */
bool catalog_table_is_versioned_file(const CatTable *t, TimeAttr ta);

/* Check t's WITH options against its connector and format tables:
 * E_UNKNOWN_CONNECTOR (names the valid ones, did-you-mean),
 * E_MISSING_OPTION (at the table name), E_UNKNOWN_OPTION (at the key, with
 * did-you-mean), E_BAD_OPTION_VALUE (at the value), E_UNKNOWN_FORMAT /
 * E_UNSUPPORTED_FORMAT (at the value), plus connector-specific checks
 * (jdbc URL scheme, hdfs:// paths, ...).  Sets t->conn and t->fmt.
 * Messages never contain the value of a secret option.  Returns true when
 * nothing was reported.  Called by catalog_table_build(). */
bool catalog_validate_options(CompileCtx *cc, CatTable *t,
                              const AstNode *create_table);

/* A view entry for CREATE VIEW; the caller fills v->rel after binding. */
CatView *catalog_view_new(CompileCtx *cc, AstNode *create_view);

/* Register an object.  A name already taken by a table or view is
 * E_DUPLICATE at name_at ("table 'x' already exists"), unless
 * if_not_exists, in which case the existing entry is kept silently.
 * Returns true when the new entry was added. */
bool catalog_add_table(CompileCtx *cc, CatTable *t, bool if_not_exists,
                       SrcSpan name_at);
bool catalog_add_view(CompileCtx *cc, CatView *v, bool if_not_exists,
                      SrcSpan name_at);

/* DROP TABLE / DROP VIEW (an AST_DROP node).  A missing object without IF
 * EXISTS is E_UNKNOWN_TABLE with a did-you-mean; DROP VIEW on a table (and
 * the reverse) is E_UNKNOWN_TABLE with a detail naming the right
 * statement.  Returns true when nothing was reported. */
bool catalog_drop(CompileCtx *cc, const AstNode *drop);

/* Which objects catalog_names() lists. */
#define CAT_TABLES 1u
#define CAT_VIEWS 2u

/* Names of the registered objects (the last parts, as declared), sorted
 * case-insensitively; *n receives the count.  The array and its strings
 * are allocated from a.  Used by SHOW TABLES / SHOW VIEWS and as the
 * candidate list for spelling suggestions. */
const char **catalog_names(Catalog *cat, Arena *a, unsigned which, size_t *n);

/* Flink-like DESCRIBE output for a table or view, as a bordered table
 * with the columns name | type | null | key | extras | watermark,
 * appended to out.  Returns false (and appends nothing) when there is no
 * such object. */
bool catalog_describe(Catalog *cat, Str name, StrBuf *out);

/* The value of option key of t, or NULL when it was not given (no
 * default applied).  The value is NUL-terminated and ${VAR}-expanded. */
/* The column of t whose name name is a misspelling of (did-you-mean), or
 * NULL; the result is allocated from a. */
const char *catalog_suggest_column(Arena *a, const CatTable *t, Str name);

const char *catalog_table_option(const CatTable *t, const char *key);
/* The value of option key, else the default from the connector's (or
 * format's, for "json.x"-style keys) table, else NULL. */
const char *catalog_table_option_or_default(const CatTable *t, const char *key);
/* How an option value is shown to users: "******" for secrets. */
const char *catalog_option_display(const CatOption *o);

#endif
