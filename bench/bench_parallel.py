"""`analyze` end to end (read, analyse, store in batches, re-cluster) over the same ~200k generated words with
one process, `--workers 2` and `--dask local:2`, each on a fresh SQLite file; the figures are speed-ups over
the one-process run of the same session. Target >= 1.7x with 2 workers (on 2 free cores)."""
from __future__ import annotations

import json
import resource
import sys
import tempfile
from pathlib import Path

from claimledger import db, ingest, pipeline

from .bench_pipeline import texts
from .common import peak_rss_mb, timer


def _cpu() -> float:
    """CPU seconds of this process and its finished children (local workers; not Dask's, which the nanny owns)."""
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def run(tmp: Path, name: str, corpus: Path, **how) -> tuple[float, int, float]:
    """(seconds, allegations found, cores kept busy on average)."""
    engine = db.connect(f"sqlite:///{tmp / (name + '.db')}")
    ingest.ingest(engine, [str(corpus)])
    cpu = _cpu()
    with timer() as t:
        summary = pipeline.analyze(engine, **how)
    engine.dispose()
    assert not summary.failed, summary.failed[:3]
    return t(), summary.allegations, (_cpu() - cpu) / t()


def main(n_words: int = 200_000) -> dict:
    data = texts(n_words)
    words = sum(len(t.split()) for t in data)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps({"id": f"p{i}", "text": t, "published": "2024-06-04"}) + "\n"
                                  for i, t in enumerate(data)), encoding="utf-8")
        one, found, busy = run(Path(tmp), "one", corpus)
        print(f"parallel: {len(data)} documents, {words} words, {found} allegations "
              "(cores busy: the CPU share the processes got, below 1 per process on a shared machine)")
        print(f"  1 process            {words / one:8.0f} words/s  ({one:.1f}s)  cores busy {busy:.2f}")
        out["one_wps"] = words / one
        for name, how in (("--workers 2", {"workers": 2}), ("--dask local:2", {"dask": "local:2"})):
            secs, same, busy = run(Path(tmp), name.strip("-").replace(" ", "_").replace(":", ""), corpus, **how)
            assert same == found, f"{name} found {same} allegations, one process {found}"
            out[name] = one / secs
            shown = f"cores busy {busy:.2f}" if "workers" in how else "(workers' CPU not counted)"
            print(f"  {name:20} {words / secs:8.0f} words/s  ({secs:.1f}s)  speed-up {one / secs:.2f}x "
                  f"(target >= 1.7)  {shown}")
    print(f"  peak RSS of the writer {peak_rss_mb():.0f} MiB")
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
