"""`make bench`: every benchmark in one process, each printing its ratios against a baseline run beside it."""
from __future__ import annotations

import importlib
import sys

BENCHES = ["bench_ingest", "bench_geo", "bench_statements", "bench_pipeline", "bench_parallel", "bench_incidents",
           "bench_report", "bench_longdocs", "bench_web"]


def main(argv: list[str]) -> int:
    chosen = argv or BENCHES
    for name in chosen:
        try:
            mod = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            print(f"{name}: not available ({exc})")
            continue
        print(f"\n=== {name}")
        sys.argv = [name]  # benches that read their own argv see none
        mod.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
