"""Full per-document pipeline (statements + geo + allegations + assessments) against a bare `nlp.pipe` of
the same spaCy model over the same generated texts, in the same process. Target ratio >= 0.75."""
from __future__ import annotations

import random
import time
from datetime import date

from claimledger import pipeline, statements
from claimledger.nlp import base_model

from .common import peak_rss_mb

SPEAKERS = ["The regional governor", "The defence ministry", "A spokesman for the armed group",
            "Human Rights Watch", "Local residents", "The UN human rights office", "The army's press service"]
CUES = ["said", "told reporters", "claimed", "said in a statement", "wrote on Telegram", "added"]
EVENTS = ["artillery shelling hit a market in {p} on Monday, killing {n} civilians",
          "a drone struck a power station near {p} overnight, wounding {n} workers",
          "Grad rockets landed in residential districts of {p} on Sunday",
          "its forces had not fired at {p} and called the reports fabricated",
          "it could not independently verify footage said to show a strike on {p}"]
PLACES = ["Kharkiv", "Donetsk", "Aleppo", "Idlib", "Rafah", "Khartoum", "El Fasher", "Ganja", "Hodeidah",
          "Taiz", "Mosul", "Kherson", "Mariupol", "Stepanakert", "Tripoli", "Beirut"]


def texts(n_words: int, seed: int = 11) -> list[str]:
    """News-like paragraphs with attributions, about 250 words a document."""
    rnd = random.Random(seed)
    docs, words = [], 0
    while words < n_words:
        paras = []
        for _ in range(6):
            event = rnd.choice(EVENTS).format(p=rnd.choice(PLACES), n=rnd.randint(2, 40))
            if rnd.random() < 0.5:
                paras.append(f"{rnd.choice(SPEAKERS)} {rnd.choice(CUES)} that {event}.")
            else:
                paras.append(f"\u201c{event[0].upper() + event[1:]},\u201d {rnd.choice(SPEAKERS).lower()} "
                             f"{rnd.choice(CUES)}.")
            paras[-1] += f" Rescue teams in {rnd.choice(PLACES)} worked through the night."
        doc = "\n\n".join(paras)
        docs.append(doc)
        words += len(doc.split())
    return docs


def main(n_words: int = 200_000) -> dict:
    data = texts(n_words)
    words = sum(len(t.split()) for t in data)
    bare_nlp, nlp = base_model(), statements.pipeline()
    list(bare_nlp.pipe(data[:20]))  # warm up both: the gazetteer, registries and regexes load once per process
    t = time.perf_counter()
    for i, doc in enumerate(nlp.pipe(data[:20])):
        pipeline.analyze_parsed(doc, i, date(2024, 6, 4))
    print(f"  warm-up (gazetteer and tables loaded once per process): {time.perf_counter() - t:.1f}s")
    # bare and full take turns over slices of the corpus, so a slow spell of a shared machine hits both
    bare = full = 0.0
    counts = [0, 0, 0]
    step = -(-len(data) // 8)
    for lo in range(0, len(data), step):
        part = data[lo:lo + step]
        t = time.perf_counter()
        for _ in bare_nlp.pipe(part, batch_size=32):
            pass
        bare += time.perf_counter() - t
        t = time.perf_counter()
        for i, doc in enumerate(nlp.pipe(part, batch_size=32), lo):
            r = pipeline.analyze_parsed(doc, i, date(2024, 6, 4))
            counts[0] += len(r.statements)
            counts[1] += len(r.allegations)
            counts[2] += len(r.places)
        full += time.perf_counter() - t
    ratio = bare / full
    print(f"pipeline: {len(data)} documents, {words} words")
    print(f"  bare nlp.pipe        {words / bare:9.0f} words/s")
    print(f"  full pipeline        {words / full:9.0f} words/s  ratio {ratio:.3f} (target >= 0.75)")
    print(f"  found {counts[0]} statements, {counts[1]} allegations, {counts[2]} places; peak RSS {peak_rss_mb():.0f} MiB")
    return {"bare_wps": words / bare, "full_wps": words / full, "ratio": ratio}


if __name__ == "__main__":
    main()
