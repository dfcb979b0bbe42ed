#!/usr/bin/env python3
"""Joins benchmark JSON lines from PyTorch and nasbook into one comparison table.

Usage: compare.py [FILE ...]     (no FILE, or "-": read standard input)

Each input line that is a JSON object with "engine", "model" and "batch" is one measurement, as
printed by bench/pytorch/train_bench.py --json and `nasbook-bench train --json`. Anything else
(build logs, blank lines) is skipped, so raw command output can be piped in as it is. Records
are keyed by (engine, model, batch, threads); when one appears more than once, the last line
wins. Each row compares the two engines at the same thread count, and where a case was
measured at several thread counts, each engine's speed-up over its own fewest-thread run is
shown too.

Standard library only: it runs under whichever python3 is at hand, venv or not.
"""

import json
import sys

ENGINES = ("pytorch", "nasbook")
# Known models first, in the benchmark's order; any others after, alphabetically.
MODEL_ORDER = ("resnet8", "smallcnn", "cnn1d")
# A record whose other_load_pct (others' share of the CPUs while it was timed) is above this
# was measured on a busy machine; train_bench.py uses the same default.
BUSY_WARN_PCT = 5.0


def read_records(paths):
    records = {}
    for path in paths or ["-"]:
        stream = sys.stdin if path == "-" else open(path)
        with stream:
            for line in stream:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(rec, dict) and {"engine", "model", "batch"} <= rec.keys():
                    records[(rec["engine"], rec["model"], int(rec["batch"]), int(rec.get("threads", 0)))] = rec
    return records


def fmt_num(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio(num, den):
    return None if num is None or den in (None, 0) else num / den


def main():
    records = read_records(sys.argv[1:])
    if not records:
        print("compare.py: no benchmark records found", file=sys.stderr)
        return 1

    keys = sorted(
        {(m, b, t) for (_, m, b, t) in records},
        key=lambda k: (MODEL_ORDER.index(k[0]) if k[0] in MODEL_ORDER else len(MODEL_ORDER), k[0], k[1], k[2]),
    )
    several = any(t != keys[0][2] for (_, _, t) in keys)
    header = ["model", "batch", "threads", "pytorch img/s", "nasbook img/s", "speed ratio", "per-CPU-s ratio",
              "pytorch peak MB", "nasbook peak MB", "memory ratio"]
    if several:
        header += ["pytorch scaling", "nasbook scaling"]
    rows = []
    notes = []

    def scaling(engine, model, batch, threads):
        # This engine's speed at `threads` over its own speed at the fewest threads measured.
        runs = {t: r for (e, m, b, t), r in records.items() if (e, m, b) == (engine, model, batch)}
        fewest = min(runs) if runs else None
        if fewest is None or fewest == threads or threads not in runs:
            return "-"
        s = ratio(runs[threads].get("images_per_s"), runs[fewest].get("images_per_s"))
        return "-" if s is None else f"{s:.2f}x"

    for model, batch, threads in keys:
        pt = records.get(("pytorch", model, batch, threads), {})
        nb = records.get(("nasbook", model, batch, threads), {})
        pt_ips, nb_ips = pt.get("images_per_s"), nb.get("images_per_s")
        pt_mem, nb_mem = pt.get("peak_rss_mb"), nb.get("peak_rss_mb")
        speed, mem = ratio(nb_ips, pt_ips), ratio(nb_mem, pt_mem)
        cpu = ratio(nb.get("images_per_cpu_s"), pt.get("images_per_cpu_s"))
        row = [model, str(batch), str(threads), fmt_num(pt_ips), fmt_num(nb_ips),
               "-" if speed is None else f"{speed:.2f}x", "-" if cpu is None else f"{cpu:.2f}x",
               fmt_num(pt_mem), fmt_num(nb_mem),
               "-" if mem is None else f"{mem:.2f}x"]
        if several:
            row += [scaling("pytorch", model, batch, threads), scaling("nasbook", model, batch, threads)]
        rows.append(row)
        # A ratio between runs with different parameter counts compares different work; say so
        # next to the table rather than hide it.
        if pt and nb:
            for field in ("params",):
                if field in pt and field in nb and pt[field] != nb[field]:
                    notes.append(f"{model} batch {batch}: {field} differ "
                                 f"(pytorch {pt[field]}, nasbook {nb[field]})")

    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))

    print()
    print("speed ratio = nasbook img/s / pytorch img/s (above 1: nasbook trains faster)")
    print("per-CPU-s ratio = the same per CPU-second each process used (spin-waiting included): steadier on a busy machine")
    print("memory ratio = nasbook peak RSS / pytorch peak RSS (below 1: nasbook uses less)")
    if several:
        print("scaling = an engine's img/s at this thread count / its own img/s at the fewest threads measured")
    pt_any = [r for (e, _, _, _), r in records.items() if e == "pytorch"]
    if pt_any:
        base = [r["baseline_rss_mb"] for r in pt_any if r.get("baseline_rss_mb") is not None]
        formats = sorted({f"{r['model']}/{r['batch']}: {r.get('memory_format', '?')}" for r in pt_any},
                         key=lambda s: (MODEL_ORDER.index(s.split("/")[0]) if s.split("/")[0] in MODEL_ORDER else 99, s))
        threads = sorted({r.get("threads") for r in pt_any}, key=str)
        print(f"pytorch: threads {', '.join(map(str, threads))}; torch {pt_any[0].get('torch', '?')}; "
              f"memory format {'; '.join(formats)}")
        if base:
            print(f"pytorch RSS after import torch + model build: {min(base):.1f}-{max(base):.1f} MB "
                  "(framework overhead included in its peak)")
    if not any(e == "nasbook" for (e, _, _, _) in records):
        print("nasbook: no results (see the message above the table)")
    for (engine, model, batch, threads), r in sorted(records.items(), key=lambda kv: str(kv[0])):
        load = r.get("other_load_pct")
        if load is not None and load > BUSY_WARN_PCT:
            notes.append(f"{engine} {model} batch {batch} threads {threads}: other processes used {load}% of the CPUs "
                         "during the run; its numbers are not trustworthy")
    for n in notes:
        print(f"warning: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
