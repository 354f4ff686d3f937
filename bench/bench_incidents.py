"""Benchmark incident clustering: time and peak memory of `incidents.cluster` on synthetic allegations.

    .venv/bin/python bench/bench_incidents.py            # 10k and 100k
    .venv/bin/python bench/bench_incidents.py --1m       # and 1M (several minutes)
    .venv/bin/python bench/bench_incidents.py --sizes 1000 5000

Allegations are spread over a few conflict regions (200 random towns within each) and a period that
grows with the corpus (n/40 days), so reports per town-day stay constant as they do
when a real corpus grows; dates are a day, a month or missing; a handful of acts and perpetrators.
Growth ratios between sizes show how cost scales (n log n gives a bit over 10x per 10x). Packing more
reports into the same towns and days grows cost with that density, as any clustering must. One
verifier finding per 20 allegations is matched to the incidents too.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from claimledger import incidents  # noqa: E402
from claimledger.models import Allegation, Assessment, Place  # noqa: E402

REGIONS = [(48.0, 37.8), (36.2, 37.1), (15.3, 44.2), (39.8, 46.7), (31.5, 34.45)]  # Donbas, Aleppo, Yemen, Karabakh, Gaza
ACTS = ["shelling", "airstrike", "missile_strike", "drone_strike", "attack_on_civilians", "threat", "detention"]
PERPS = ["Side A", "Side B", "Side C", None]


def synthetic(n: int, seed: int = 1) -> tuple[list[Allegation], list[dict]]:
    """n allegations over 1,000 towns and a period growing with n, with their documents."""
    rng = random.Random(seed)
    towns_per_region = 200
    towns = [[(lat + rng.uniform(-1.5, 1.5), lon + rng.uniform(-1.5, 1.5)) for _ in range(towns_per_region)]
             for lat, lon in REGIONS]
    start = date(1990, 1, 1)
    days = max(30, n // 40)  # a bigger corpus covers a longer period: density per town-day stays put
    docs, algs = [], []
    n_docs = max(1, n // 4)
    for d in range(1, n_docs + 1):
        docs.append({"id": d, "published": (start + timedelta(days=rng.randint(0, days))).isoformat()})
    for i in range(n):
        lat, lon = rng.choice(rng.choice(towns))
        doc = rng.randint(1, n_docs)
        day = start + timedelta(days=rng.randint(0, days))
        r = rng.random()
        when = day.isoformat() if r < 0.8 else day.strftime("%Y-%m") if r < 0.9 else None
        algs.append(Allegation(statement_ids=[f"D{doc}.S{i}"], act=rng.choice(ACTS), perpetrator=rng.choice(PERPS),
                               places=[Place("town", 0, 0, lat + rng.gauss(0, 0.005), lon + rng.gauss(0, 0.005),
                                             precision=rng.choice(["town", "town", "facility", "district"]))],
                               date=when, id=f"D{doc}.A{i}", document_id=doc))
    return algs, docs


def findings(algs: list[Allegation], share: int = 20, seed: int = 2) -> list[Assessment]:
    """One verifier finding (from another document, near a reported place) per `share` allegations."""
    rng = random.Random(seed)
    out = []
    for i, a in enumerate(rng.sample(algs, len(algs) // share)):
        p = a.places[0]
        out.append(Assessment("", "Verifier", "corroborated", id=f"F{i}", document_id=a.document_id,
                              finding={"act": rng.choice(ACTS[:5]), "weapons": [],
                                       "places": [{"name": "town", "lat": p.lat + rng.gauss(0, 0.01),
                                                   "lon": p.lon + rng.gauss(0, 0.01), "precision": "town"}]}))
    return out


def measure(n: int) -> tuple[float, float, int]:
    """Seconds, peak memory allocated while clustering (MiB) and incidents, each size in a fresh process."""
    import json
    import subprocess

    code = ("import sys, json; sys.argv = ['x']; sys.path.insert(0, %r); import bench_incidents as b; "
            "print(json.dumps(b._child(%d)))" % (str(Path(__file__).parent), n))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    secs, peak, k = json.loads(res.stdout.strip().splitlines()[-1])
    return secs, peak, k


def _child(n: int) -> tuple[float, float, int]:
    """Time one clustering run, then measure a second one's peak Python allocation with tracemalloc (the
    process's RSS high-water mark is already set by imports and by building the input)."""
    import tracemalloc

    algs, docs = synthetic(n)
    found = findings(algs)
    t0 = time.perf_counter()
    out = incidents.cluster(algs, found, [], docs)
    secs = time.perf_counter() - t0
    tracemalloc.start()
    incidents.cluster(algs, found, [], docs)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return secs, peak, len(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--1m", dest="million", action="store_true", help="also run 1,000,000 allegations")
    ap.add_argument("--sizes", type=int, nargs="*", help="sizes to run instead of the defaults")
    args = ap.parse_args(argv)
    sizes = args.sizes or [10_000, 100_000] + ([1_000_000] if args.million else [])
    prev = None
    print(f"{'allegations':>12} {'seconds':>9} {'peak MiB':>9} {'incidents':>10} {'time x':>7} {'mem x':>6}")
    for n in sizes:
        secs, peak, k = measure(n)
        ratio = (f"{secs / prev[0]:7.1f} {peak / prev[1]:6.1f}" if prev and prev[1] else f"{'':7} {'':6}")
        print(f"{n:>12,} {secs:9.2f} {peak:9.1f} {k:>10,} {ratio}", flush=True)
        prev = (secs, peak)


if __name__ == "__main__":
    main()
