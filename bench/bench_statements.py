"""Statement extraction against a bare `nlp.pipe` of the same spaCy model over the same generated texts,
in the same process. Target ratio (extraction words/s over bare words/s) >= 0.80.

usage: python -m bench.bench_statements [--words N] [--workers N]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date

from claimledger import statements
from claimledger.nlp import base_model

from .common import peak_rss_mb

NAMES = ["Anna Lind", "Karim Haddad", "Oleh Marchenko", "Sara Nouri", "Petra Vogel", "Tomas Berg"]
ROLES = ["a spokeswoman for the regional administration", "a local doctor", "the mayor of the town",
         "a researcher at Human Rights Watch", "an adviser to the president"]
ORGS = ["The defence ministry", "Amnesty International", "The UN human rights office", "The armed group",
        "The regional governor's office", "Two residents"]
EVENTS = ["shells hit a school in {p} on {d}, killing {n} people", "drones struck a fuel depot near {p} overnight",
          "{n} civilians were wounded when rockets landed in {p}", "its forces had not fired at {p}",
          "the footage from {p} could not be independently verified", "aid convoys reached {p} on {d}"]
PLACES = ["Kharkiv", "Aleppo", "Idlib", "Khartoum", "Hodeidah", "Mosul", "Kherson", "Ganja", "Taiz", "Rafah"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _event(rnd: random.Random) -> str:
    return rnd.choice(EVENTS).format(p=rnd.choice(PLACES), d=rnd.choice(DAYS), n=rnd.randint(2, 40))


def sentence(rnd: random.Random) -> str:
    """One news-like sentence in one of the reporting constructions the extractor handles."""
    name, role, org, ev = rnd.choice(NAMES), rnd.choice(ROLES), rnd.choice(ORGS), _event(rnd)
    quote = ev[0].upper() + ev[1:]
    forms = [f"{org} said on {rnd.choice(DAYS)} that {ev}.",
             f"\u201c{quote},\u201d {name}, {role}, told reporters.",
             f"{quote}, according to {org.lower() if org.startswith('The') else org}.",
             f"{name} accused the army of shelling {rnd.choice(PLACES)}, saying {ev}.",
             f"\u201c{quote},\u201d she said, \u201cand nobody has helped us.\u201d",
             f"{quote}, {org.lower() if org.startswith('The') else org} said in a statement.",
             f"He added that {ev}.",
             f"Rescue teams in {rnd.choice(PLACES)} worked through the night as power lines were repaired."]
    return rnd.choice(forms)


def texts(n_words: int, seed: int = 7) -> list[str]:
    """Articles of about 300 words: a headline, a byline and paragraphs of two or three sentences."""
    rnd = random.Random(seed)
    docs, words = [], 0
    while words < n_words:
        paras = [" ".join(sentence(rnd) for _ in range(rnd.randint(2, 3))) for _ in range(7)]
        doc = f"Strikes reported near {rnd.choice(PLACES)}\nBy {rnd.choice(NAMES)}, Example Wire\n\n" + "\n\n".join(paras)
        docs.append(doc)
        words += len(doc.split())
    return docs


def main(n_words: int = 200_000, workers: int = 1) -> dict:
    data = texts(n_words)
    words = sum(len(t.split()) for t in data)
    bare_nlp, nlp = base_model(), statements.pipeline()
    list(bare_nlp.pipe(data[:10]))  # warm up both
    list(nlp.pipe(data[:10]))
    # interleave the two in slices, so that load from other processes on the machine falls on both alike
    bare = full = 0.0
    found = 0
    step = 16 if workers == 1 else len(data)  # worker start-up would dominate small slices
    for i in range(0, len(data), step):
        part = data[i:i + step]
        t = time.perf_counter()
        for _ in bare_nlp.pipe(part, batch_size=32, n_process=workers):
            pass
        bare += time.perf_counter() - t
        t = time.perf_counter()
        for doc in nlp.pipe(part, batch_size=32, n_process=workers):
            found += len(statements.extract(doc, published=date(2024, 6, 4)))
        full += time.perf_counter() - t
    ratio = bare / full
    print(f"statements: {len(data)} documents, {words} words, workers={workers}")
    print(f"  bare nlp.pipe          {words / bare:9.0f} words/s")
    print(f"  pipeline() + extract   {words / full:9.0f} words/s  ratio {ratio:.3f} (target >= 0.80)")
    print(f"  found {found} statements; peak RSS {peak_rss_mb():.0f} MiB")
    return {"bare_wps": words / bare, "statements_wps": words / full, "ratio": ratio, "statements": found}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(sys.argv[1:])
    main(args.words, args.workers)
