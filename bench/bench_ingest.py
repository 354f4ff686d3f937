"""Ingestion throughput on a generated corpus of 10,000 JSONL documents, SQLite and PostgreSQL.

The baseline is a bare bulk INSERT of the same rows into the same table in the same process, so the
ratio shows what hashing, language detection, batched transactions (ingest.BATCH_SIZE documents each) and
the audit chain cost."""
from __future__ import annotations

import hashlib
import json
import random
import tempfile
from pathlib import Path

from sqlalchemy import text as sql

from claimledger import db, ingest

from .common import peak_rss_mb, timer

PLACES = ["the northern district", "the port", "the border village", "the river crossing", "the old town"]
ACTORS = ["the defence ministry", "the regional governor", "a local official", "the armed group", "witnesses"]


def corpus(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        paras = [f"{rnd.choice(ACTORS).capitalize()} said shelling hit {rnd.choice(PLACES)} on day {i}, "
                 f"damaging {rnd.randint(2, 90)} homes and wounding {rnd.randint(0, 30)} people." for _ in range(12)]
        docs.append({"id": f"bench-{i}", "title": f"Report {i}", "published": "2024-05-01", "text": "\n\n".join(paras)})
    return docs


def run_one(url: str, path: Path, docs: list[dict]) -> dict:
    engine = db.connect(url)
    size = path.stat().st_size
    with timer() as t:
        result = ingest.ingest(engine, [str(path)])
    ours = t()
    assert len(result.stored) == len(docs), result.problems[:3]
    rows = [dict(content_hash=hashlib.sha256(f"b{d['id']}".encode()).hexdigest(), sha256="0" * 64, text=d["text"],
                 raw=d["text"].encode(), analysis_status="pending", ingested_at=db.utcnow()) for d in docs]
    with timer() as t:
        with engine.begin() as conn:
            conn.execute(db.documents.insert(), rows)
    base = t()
    engine.dispose()
    return {"docs_per_s": len(docs) / ours, "mb_per_s": size / ours / 1e6, "seconds": ours,
            "baseline_docs_per_s": len(docs) / base, "ratio_to_bulk_insert": base / ours}


def main(n: int = 10_000) -> dict:
    docs = corpus(n)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_text("\n".join(json.dumps(d) for d in docs), encoding="utf-8")
        results["sqlite"] = run_one(f"sqlite:///{tmp}/bench.db", path, docs)
        try:
            import psycopg

            schema = "bench_ingest"
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                conn.execute(f"CREATE SCHEMA {schema}")
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
            results["postgresql"] = run_one(url, path, docs)
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        except Exception as exc:  # no server here
            results["postgresql"] = {"skipped": str(exc)[:200]}
    print(f"ingest: {n} generated JSONL documents")
    for name, r in results.items():
        if "skipped" in r:
            print(f"  {name:10} skipped: {r['skipped']}")
        else:
            print(f"  {name:10} {r['docs_per_s']:8.0f} docs/s  {r['mb_per_s']:6.2f} MB/s  "
                  f"(bulk INSERT baseline {r['baseline_docs_per_s']:8.0f} docs/s, ratio {r['ratio_to_bulk_insert']:.3f})")
    print(f"  peak RSS {peak_rss_mb():.0f} MiB")
    return results


if __name__ == "__main__":
    main()
