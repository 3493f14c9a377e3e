# fsql - single GNU make file.  Outputs go under $(BUILD); the two programs
# are linked at the repository root (normal build) or under $(BUILD).
#
#   make            build ./fsql and ./fsql-kafka-mock
#   make test       install what is missing, build, run the whole test suite
#   make demo       install what is missing, build, run the main job
#   make asan       build with ASan+UBSan under build/asan and run the tests
#   make valgrind   the exec, seed and plan cases and the unit tests under
#                   valgrind's memcheck (tools/valgrind.sh; slow, not in test)
#   make fuzz-parser  run the libFuzzer parser target (FUZZ_SECONDS=60)
#   make fuzz-compile the same target through resolve and plan as well
#   make bench      benchmarks (figures go to docs/benchmarks.md by hand)
#   make install    PREFIX=/usr/local DESTDIR= : programs, fsql(1), docs
#   make uninstall  removes what install put there
#   make soak       the long crash test: kill -9 an exactly-once Kafka ->
#                   MariaDB/files job again and again (SOAK_ROUNDS=5)
#   make clean
#
# V=1 shows full command lines.

CC      ?= cc
LEMON   ?= lemon
RE2C    ?= re2c
BUILD   ?= build
SANITIZE ?=

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKGS := rdkafka sqlite3 libpcre2-8 nettle
PKGS += libmariadb  # MySQL/MariaDB client (jdbc:mysql:, issue 6)
PKGS += libedit     # line editing in fsql shell (issue 9)
PKGS += libmicrohttpd  # --metrics-port: /metrics over HTTP (issue 10)
PKGS += zlib           # CRC-32 of checkpoint files (issue 10)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT ?= -O2
CPPFLAGS += -I. -I$(BUILD)/gen -D_GNU_SOURCE
BASE_CFLAGS := -std=c11 -g $(OPT) -MMD -MP $(PKG_CFLAGS)
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
GEN_WARN := -Wall -Wno-unused-parameter -Wno-unused-variable \
            -Wno-type-limits -Wno-unused-but-set-variable
LDLIBS += $(PKG_LIBS) -lm

ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined -DFSQL_ARENA_DEBUG
LDFLAGS += -fsanitize=address,undefined
endif

ifeq ($(BUILD),build)
BINDIR := .
else
BINDIR := $(BUILD)
endif

FSQL_BIN := $(BINDIR)/fsql
MOCK_BIN := $(BINDIR)/fsql-kafka-mock

