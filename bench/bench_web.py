"""Latency of the workspace's review queue and incident pages at 100k allegations, on SQLite and (when the
server answers) PostgreSQL: p50 and p95 over repeated requests through the app, as a logged-in analyst.

    .venv/bin/python -m bench.bench_web [--size 100000] [--requests 40] [--no-pg] [--no-sqlite]

The ledger is bench_report's synthetic one (one allegation and one statement per incident), written with
plain bulk inserts: the audit log is not what is measured here.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

PG_URL = os.environ.get("CLAIMLEDGER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_P95_MS = 150


def _load(engine, ledger: dict) -> None:
    from claimledger import db

    cols = lambda table, r: dict(id=r["id"], document_id=r["document_id"], data=r, edited=False, version=1,  # noqa
                                 **db._columns(table, r))
    with engine.begin() as conn:
        conn.execute(db.documents.insert(), [dict(id=d["id"], content_hash=f"{d['id']:064d}", sha256="0" * 64,
                                                  text=d["text"], title=d["title"], outlet=d["outlet"], url=d["url"],
                                                  ingested_at=db.utcnow(), analysis_status="analyzed")
                                             for d in ledger["documents"]])
        for table, key in ((db.statements, "statements"), (db.allegations, "allegations"),
                           (db.assessments, "assessments")):
            rows = [cols(table, r) for r in ledger[key]]
            for i in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[i:i + 5000])
        incs = ledger["incidents"]
        for i in range(0, len(incs), 5000):
            chunk = incs[i:i + 5000]
            conn.execute(db.incidents.insert(), [dict(id=x["id"], data={**x, "sources": ["s"]}, status=x["status"],
                                                      status_source="derived", edited=False, version=1)
                                                 for x in chunk])
            conn.execute(db.incident_members.insert(), [dict(incident_id=x["id"], allegation_id=a)
                                                        for x in chunk for a in x["allegation_ids"]])
    if engine.dialect.name == "postgresql":  # the statistics autovacuum would gather a minute later
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s) * 1000, s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def measure(url: str, ledger: dict, requests: int) -> list[tuple[str, float, float]]:
    from fastapi.testclient import TestClient

    from claimledger import db
    from claimledger.web import create_app, queries

    engine = db.connect(url)
    _load(engine, ledger)
    with engine.begin() as conn:
        queries.add_user(conn, "bench", "analyst", "bench passphrase 1")
    client = TestClient(create_app(engine), base_url="https://testserver")
    page = client.get("/login").text
    token = re.search(r'action="/login">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "bench", "password": "bench passphrase 1", "csrf_token": token})
    n = len(ledger["incidents"])
    deep = sorted(x["id"] for x in ledger["incidents"])[n // 2]
    pages = {"queue (first page)": lambda i: "/queue",
             "queue (filtered: act + actor)": lambda i: "/queue?act=airstrike&actor=river",
             "queue (deep page, keyset)": lambda i: f"/queue?after={deep}",
             "queue (full-text search)": lambda i: "/queue?q=cluster+munitions+Mosul",
             "incident page": lambda i: f"/incidents/I{(i * 7919) % n + 1}"}
    out = []
    for name, path in pages.items():
        client.get(path(0))  # warm
        times = []
        for i in range(requests):
            start = time.perf_counter()
            r = client.get(path(i))
            times.append(time.perf_counter() - start)
            assert r.status_code == 200, (path(i), r.status_code)
        out.append((name, *_percentiles(times)))
    engine.dispose()
    return out


def _pg_schema() -> str | None:
    try:
        import psycopg

        plain = PG_URL.replace("postgresql+psycopg", "postgresql")
        schema = f"cl_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return schema
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc}")
        return None


def main(argv: list[str] | None = None) -> int:
    from bench.bench_report import make_ledger

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args([] if argv is None else argv)
    ledger = make_ledger(args.size)
    print(f"{len(ledger['allegations'])} allegations, {len(ledger['incidents'])} incidents, "
          f"{args.requests} requests each; target p95 <= {TARGET_P95_MS} ms")
    with tempfile.TemporaryDirectory(prefix="claimledger-bench-web-") as tmp:
        targets = [] if args.no_sqlite else [("sqlite", f"sqlite:///{Path(tmp) / 'ledger.db'}")]
        schema = None if args.no_pg else _pg_schema()
        if schema:
            targets.append(("postgresql", f"{PG_URL}?options=-csearch_path%3D{schema}"))
        try:
            for backend, url in targets:
                for name, p50, p95 in measure(url, ledger, args.requests):
                    flag = "" if p95 <= TARGET_P95_MS else "  (over target)"
                    print(f"{backend:10s} {name:32s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{flag}")
        finally:
            if schema:
                import psycopg

                with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
                    c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
