#!/usr/bin/env python3
"""tests/bench.py: the timing and the table of `make bench` (tests/bench.sh).

  bench.py pair ROWS LABEL RUNS GOAL PREP_A A PREP_B B [N]
      Runs A and B (shell command strings) in turn, A B A B ..., RUNS times
      each after one warm-up pair, each after its PREP (untimed; "" for none).
      Every run is timed as a whole process by the kernel's own accounting
      (wait4: wall, user+sys CPU, peak RSS of the largest process). Appends
      one JSON row to ROWS: the medians and the median of the pairwise
      ratios A/B, so the ratio holds when the machine's speed drifts. With N
      (items per run) the row also gives CPU ms per item. A run that exits
      non-zero stops the benchmark (exit 1): a broken benchmark is a failure,
      a slow one never is.
  bench.py row ROWS LABEL VALUE REFERENCE RATIO GOAL
      Appends a row measured elsewhere (bench-verify, bench-status, counts).
  bench.py writes ROWS LABEL TRACE N RAW_BYTES
      Appends the store's pwrite64 and fdatasync calls and bytes written per
      package, counted in TRACE (strace -f -y of a refresh of N packages).
  bench.py table ROWS
      Prints every row as one table, with the machine's load.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(cmd):
    with tempfile.TemporaryFile() as errf:
        t0 = time.monotonic()
        p = subprocess.Popen(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL, stderr=errf)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            errf.seek(0)
            sys.stderr.write(errf.read().decode(errors="replace")[-4000:])
            sys.exit("bench: '%s' exited %d" % (cmd, rc))
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024.0}


def prep(cmd):
    if cmd:
        r = subprocess.run(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL)
        if r.returncode != 0:
            sys.exit("bench: preparation '%s' exited %d" % (cmd, r.returncode))


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def pair(rows, label, nruns, goal, prep_a, a, prep_b, b, n=None):
    ra, rb = [], []
    for i in range(int(nruns) + 1):
        prep(prep_a)
        x = run_once(a)
        prep(prep_b)
        y = run_once(b)
        if i > 0:  # the first pair warms caches
            ra.append(x)
            rb.append(y)
    ratio = statistics.median(x["wall"] / max(y["wall"], 1e-6) for x, y in zip(ra, rb))
    value = "%.3f s wall, %.3f s CPU, %.1f MB" % (med(ra, "wall"), med(ra, "cpu"), med(ra, "rss_mb"))
    ref = "%.3f s wall, %.3f s CPU" % (med(rb, "wall"), med(rb, "cpu"))
    if n:
        n = int(n)
        value += ", %.1f/s, %.2f ms CPU each" % (n / med(ra, "wall"), 1000 * med(ra, "cpu") / n)
        ref += ", %.1f/s" % (n / med(rb, "wall"))
    value += " (min %.3f max %.3f)" % (min(r["wall"] for r in ra), max(r["wall"] for r in ra))
    add(rows, label, value, ref, "%.2fx" % ratio, goal)


def add(rows, label, value, ref, ratio, goal):
    with open(rows, "a") as f:
        f.write(json.dumps({"label": label, "value": value, "ref": ref, "ratio": ratio,
                            "goal": goal}) + "\n")


def writes(rows, label, trace, n, raw):
    """The store's writes in an strace -f -y log of one refresh of n packages
    (raw bytes in all): pwrite64 calls, fdatasync and fsync calls and bytes
    written, per package, on the store's files (the database, its WAL and
    any temporary file of SQLite's)."""
    n, raw = int(n), int(raw)
    pw = sync = written = 0
    pat = re.compile(r'^\d+\s+(pwrite64|fdatasync|fsync)\(\d+<([^>]*)>.*\)\s+=\s+(-?\d+)')
    for l in open(trace):
        m = pat.match(l)
        if not m or "/locks/" in m.group(2):
            continue
        if m.group(1) == "pwrite64":
            pw += 1
            written += max(int(m.group(3)), 0)
        else:
            sync += 1
    if n <= 0 or pw == 0:
        sys.exit("bench: no store write in the trace %s" % trace)
    add(rows, label, "%.1f pwrite, %.2f fdatasync, %.0f KB written" % (pw / n, sync / n, written / n / 1024),
        "raw package %.0f KB" % (raw / n / 1024), "%.2fx bytes" % (written / raw),
        "< 1 fdatasync (batched commits)")


def table(rows):
    rs = [json.loads(l) for l in open(rows)]
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else []
    print("kepagent benchmarks: %d cores, load %s; medians, ratio = kepagent / reference"
          % (os.cpu_count() or 0, " ".join(load)))
    cols = ["figure", "kepagent", "reference, same run", "ratio", "goal"]
    keys = ["label", "value", "ref", "ratio", "goal"]
    w = [max([len(c)] + [len(r[k]) for r in rs]) for c, k in zip(cols, keys)]
    line = lambda v: "| " + " | ".join(s.ljust(x) for s, x in zip(v, w)) + " |"
    print(line(cols))
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for r in rs:
        print(line([r[k] for k in keys]))


def main(argv):
    if len(argv) >= 10 and argv[1] == "pair":
        pair(*argv[2:])
    elif len(argv) == 8 and argv[1] == "row":
        add(*argv[2:])
    elif len(argv) == 7 and argv[1] == "writes":
        writes(*argv[2:])
    elif len(argv) == 3 and argv[1] == "table":
        table(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
