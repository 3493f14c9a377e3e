#!/usr/bin/env bash
# match_recognize.sh - differential test of MATCH_RECOGNIZE against a
# brute-force oracle (issue 7).
#
# The oracle (Python, below) is a direct reading of the SQL standard's
# row pattern matching: for each start row in order it enumerates the
# ways the pattern can map the following rows, in preferment order
# (greedy quantifiers try one more row before stopping, reluctant ones
# stop first, alternatives left to right), by backtracking, takes the
# first mapping whose DEFINE conditions all hold (each evaluated with the
# rows mapped so far, PREV / NEXT over the whole partition, NULL outside
# it, unknown comparisons false), keeps all rows of a match within
# [t0, t0 + WITHIN), and goes on after the match as AFTER MATCH SKIP says.
# It sees the whole input at once; fsql streams it in event time, rows
# arriving out of order by up to 3 s (watermark delay 5 s, so none is
# late), with NEXT rows held back, greedy ends and WITHIN windows decided
# by the watermark.  Both must find the same matches.
#
# For SEEDS random datasets (5 partitions, values 0-9, timestamps with
# ties, ordered by time then id) and each of the patterns below, the rows
# (partition, first id, last id, rows, rows mapped to A) are compared.
#
# Usage: tests/oracle/match_recognize.sh [SEEDS] [ROWS]  (default 30 400)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
FSQL=${FSQL:-$root/fsql}
case "$FSQL" in /*) ;; *) FSQL="$root/${FSQL#./}" ;; esac
SEEDS=${1:-30}
ROWS=${2:-400}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 - "$FSQL" "$T" "$SEEDS" "$ROWS" <<'PY'
import json, random, subprocess, sys, datetime

fsql, tmp, seeds, nrows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def nxt(rows, i, k=1):
    return rows[i + k]["v"] if i + k < len(rows) else None

def prv(rows, i, k=1):
    return rows[i - k]["v"] if i - k >= 0 else None

def lt(a, b):
    return a is not None and b is not None and a < b

def count(path, var):
    return sum(1 for _, v in path if v == var)

# (name, SQL PATTERN ... DEFINE text, skip, items, define(var, rows, i, path))
# items: (alternative variables, min, max or None, greedy)
CASES = [
    ("peaks", "PATTERN (A B+ C?) DEFINE A AS v > NEXT(v), B AS v < PREV(v), "
     "C AS v >= 7", "PAST LAST ROW", None,
     [("A", 1, 1, True), ("B", 1, None, True), ("C", 0, 1, True)],
     lambda var, r, i, p: {
         "A": lambda: lt(nxt(r, i), r[i]["v"]),
         "B": lambda: lt(r[i]["v"], prv(r, i)),
         "C": lambda: r[i]["v"] >= 7}[var]()),
    ("alt", "PATTERN ((A | B)+? C) DEFINE A AS v < 3, B AS v < NEXT(v, 2), "
     "C AS v > 6", "TO NEXT ROW", None,
     [("AB", 1, None, False), ("C", 1, 1, True)],
     lambda var, r, i, p: {
         "A": lambda: r[i]["v"] < 3,
         "B": lambda: lt(r[i]["v"], nxt(r, i, 2)),
         "C": lambda: r[i]["v"] > 6}[var]()),
    ("within", "PATTERN (A B* C) WITHIN INTERVAL '3' SECOND "
     "DEFINE A AS v >= 7, C AS v <= 2", "TO NEXT ROW", 3000,
     [("A", 1, 1, True), ("B", 0, None, True), ("C", 1, 1, True)],
     lambda var, r, i, p: {
         "A": lambda: r[i]["v"] >= 7,
         "B": lambda: True,
         "C": lambda: r[i]["v"] <= 2}[var]()),
    ("counted", "PATTERN (A{2,3} B?? C) DEFINE A AS PREV(v) IS NULL OR "
     "v >= PREV(v), B AS NEXT(v) IS NULL OR v = 5, "
     "C AS COUNT(A.*) = 3 OR v = 0", "PAST LAST ROW", None,
     [("A", 2, 3, True), ("B", 0, 1, False), ("C", 1, 1, True)],
     lambda var, r, i, p: {
         "A": lambda: prv(r, i) is None or r[i]["v"] >= prv(r, i),
         "B": lambda: nxt(r, i) is None or r[i]["v"] == 5,
         "C": lambda: count(p, "A") == 3 or r[i]["v"] == 0}[var]()),
    ("ahead", "PATTERN (A+ B) WITHIN INTERVAL '4' SECOND DEFINE "
     "A AS v <> NEXT(v, 3), B AS NEXT(v) IS NULL OR v > NEXT(v)",
     "PAST LAST ROW", 4000,
     [("A", 1, None, True), ("B", 1, 1, True)],
     lambda var, r, i, p: {
         "A": lambda: nxt(r, i, 3) is not None and r[i]["v"] != nxt(r, i, 3),
         "B": lambda: nxt(r, i) is None or r[i]["v"] > nxt(r, i)}[var]()),
]

def first_match(rows, s, items, define, within):
    t0 = rows[s]["ts"]
    path = []
    def rec(k, cnt, pos):
        if k == len(items):
            yield list(path)
            return
        alts, mn, mx, greedy = items[k]
        def more():
            if (mx is not None and cnt >= mx) or pos >= len(rows):
                return
            if within is not None and rows[pos]["ts"] >= t0 + within:
                return
            for var in alts:
                path.append((pos, var))
                if define(var, rows, pos, path):
                    yield from rec(k, cnt + 1, pos + 1)
                path.pop()
        def stop():
            if cnt >= mn:
                yield from rec(k + 1, 0, pos)
        if greedy:
            yield from more()
            yield from stop()
        else:
            yield from stop()
            yield from more()
    return next(rec(0, 0, s), None)

def oracle(rows, case):
    name, _, skip, within, items, define = case
    parts = {}
    for r in rows:
        parts.setdefault(r["p"], []).append(r)
    out = []
    for p, pr in parts.items():
        pr.sort(key=lambda r: (r["ts"], r["id"]))
        s = 0
        while s < len(pr):
            m = first_match(pr, s, items, define, within)
            if not m:
                s += 1
                continue
            out.append((p, pr[m[0][0]]["id"], pr[m[-1][0]]["id"], len(m),
                        sum(1 for _, v in m if v == "A")))
            s = m[-1][0] + 1 if skip == "PAST LAST ROW" else s + 1
    return sorted(out)

def ts_text(ms):
    d = datetime.datetime(2024, 5, 1) + datetime.timedelta(milliseconds=ms)
    return d.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ms % 1000)

bad = 0
for seed in range(seeds):
    rnd = random.Random(seed)
    rows, t = [], 0
    for i in range(nrows):
        t += rnd.choice([0, 0, 300, 700, 1000, 1500, 2000])
        rows.append({"id": i + 1, "p": "p%d" % rnd.randint(1, 5),
                     "v": rnd.randint(0, 9), "ts": t})
    arrival = sorted(rows, key=lambda r: r["ts"] + rnd.randint(0, 3000))
    with open("%s/in.jsonl" % tmp, "w") as f:
        for r in arrival:
            f.write(json.dumps({"id": r["id"], "p": r["p"], "v": r["v"],
                                "ts": ts_text(r["ts"])}) + "\n")
    sql = ["CREATE TABLE e (id INT, p STRING, v INT, ts TIMESTAMP(3), "
           "WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ("
           "'connector' = 'filesystem', 'path' = 'in.jsonl', "
           "'format' = 'json');"]
    for case in CASES:
        name, text, skip = case[0], case[1], case[2]
        sql.append(
            "SELECT '%s' AS q, * FROM e MATCH_RECOGNIZE (PARTITION BY p "
            "ORDER BY ts, id MEASURES FIRST(id) AS f, LAST(id) AS l, "
            "COUNT(*) AS n, COUNT(A.*) AS na ONE ROW PER MATCH "
            "AFTER MATCH SKIP %s %s) m;" % (name, skip, text))
    with open("%s/job.sql" % tmp, "w") as f:
        f.write("\n".join(sql) + "\n")
    res = subprocess.run([fsql, "run", "--output", "csv", "job.sql"],
                         cwd=tmp, capture_output=True, text=True)
    if res.returncode != 0 or "late" in res.stderr:
        print("seed %d: fsql failed: %s" % (seed, res.stderr))
        bad += 1
        continue
    got = {}
    for line in res.stdout.splitlines():
        f = line.split(",")
        if f[0] == "q":
            continue
        got.setdefault(f[0], []).append(
            (f[1], int(f[2]), int(f[3]), int(f[4]), int(f[5])))
    for case in CASES:
        want = oracle(rows, case)
        have = sorted(got.get(case[0], []))
        if want != have:
            bad += 1
            print("seed %d, %s: fsql %d matches, oracle %d" %
                  (seed, case[0], len(have), len(want)))
            print("  only fsql:   %s" % sorted(set(have) - set(want))[:5])
            print("  only oracle: %s" % sorted(set(want) - set(have))[:5])
        elif seed == 0:
            print("%s: %d matches agree" % (case[0], len(want)))
print("match_recognize oracle: %d seeds x %d patterns, %d differ" %
      (seeds, len(CASES), bad))
sys.exit(1 if bad else 0)
PY