LIB_SRCS := $(wildcard compiler/*.c) $(wildcard runtime/*.c)
GEN_SRCS := $(BUILD)/gen/parse.c $(BUILD)/gen/lexer.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) \
            $(BUILD)/obj/gen/parse.o $(BUILD)/obj/gen/lexer.o
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)

.PHONY: all test test-quick demo asan valgrind deps fuzz-parser fuzz bench \
        clean fuzz-smoke fuzz-compile \
        check-style docs

all: $(FSQL_BIN) $(MOCK_BIN)

# One lemon run makes both files (a grouped target, so `make -j` does not
# run two lemons at once over the same output).
$(BUILD)/gen/parse.c $(BUILD)/gen/parse.h &: grammar/parse.y
	@mkdir -p $(BUILD)/gen
	@echo "LEMON $<"
	$(Q)cp grammar/parse.y $(BUILD)/gen/parse.y
	$(Q)$(LEMON) -q -d$(BUILD)/gen $(BUILD)/gen/parse.y
	$(Q)rm -f $(BUILD)/gen/parse.y

$(BUILD)/gen/lexer.c: grammar/lexer.re $(BUILD)/gen/parse.h
	@mkdir -p $(BUILD)/gen
	@echo "RE2C $<"
	$(Q)$(RE2C) -W --no-generation-date --no-version -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(BASE_CFLAGS) $(GEN_WARN) -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(BUILD)/gen/parse.h
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(BASE_CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libfsql.a: $(LIB_OBJS)
	@echo "AR $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(FSQL_BIN): $(BUILD)/obj/tools/fsql.o $(BUILD)/obj/tools/shell.o \
        $(BUILD)/obj/tools/shell_jobs.o $(BUILD)/libfsql.a
	@echo "LINK $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(MOCK_BIN): $(BUILD)/obj/tools/kafka_mock.o $(BUILD)/libfsql.a
	@echo "LINK $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/unit: $(UNIT_OBJS) $(BUILD)/libfsql.a
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- tests -------------------------------------------------------------

deps:
	@tools/deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory test-quick

test-quick: all $(BUILD)/bin/unit
	$(Q)$(BUILD)/bin/unit
	$(Q)FSQL=$(FSQL_BIN) tools/runtests.sh
	$(Q)FSQL=$(FSQL_BIN) tools/roundtrip.sh
	$(Q)$(MAKE) --no-print-directory fuzz-smoke fuzz-json-smoke \
	    fuzz-checkpoint-smoke fuzz-csv-smoke

asan: deps
	$(Q)ASAN_OPTIONS=detect_leaks=1 $(MAKE) --no-print-directory \
	    BUILD=build/asan SANITIZE=1 OPT=-O1 test-quick

# memcheck over tools/valgrind.sh's cases (normal build: valgrind and the
# sanitizers do not mix).  Logs of failed cases stay under build/valgrind/.
valgrind: all $(BUILD)/bin/unit
	$(Q)FSQL=$(FSQL_BIN) UNIT=$(BUILD)/bin/unit tools/valgrind.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh

# ---- fuzzing (clang + libFuzzer) ---------------------------------------

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined \
              -I. -Ibuild/fuzz/gen -D_GNU_SOURCE -DFSQL_ARENA_DEBUG \
              $(PKG_CFLAGS)

# The parser target is built from objects under build/fuzz/obj (compiled
# with -fsanitize=fuzzer-no-link), so a change to one file recompiles one
# file.  The generated parser/lexer come from a BUILD=build/fuzz sub-make.
comma := ,
FUZZ_OBJ_FLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=fuzzer-no-link$(comma),$(FUZZ_FLAGS)) -MMD -MP -w
FUZZ_PARSE_OBJS := $(LIB_SRCS:%.c=build/fuzz/obj/%.o) \
                   build/fuzz/obj/gen/parse.o build/fuzz/obj/gen/lexer.o \
                   build/fuzz/obj/tests/fuzz/fuzz_parse.o

ifneq ($(BUILD),build/fuzz)
build/fuzz/gen/parse.c build/fuzz/gen/parse.h build/fuzz/gen/lexer.c: \
        grammar/parse.y grammar/lexer.re
	@mkdir -p build/fuzz/gen
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz build/fuzz/gen/parse.c \
	    build/fuzz/gen/lexer.c
endif

build/fuzz/obj/gen/%.o: build/fuzz/gen/%.c
	@mkdir -p $(dir $@)
	@echo "FUZZ-CC $<"
	$(Q)$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -c -o $@ $<

build/fuzz/obj/%.o: %.c build/fuzz/gen/parse.h
	@mkdir -p $(dir $@)
	@echo "FUZZ-CC $<"
	$(Q)$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -c -o $@ $<

build/fuzz/fuzz_parse: $(FUZZ_PARSE_OBJS)
	@echo "FUZZ-LINK $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ \
	    $(FUZZ_PARSE_OBJS) $(PKG_LIBS) -lm

# The same target with -DFUZZ_FULL_COMPILE: every input also goes through
# compile_source() (resolve and plan).
build/fuzz/obj/tests/fuzz/fuzz_compile.o: tests/fuzz/fuzz_parse.c \
        build/fuzz/gen/parse.h
	@mkdir -p $(dir $@)
	@echo "FUZZ-CC $< (full compile)"
	$(Q)$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -DFUZZ_FULL_COMPILE -c -o $@ $<

build/fuzz/fuzz_compile: $(filter-out %/fuzz_parse.o,$(FUZZ_PARSE_OBJS)) \
        build/fuzz/obj/tests/fuzz/fuzz_compile.o
	@echo "FUZZ-LINK $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ \
	    $(PKG_LIBS) -lm

fuzz-compile: build/fuzz/fuzz_compile
	@mkdir -p build/fuzz/corpus-compile
	$(Q)build/fuzz/fuzz_compile -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/fuzz/fsql.dict -max_len=4096 -timeout=10 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus-compile \
	    tests/fuzz/corpus

-include $(shell find build/fuzz/obj -name '*.d' 2>/dev/null)

fuzz-parser: build/fuzz/fuzz_parse
	@mkdir -p build/fuzz/corpus
	$(Q)build/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/fuzz/fsql.dict -max_len=4096 -timeout=10 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz/corpus

# The short run inside `make test`: replay the checked-in corpus, then fuzz
# briefly from it (into a scratch corpus, so the time stays bounded).
fuzz-smoke: build/fuzz/fuzz_parse
	@rm -rf build/fuzz/smoke-corpus && mkdir -p build/fuzz/smoke-corpus
	@echo "FUZZ parser (15 s)"
	$(Q)build/fuzz/fuzz_parse -max_total_time=15 -dict=tests/fuzz/fsql.dict \
	    -max_len=4096 -timeout=10 -artifact_prefix=build/fuzz/ \
	    build/fuzz/smoke-corpus tests/fuzz/corpus \
	    >build/fuzz/smoke.log 2>&1 || { tail -50 build/fuzz/smoke.log; exit 1; }

# The json/csv formats target (tests/fuzz/fuzz_json.c): runtime only.
.PHONY: fuzz-json fuzz-json-smoke
RT_SRCS := $(wildcard runtime/*.c)

build/fuzz/fuzz_json: tests/fuzz/fuzz_json.c $(RT_SRCS) $(wildcard runtime/*.h)
	@mkdir -p build/fuzz
	@echo "FUZZ-CC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -w -o $@ tests/fuzz/fuzz_json.c \
	    $(RT_SRCS) $(PKG_LIBS) -lm

fuzz-json: build/fuzz/fuzz_json
	@mkdir -p build/fuzz/corpus-json
	$(Q)build/fuzz/fuzz_json -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/fuzz/json.dict -max_len=4096 -timeout=10 \
	    build/fuzz/corpus-json tests/fuzz/corpus-json

fuzz-json-smoke: build/fuzz/fuzz_json
	@mkdir -p build/fuzz/corpus-json
	@echo "FUZZ json (15 s)"
	$(Q)build/fuzz/fuzz_json -max_total_time=15 -dict=tests/fuzz/json.dict \
	    -max_len=4096 -timeout=10 build/fuzz/corpus-json \
	    tests/fuzz/corpus-json >build/fuzz/smoke-json.log 2>&1 || \
	    { tail -50 build/fuzz/smoke-json.log; exit 1; }

# The csv format target (tests/fuzz/fuzz_csv.c: record split, decoding
# with option combinations, encode/decode round trip) and the text to
# value conversions (tests/fuzz/fuzz_textconv.c: textconv.c included so
# its fast paths are checked against the general parsers).  Runtime only.
.PHONY: fuzz-csv fuzz-csv-smoke
build/fuzz/fuzz_csv: tests/fuzz/fuzz_csv.c $(RT_SRCS) $(wildcard runtime/*.h)
	@mkdir -p build/fuzz
	@echo "FUZZ-CC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -w -o $@ tests/fuzz/fuzz_csv.c \
	    $(RT_SRCS) $(PKG_LIBS) -lm

build/fuzz/fuzz_textconv: tests/fuzz/fuzz_textconv.c $(RT_SRCS) \
        $(wildcard runtime/*.h)
	@mkdir -p build/fuzz
	@echo "FUZZ-CC $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -w -o $@ tests/fuzz/fuzz_textconv.c \
	    $(filter-out runtime/textconv.c,$(RT_SRCS)) $(PKG_LIBS) -lm

fuzz-csv: build/fuzz/fuzz_csv build/fuzz/fuzz_textconv
	@mkdir -p build/fuzz/corpus-csv build/fuzz/corpus-textconv
	$(Q)build/fuzz/fuzz_csv -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/fuzz/csv.dict -max_len=4096 -timeout=10 \
	    -artifact_prefix=build/fuzz/csv- \
	    build/fuzz/corpus-csv tests/fuzz/corpus-csv
	$(Q)build/fuzz/fuzz_textconv -max_total_time=$(FUZZ_SECONDS) \
	    -dict=tests/fuzz/csv.dict -max_len=256 -timeout=10 \
	    -artifact_prefix=build/fuzz/textconv- \
	    build/fuzz/corpus-textconv tests/fuzz/corpus-textconv

fuzz-csv-smoke: build/fuzz/fuzz_csv build/fuzz/fuzz_textconv
	@mkdir -p build/fuzz/corpus-csv build/fuzz/corpus-textconv
	@echo "FUZZ csv, textconv (10 s each)"
	$(Q)build/fuzz/fuzz_csv -max_total_time=10 -dict=tests/fuzz/csv.dict \
	    -max_len=4096 -timeout=10 -artifact_prefix=build/fuzz/csv- \
	    build/fuzz/corpus-csv tests/fuzz/corpus-csv \
	    >build/fuzz/smoke-csv.log 2>&1 || \
	    { tail -50 build/fuzz/smoke-csv.log; exit 1; }
	$(Q)build/fuzz/fuzz_textconv -max_total_time=10 \
	    -dict=tests/fuzz/csv.dict -max_len=256 -timeout=10 \
	    -artifact_prefix=build/fuzz/textconv- \
	    build/fuzz/corpus-textconv tests/fuzz/corpus-textconv \
	    >build/fuzz/smoke-textconv.log 2>&1 || \
	    { tail -50 build/fuzz/smoke-textconv.log; exit 1; }

# The checkpoint reader target (tests/fuzz/fuzz_checkpoint.c): the file
# layer, the blob codec and operators' restore in small compiled jobs.
.PHONY: fuzz-checkpoint fuzz-checkpoint-smoke
build/fuzz/fuzz_checkpoint: $(filter-out %/fuzz_parse.o,$(FUZZ_PARSE_OBJS)) \
        build/fuzz/obj/tests/fuzz/fuzz_checkpoint.o
	@echo "FUZZ-LINK $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ \
	    $(PKG_LIBS) -lm

fuzz-checkpoint: build/fuzz/fuzz_checkpoint
	@mkdir -p build/fuzz/corpus-checkpoint
	$(Q)build/fuzz/fuzz_checkpoint -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=65536 -timeout=10 -artifact_prefix=build/fuzz/ckpt- \
	    build/fuzz/corpus-checkpoint tests/fuzz/corpus-checkpoint

# In `make test`: replay the seed corpus only (real checkpoints of the
# target's six jobs must restore; a few seconds, deterministic).  Random
# fuzzing joins it once the known restore findings are fixed.
fuzz-checkpoint-smoke: build/fuzz/fuzz_checkpoint
	@echo "FUZZ checkpoint (corpus replay)"
	$(Q)build/fuzz/fuzz_checkpoint -runs=0 -max_len=65536 -timeout=10 \
	    -artifact_prefix=build/fuzz/ckpt- tests/fuzz/corpus-checkpoint \
	    >build/fuzz/smoke-ckpt.log 2>&1 || \
	    { tail -50 build/fuzz/smoke-ckpt.log; exit 1; }

fuzz: fuzz-parser fuzz-json fuzz-checkpoint fuzz-csv

# The long version of tests/mysql/crash_exactly_once.sh (issue 10): 30
# random kills per round instead of 10, SOAK_ROUNDS rounds.
SOAK_ROUNDS ?= 5
.PHONY: soak
soak: all
	$(Q)for i in $$(seq 1 $(SOAK_ROUNDS)); do \
	    echo "soak round $$i of $(SOAK_ROUNDS)"; \
	    SOAK=1 FSQL=$(FSQL_BIN) tests/mysql/crash_exactly_once.sh || exit 1; \
	done

bench: all $(BUILD)/bin/bench_json $(BUILD)/bin/bench_readlines
	$(Q)tools/bench.sh

# JSON decoder beside yajl (tools/bench_json.c); yajl's columns are left
# out when libyajl-dev is not installed.
YAJL_CFLAGS := $(shell test -f /usr/include/yajl/yajl_tree.h && \
                 echo -DHAVE_YAJL)
YAJL_LIBS := $(if $(YAJL_CFLAGS),-lyajl)

$(BUILD)/obj/tools/bench_json.o: tools/bench_json.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(BASE_CFLAGS) $(WARN) $(YAJL_CFLAGS) -c -o $@ $<

$(BUILD)/bin/bench_json: $(BUILD)/obj/tools/bench_json.o $(BUILD)/libfsql.a
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(YAJL_LIBS)

# Expression VM micro-benchmark (tools/bench_vm.c): seed 002's scoring
# Calcs through the VM beside the same computation written in C.
$(BUILD)/bin/bench_vm: $(BUILD)/obj/tools/bench_vm.o $(BUILD)/libfsql.a
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Baseline of the run benchmark: a plain getline() loop (tools/bench.sh).
$(BUILD)/obj/tools/bench_readlines.o: tools/bench_readlines.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(CPPFLAGS) $(BASE_CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/bin/bench_readlines: $(BUILD)/obj/tools/bench_readlines.o
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

check-style:
	$(Q)tools/check-style.sh

# ---- install (issue 9) -------------------------------------------------
#
#   make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage]
#   make uninstall (same PREFIX and DESTDIR)
#
# PREFIX/bin/fsql and fsql-kafka-mock, PREFIX/share/man/man1/fsql.1,
# PREFIX/share/doc/fsql/ (README.md, docs/ and sql-examples/; the seed 002
# data that `make demo` generates is left out).  tests/cli/install.sh.

PREFIX ?= /usr/local
INSTALL ?= install
I_BIN := $(DESTDIR)$(PREFIX)/bin
I_MAN1 := $(DESTDIR)$(PREFIX)/share/man/man1
I_DOC := $(DESTDIR)$(PREFIX)/share/doc/fsql

.PHONY: install uninstall
install: $(FSQL_BIN) $(MOCK_BIN)
	$(INSTALL) -d "$(I_BIN)" "$(I_MAN1)" "$(I_DOC)"
	$(INSTALL) -m 755 $(FSQL_BIN) $(MOCK_BIN) "$(I_BIN)/"
	$(INSTALL) -m 644 docs/fsql.1 "$(I_MAN1)/fsql.1"
	$(INSTALL) -m 644 README.md "$(I_DOC)/README.md"
	$(Q)find docs -type f ! -name fsql.1 | while read -r f; do \
	    $(INSTALL) -D -m 644 "$$f" "$(I_DOC)/$${f#docs/}" || exit 1; done
	$(Q)find sql-examples -type f ! -path 'sql-examples/seed002/data/*' | \
	    while read -r f; do \
	    $(INSTALL) -D -m 644 "$$f" "$(I_DOC)/$$f" || exit 1; done
	@echo "installed fsql under $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f "$(I_BIN)/fsql" "$(I_BIN)/fsql-kafka-mock" "$(I_MAN1)/fsql.1"
	rm -rf "$(I_DOC)"

clean:
	rm -rf build fsql fsql-kafka-mock

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
