"""Geoparsing benchmark: gazetteer load time and memory, and throughput against bare nlp.pipe.

  python bench/bench_geo.py [N_TEXTS]
"""
from __future__ import annotations

import random
import sys
import time

from claimledger import geo
from claimledger.nlp import base_model

TEMPLATES = [
    "Officials in {a} said artillery hit a market in {b} on Monday, and the {d} ministry blamed forces near {c}.",
    "The {d} army denied striking {b}, a town near {a}, saying its units had withdrawn towards {c} last week.",
    "Residents fled {b} for {a} after drones hit the power station, a {c}-based monitoring group reported.",
    "Aid agencies said roads between {a} and {c} were cut, leaving thousands in {b} without water.",
]
PLACES = ["Kharkiv", "Donetsk", "Aleppo", "Idlib", "Gaza", "Rafah", "Khartoum", "El Fasher", "Ganja",
          "Stepanakert", "Hodeidah", "Taiz", "Tripoli", "Beirut", "Mosul", "Kherson", "Mariupol", "Zabid"]
DEMONYMS = ["Russian", "Syrian", "Israeli", "Sudanese", "Armenian", "Yemeni", "Ukrainian", "Azerbaijani"]


def texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        sents = [rnd.choice(TEMPLATES).format(a=rnd.choice(PLACES), b=rnd.choice(PLACES), c=rnd.choice(PLACES),
                                              d=rnd.choice(DEMONYMS)) for _ in range(8)]
        out.append(" ".join(sents))
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def main(n: int = 200) -> None:
    nlp = base_model()
    data = texts(n)
    before = rss_mb()
    t = time.perf_counter()
    geo.gazetteer()
    load = time.perf_counter() - t
    print(f"gazetteer: {load:.1f} s to load, RSS +{rss_mb() - before:.0f} MiB "
          f"({len(geo.gazetteer().rows)} entries, {len(geo.gazetteer().index)} names)")
    t = time.perf_counter()
    docs = list(nlp.pipe(data))
    bare = time.perf_counter() - t
    t = time.perf_counter()
    n_places = sum(len(geo.find_places(d)) for d in docs)
    extra = time.perf_counter() - t
    print(f"{n} texts: nlp.pipe {n / bare:.1f} docs/s; nlp.pipe + find_places {n / (bare + extra):.1f} docs/s "
          f"({(bare + extra) / bare:.2f}x the bare time); find_places alone {n / extra:.0f} docs/s, "
          f"{n_places} places")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
