"""Shared fixtures: a migrated database on SQLite and, where the server answers, on PostgreSQL."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

PG_URL = os.environ.get("CLAIMLEDGER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
            return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL not reachable at {PG_URL}: {exc}"


@pytest.fixture(scope="session")
def pg_schema_url():
    """A URL to a fresh PostgreSQL schema for this test run, dropped afterwards."""
    why = _pg_reachable()
    if why:
        pytest.skip(why)
    import psycopg

    schema = f"cl_test_{uuid.uuid4().hex[:10]}"
    plain = PG_URL.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    made = []

    def make() -> str:
        sub = f"{schema}_{len(made)}"
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{sub}"')
        made.append(sub)
        return f"{PG_URL}?options=-csearch_path%3D{sub}"

    yield make
    with psycopg.connect(plain, autocommit=True) as conn:
        for s in [schema, *made]:
            conn.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A database URL, once for SQLite and once for a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("pg_schema_url")()


@pytest.fixture
def engine(db_url):
    from claimledger import db

    eng = db.connect(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def nlp():
    from claimledger.nlp import base_model

    return base_model()


@pytest.fixture(scope="session")
def shared_dir():
    if not SHARED.exists():
        pytest.skip("../shared is not present")
    return SHARED
