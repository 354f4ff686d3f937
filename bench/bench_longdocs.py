"""Long documents: time and peak memory of analysing one generated news document of 0.25, 1, 5 and 20 MB,
each size in a fresh process (ingested from a file into a new SQLite database, then `analyze`: parsing and
stages part by part, storing, re-clustering). Targets: time growing linearly with size (seconds per MB about
constant), peak RSS at most 1 GB at 20 MB. The model and gazetteer are loaded before the clock starts (their
memory counts in the peak). Takes minutes: not part of `make test`.

usage: python -m bench.bench_longdocs [--sizes 0.25,1,5,20] [--single-line]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_MB = 1024  # peak RSS at 20 MB


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def one(mb: float, single_line: bool) -> dict:
    """Measure one size in this process (the parent starts a process per size)."""
    from claimledger import db, ingest, pipeline, statements

    from .common import peak_rss_mb
    from .longtext import document

    text = document(int(mb * 1_000_000), single_line=single_line)
    nlp = statements.pipeline()  # model and gazetteer loaded before the clock starts
    pipeline.analyze_parsed(nlp("The army said it shelled Kharkiv on Monday."), 0, date(2024, 6, 4))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(text, encoding="utf-8")
        del text
        engine = db.connect(f"sqlite:///{tmp}/bench.db")
        t = time.perf_counter()
        got = ingest.ingest(engine, [str(path)], meta={"published": "2024-06-04"},
                            opts=ingest.FetchOptions(max_bytes=64 * 1024 * 1024))
        ingest_s = time.perf_counter() - t
        t, cpu = time.perf_counter(), _cpu()
        summary = pipeline.analyze(engine)
        analyze_s, cpu_s = time.perf_counter() - t, _cpu() - cpu
        engine.dispose()
    return {"mb": mb, "stored": len(got.stored), "ingest_s": ingest_s, "analyze_s": analyze_s, "cpu_s": cpu_s,
            "rss_mb": peak_rss_mb(), "statements": summary.statements, "allegations": summary.allegations,
            "incidents": summary.incidents, "failed": [why for _, why in summary.failed]}


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="0.25,1,5,20", help="document sizes in MB (10^6 characters)")
    ap.add_argument("--single-line", action="store_true", help="the whole document on one line")
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)  # the child: measure this size, print JSON
    args = ap.parse_args(argv if argv is not None else sys.argv[1:])
    if args.one is not None:
        print(json.dumps(one(args.one, args.single_line)))
        return []
    rows = []
    print(f"  {'MB':>5} {'ingest s':>9} {'analyze s':>10} {'CPU s':>8} {'CPU s/MB':>9} {'peak RSS MiB':>13} {'statements':>11} "
          f"{'allegations':>12} {'incidents':>10}  failed")
    for mb in (float(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, "-m", "bench.bench_longdocs", "--one", str(mb)] + ["--single-line"] * args.single_line
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"  {mb:5g} failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"  {mb:5g} {r['ingest_s']:9.1f} {r['analyze_s']:10.1f} {r['cpu_s']:8.1f} {r['cpu_s'] / mb:9.1f} {r['rss_mb']:13.0f} "
              f"{r['statements']:11d} {r['allegations']:12d} {r['incidents']:10d}  {'; '.join(r['failed']) or '-'}",
              flush=True)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["cpu_s"] / first["cpu_s"]) / (last["mb"] / first["mb"])  # CPU time: the machine may be shared
        print(f"  CPU time grows {growth:.2f}x as fast as size from {first['mb']:g} to {last['mb']:g} MB (linear: 1.00); "
              f"peak RSS {last['rss_mb']:.0f} MiB at {last['mb']:g} MB (target <= {TARGET_MB} at 20 MB)")
    return rows


if __name__ == "__main__":
    main()
