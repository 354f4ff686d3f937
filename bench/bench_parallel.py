"""`analyze` end to end (read, analyse, store in batches, re-cluster) over the same ~200k generated words with
one process, `--workers 2` and `--dask local:2`, each on a fresh SQLite file; the figures are speed-ups over
the one-process run of the same session. Target >= 1.7x with 2 workers (on 2 free cores)."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from claimledger import db, ingest, pipeline

from .bench_pipeline import texts
from .common import peak_rss_mb, timer


def run(tmp: Path, name: str, corpus: Path, **how) -> tuple[float, int]:
    engine = db.connect(f"sqlite:///{tmp / (name + '.db')}")
    ingest.ingest(engine, [str(corpus)])
    with timer() as t:
        summary = pipeline.analyze(engine, **how)
    engine.dispose()
    assert not summary.failed, summary.failed[:3]
    return t(), summary.allegations


def main(n_words: int = 200_000) -> dict:
    data = texts(n_words)
    words = sum(len(t.split()) for t in data)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps({"id": f"p{i}", "text": t, "published": "2024-06-04"}) + "\n"
                                  for i, t in enumerate(data)), encoding="utf-8")
        one, found = run(Path(tmp), "one", corpus)
        print(f"parallel: {len(data)} documents, {words} words, {found} allegations")
        print(f"  1 process            {words / one:8.0f} words/s  ({one:.1f}s)")
        out["one_wps"] = words / one
        for name, how in (("--workers 2", {"workers": 2}), ("--dask local:2", {"dask": "local:2"})):
            secs, same = run(Path(tmp), name.strip("-").replace(" ", "_").replace(":", ""), corpus, **how)
            assert same == found, f"{name} found {same} allegations, one process {found}"
            out[name] = one / secs
            print(f"  {name:20} {words / secs:8.0f} words/s  ({secs:.1f}s)  speed-up {one / secs:.2f}x "
                  "(target >= 1.7)")
    print(f"  peak RSS of the writer {peak_rss_mb():.0f} MiB")
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
