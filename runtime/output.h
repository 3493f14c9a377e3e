/*
 * output.h - the writer behind Collect: results of a top-level SELECT on
 * standard output in the --output forms of DESIGN.md section 1
 * (docs/output.md).
 */
#ifndef FSQL_RUNTIME_OUTPUT_H
#define FSQL_RUNTIME_OUTPUT_H

#include "runtime/fsql.h"
#include "runtime/connector.h"
#include "runtime/job.h"

/* A SinkWriter writing rows of schema s (borrowed; outlives the writer)
 * to ctx->out in form f.  is_updating: the result carries -U/+U/-D (jsonl
 * then adds an "op" key to every object). */
SinkWriter *output_writer_new(const RtSchema *s, OutputFormat f,
                              bool is_updating, const RunCtx *ctx);

#endif
