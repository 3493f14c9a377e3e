/*
 * value_map.h - MAP values: an immutable, self-describing encoded block.
 *
 * A MAP value is stored like a BYTES value: kind VK_BYTES, u.s pointing to
 * the block, and the column's RtType says sql_kind RT_SQL_MAP.  Because
 * the payload is one contiguous byte run, every place that copies, hashes,
 * compares, snapshots or restores string/bytes payloads handles maps too
 * (value_copy_to into state arenas, join and aggregate stores, checkpoint
 * codecs); only text output, element access and the connectors look
 * inside.  Equality and hashing are bytewise on the block, so two maps are
 * equal when they hold the same entries in the same order (as Flink's
 * binary maps compare).
 *
 * Block layout (little-endian, no alignment):
 *   u8  MAP_MAGIC
 *   u8  key kind (ValueKind), u8 key sql_kind, i8 key precision, u8 key scale
 *   u8  value kind, u8 value sql_kind, i8 value precision, u8 value scale
 *   u32 number of entries
 *   then per entry the key element, then the value element; an element is
 *   a flag byte (0 NULL, 1 present) followed, when present, by
 *     VK_STRING, VK_BYTES   u32 length, then the bytes
 *     VK_DECIMAL            16 bytes (low 64 bits, high 64 bits)
 *     VK_DOUBLE             8 bytes (IEEE 754 bits)
 *     every other kind      8 bytes (int64)
 *   The element types are scalar (no nested MAP/ARRAY/ROW); precision is
 *   clamped to -1..127 (only TIME/TIMESTAMP precision matters for output).
 *
 * Keys are unique: a key given more than once keeps the position of its
 * first occurrence and the value of its last (Flink's MAP[...] since
 * FLINK-38286, a LinkedHashMap; the Kafka 'headers' metadata likewise).
 *
 * Memory: blocks live in an arena (batch arena for computed maps, Program
 * arena for constants, state arenas after value_copy_to); elements read
 * back are views into the block.  Reading never allocates.
 *
 * Trust: blocks built by fsql are well formed; blocks from outside (a
 * checkpoint) are checked with map_validate() before use.  The iterator
 * is bounds-checked all the same and stops at a malformed element.
 */
#ifndef FSQL_RUNTIME_VALUE_MAP_H
#define FSQL_RUNTIME_VALUE_MAP_H

#include "runtime/fsql.h"
#include "runtime/mem.h"
#include "runtime/str.h"
#include "runtime/value.h"
#include "runtime/value_ops.h"

#define MAP_MAGIC 0xF1u
#define MAP_HDR_SIZE 13u

/* Whether a column type is a MAP (stored as VK_BYTES). */
static inline bool rt_is_map(const RtType *t)
{
    return t && t->sql_kind == RT_SQL_MAP;
}

/* A MAP column's RtType carries its element types packed into precision
 * (key) and scale (value), so that connectors and the VM know them:
 * kind | sql_kind << 8 | (precision & 0xff) << 16 | scale << 24. */
static inline int32_t map_type_pack(const RtType *e)
{
    int32_t p = e->precision < 0 || e->precision > 127 ? -1 : e->precision;
    int32_t s = e->scale < 0 || e->scale > 38 ? 0 : e->scale;
    return (int32_t)((uint32_t)e->kind | (uint32_t)e->sql_kind << 8 |
                     ((uint32_t)p & 0xffu) << 16 | (uint32_t)s << 24);
}

static inline RtType map_type_unpack(int32_t x)
{
    RtType t;
    uint32_t u = (uint32_t)x;
    t.kind = (ValueKind)(u & 0xffu);
    t.sql_kind = (uint8_t)(u >> 8);
    t.precision = (int8_t)(uint8_t)(u >> 16);
    t.scale = (int32_t)(u >> 24);
    t.is_nullable = true;
    return t;
}

/* The key and value types of a MAP column type. */
static inline RtType map_key_type(const RtType *m)
{
    return map_type_unpack(m->precision);
}

static inline RtType map_value_type(const RtType *m)
{
    return map_type_unpack(m->scale);
}

/* ---- building ------------------------------------------------------------ */

/* Bytes element v (of kind k) takes in a block, flag included. */
size_t map_elem_size(const Value *v, ValueKind k);
/* Write the header at p; returns p + MAP_HDR_SIZE. */
char *map_put_header(char *p, const RtType *kt, const RtType *vt,
                     uint32_t count);
