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


# ---- a small hand-built ledger of fictional reporting (export and report tests) -------------------------
SMALL_TEXT_1 = ("Market shelled in Kharkiv\n\nBy Mira Testova, Northern Wire\n\n"
                "The regional governor, Petro Vashchuk, said Russian forces shelled the central market in Kharkiv "
                "on Tuesday, killing three civilians. Human Rights Watch said it had verified footage showing "
                "artillery impacts in the market area. A resident, Olena Marchyk, said drones struck a grain store "
                "near Izium in February.")
SMALL_TEXT_2 = ("Men taken from village\n\nVillagers said soldiers detained four men at a checkpoint on 2 March. "
                "The ministry denied the report.")


def _phrase_span(text: str, phrase: str) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def make_small_ledger() -> dict:
    """A fresh ledger: two documents, four statements, three allegations, one assessment and three incidents
    (one unplaced)."""
    from claimledger.export import SCHEMA

    docs = [
        {"id": 1, "external_id": "a1", "title": "Market shelled in Kharkiv", "published": "2024-03-06",
         "outlet": "Northern Wire", "url": "https://news.example.org/a1", "text": SMALL_TEXT_1},
        {"id": 2, "external_id": "a2", "title": "Men taken from village", "published": "2024-03-03",
         "outlet": "Field Post", "url": None, "text": SMALL_TEXT_2},
    ]
    def stmt(sid, doc, speaker, cue, phrase, kind="party", type_="person", date=None):
        return {"id": sid, "document_id": doc["id"], "cue": cue, "quote": "indirect", "date": date,
                "speaker": {"name": speaker, "kind": kind, "type": type_},
                "content": _phrase_span(doc["text"], phrase)}
    statements = [
        stmt("D1.S1", docs[0], "Petro Vashchuk", "said",
             "Russian forces shelled the central market in Kharkiv on Tuesday, killing three civilians",
             date="2024-03-06"),
        stmt("D1.S2", docs[0], "Human Rights Watch", "said",
             "it had verified footage showing artillery impacts in the market area", "independent_verifier",
             "organisation"),
        stmt("D1.S3", docs[0], "Olena Marchyk", "said", "drones struck a grain store near Izium in February",
             "independent"),
        stmt("D2.S1", docs[1], "Villagers", "said", "soldiers detained four men at a checkpoint on 2 March",
             "independent", "group"),
    ]
    allegations = [
        {"id": "D1.A1", "document_id": 1, "statement_ids": ["D1.S1"], "act": "shelling", "perpetrator": "Russia",
         "weapons": [{"name": "artillery", "category": "artillery"}],
         "targets": [{"name": "central market", "kind": "civilians"}],
         "places": [{"name": "Kharkiv", "lat": 49.9935, "lon": 36.2304, "precision": "town", "country": "UA",
                     "admin1": "Kharkivska"}],
         "date": "2024-03-05", "date_precision": "day", "casualties": {"killed_min": 3, "killed_max": 3}},
        {"id": "D1.A2", "document_id": 1, "statement_ids": ["D1.S3"], "act": "drone_strike", "perpetrator": None,
         "weapons": [{"name": "drones"}], "targets": [{"name": "grain store", "kind": "facility"}],
         "places": [{"name": "Izium", "lat": 49.2128, "lon": 37.2569, "precision": "town", "country": "UA"}],
         "date": "2024-02"},
        {"id": "D2.A1", "document_id": 2, "statement_ids": ["D2.S1"], "act": "detention", "perpetrator": "soldiers",
         "weapons": [], "targets": [{"name": "four men", "kind": "civilians"}], "places": [], "date": "2024-03-02"},
    ]
    assessments = [{"id": "D1.V1", "document_id": 1, "allegation_id": "D1.A1", "verifier": "Human Rights Watch",
                    "status": "corroborated", "statement_ids": ["D1.S2"],
                    "basis": _phrase_span(SMALL_TEXT_1, "verified footage showing artillery impacts")}]
    incidents = [
        {"id": "I1", "allegation_ids": ["D1.A1"], "status": "corroborated", "date": "2024-03-05",
         "place": {"name": "Kharkiv", "lat": 49.9935, "lon": 36.2304, "precision": "town", "country": "UA",
                   "admin1": "Kharkivska"},
         "evidence": [{"sha256": "ab" * 32}], "rationale": "verified by an independent organisation"},
        {"id": "I2", "allegation_ids": ["D1.A2"], "status": "alleged", "date": "2024-02",
         "place": {"name": "Izium", "lat": 49.2128, "lon": 37.2569, "precision": "town", "country": "UA"}},
        {"id": "I3", "allegation_ids": ["D2.A1"], "status": "alleged", "date": "2024-03-02", "place": None},
    ]
    return {"schema": SCHEMA, "documents": docs, "statements": statements, "allegations": allegations,
            "assessments": assessments, "incidents": incidents, "places": []}


@pytest.fixture
def small_ledger():
    """The factory `make_small_ledger`: call it for a fresh copy (tests may mutate what they get)."""
    return make_small_ledger


# --- the report in Debian's chromium, driven by Playwright --------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module; skipped where /usr/bin/chromium is absent (never on CI)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium")
    from claimledger import report

    try:
        report.load_assets()
    except report.AssetsMissing as exc:
        if os.environ.get("CI"):  # CI must vendor the map libraries, not silently skip
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open_report(browser, html: str, tmp_path: Path):
    """Load the report from a file; collect dialogs, page errors and any non-file request."""
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    seen = {"dialogs": [], "errors": [], "requests": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else seen["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=60_000)
    return page, seen


@pytest.fixture
def open_report():
    """`open_report(browser, html, tmp_path) -> (page, seen)`: the report loaded and ready."""
    return _open_report
