/*
 * bench_readlines.c - the baseline of the run benchmark (tools/bench.sh):
 * a plain C loop that reads a file line by line with getline() and does
 * nothing else but count lines and bytes.  fsql's filter/project run over
 * the same file is compared against it.
 *
 *   bench_readlines FILE   prints "LINES BYTES"
 */
#include "runtime/fsql.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_readlines FILE\n");
        return 3;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long lines = 0, bytes = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lines++;
        bytes += (unsigned long long)n;
    }
    free(line); /* libc-owned: getline's buffer */
    fclose(f);
    printf("%llu %llu\n", lines, bytes);
    return 0;
}