/* Write element v (of kind k) at p; returns the end. */
char *map_put_elem(char *p, const Value *v, ValueKind k);
/* Build a map of n_pairs (key, value) pairs given interleaved in kv
 * (kv[2i] key, kv[2i+1] value, already of types kt and vt) into arena a;
 * a repeated key stays where it first appeared with its last value.  dst
 * becomes a non-NULL VK_BYTES value. */
void map_build(Arena *a, Value *dst, const RtType *kt, const RtType *vt,
               const Value *kv, uint32_t n_pairs);

/* ---- reading ------------------------------------------------------------- */

typedef struct MapIter {
    const unsigned char *p, *e;
    uint32_t left;
    RtType kt, vt;
} MapIter;

/* Start iterating map m (non-NULL); false when the header is malformed.
 * it->kt / it->vt are the element types the block records. */
bool map_iter_init(MapIter *it, const Value *m);
/* The next entry into *k and *v (views into the block); false at the end
 * or at a malformed element. */
bool map_iter_next(MapIter *it, Value *k, Value *v);
/* Number of entries (0 for a malformed block). */
uint32_t map_count(const Value *m);
/* m[key]: *out is the value of the entry whose key equals key (of type
 * kt, converted to the map's key type by the compiler; DECIMAL keys
 * compare across scales), else a NULL of the value kind.  A key of
 * another storage kind than the block's keys (STRING and BYTES count as
 * one) matches nothing. */
void map_get(const Value *m, const Value *key, const RtType *kt, Value *out);
/* Whether p[0..n) is a well-formed block: known scalar element kinds,
 * every element inside the block, the count matching, nothing after the
 * last entry, string keys and values of any bytes.  For restored data. */
bool map_validate(const char *p, size_t n);

/* ---- text ---------------------------------------------------------------- */

/* {k1=v1, k2=v2} as Flink prints a map: CAST(m AS STRING) and table
 * output (VALUE_STYLE_SQL: elements as CAST(e AS STRING) gives them, BYTES
 * as their bytes, NULL as "NULL"), the print connector (VALUE_STYLE_PRINT:
 * elements as Java's toString, BYTES as [1, 2], NULL as "null"). */
void map_format(StrBuf *out, const Value *m, const ValueFmt *f);
/* A JSON object: keys as JSON strings (non-string keys as their text),
 * values as value_format_json writes them (BYTES base64). */
void map_format_json(StrBuf *out, const Value *m, const ValueFmt *f);

/* Whether the map m (not NULL) has a NULL key. */
bool map_has_null_key(const Value *m);

/* ---- JSON input (runtime/json_map.c) ------------------------------------ */

/* The JSON object [p, e) (its grammar checked by the caller) as a MAP of
 * type t (a MAP column's RtType) into *v, allocated from a; tz for
 * zone-less TIMESTAMP_LTZ text.  NULL on success, else why an element
 * does not convert (v is then unchanged). */
const char *json_map_decode(const char *p, const char *e, const RtType *t,
                            Arena *a, const TimeZone *tz, Value *v);

/* ---- functions (bound by compiler/codegen_expr.c) ------------------------ */

struct FuncSite;
/* Re-encode map m with element types kt and vt (same storage kinds, or
 * STRING and BYTES exchanged, or NULL elements) into arena a; an element
 * of any other kind (a block not of the type the compiler converted
 * from) is written as NULL, never read through the wrong union member. */
void map_retype(Arena *a, Value *dst, const Value *m, const RtType *kt,
                const RtType *vt);

/* Fill a FuncSite for a map operation:
 *   "MAP"          MAP[k1, v1, ...]: n arguments, keys of type kt, values
 *                  of type vt
 *   "ITEM"         m[key]: arguments (map, key of type kt); ret the value
 *   "CARDINALITY"  CARDINALITY(m) -> INT
 *   "TO_STRING"    CAST(m AS STRING)
 *   "RETYPE"       a MAP converted to element types kt, vt (map_retype)
 *   "STR_TO_MAP"   STR_TO_MAP(s [, pair_delim, kv_delim]): n STRING
 *                  arguments, ret MAP<STRING, STRING>
 * Returns false for an unknown name. */
bool map_func_bind(const char *name, uint32_t n, const RtType *kt,
                   const RtType *vt, const RtType *ret, struct FuncSite *fs);

#endif
