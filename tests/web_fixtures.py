"""A small ledger in a database, users of each role, and logged-in clients, for the workspace tests.

The records are written through the same functions as the pipeline (ingest.store_document,
db.replace_machine_records under an audit watch, incidents.store), so the audit chain stays whole."""
from __future__ import annotations

import re

import pytest

from claimledger import audit, db, incidents, ingest
from claimledger.models import Document, Incident
from claimledger.web import auth, create_app, queries
from claimledger.web.auth import Throttle

PASSWORD = "a long enough passphrase"
ROLE_USERS = {"viewer": "vera", "analyst": "ana", "admin": "adam"}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _span(text: str, phrase: str) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def seed(engine, hostile: str = "") -> dict:
    """Two documents, three statements, two allegations, an assessment, two incidents; `hostile` is
    appended to the first document as a quoted statement (for escaping tests). Returns the texts."""
    t1 = ("Border town shelled\n\nThe regional governor said northern forces shelled the bus station in Dalmora "
          "on Monday, killing two people. An observer group said it had confirmed craters near the station.")
    if hostile:
        t1 += f" A witness said {hostile}."
    t2 = "Convoy stopped\n\nVillagers said soldiers detained three drivers near Kestrel Bridge in May."
    ids = [ingest.store_document(engine, Document(text=t, title=title, language="en"))[0]
           for t, title in ((t1, "Border town " + hostile), (t2, "Convoy"))]
    d1, d2 = ids
    stmts = {d1: [{"id": "D1.S1", "document_id": d1, "cue": "said", "quote": "indirect",
                   "speaker": {"name": "The regional governor", "kind": "party", "side": "Southland"},
                   "content": _span(t1, "northern forces shelled the bus station in Dalmora on Monday")},
                  {"id": "D1.S2", "document_id": d1, "cue": "said", "quote": "indirect",
                   "speaker": {"name": "An observer group", "kind": "independent_verifier"},
                   "content": _span(t1, "it had confirmed craters near the station")}],
             d2: [{"id": "D2.S1", "document_id": d2, "cue": "said", "quote": "indirect",
                   "speaker": {"name": "Villagers", "kind": "independent"},
                   "content": _span(t2, "soldiers detained three drivers near Kestrel Bridge in May")}]}
    if hostile:
        stmts[d1].append({"id": "D1.S3", "document_id": d1, "cue": "said", "quote": "indirect",
                          "speaker": {"name": "A witness " + hostile, "kind": "independent"},
                          "content": _span(t1, hostile)})
    algs = {d1: [{"id": "D1.A1", "document_id": d1, "statement_ids": ["D1.S1"] + (["D1.S3"] if hostile else []),
                  "act": "shelling", "perpetrator": "Northland" + hostile, "date": "2024-05-06", "confidence": 0.7,
                  "places": [{"name": "Dalmora", "start": 0, "end": 0}]}],
            d2: [{"id": "D2.A1", "document_id": d2, "statement_ids": ["D2.S1"], "act": "detention",
                  "perpetrator": "soldiers", "date": "2024-05", "confidence": 0.4, "places": []}]}
    asmts = {d1: [{"id": "D1.V1", "document_id": d1, "allegation_id": "D1.A1", "verifier": "An observer group",
                   "status": "corroborated", "statement_ids": ["D1.S2"],
                   "basis": _span(t1, "confirmed craters near the station")}], d2: []}
    for d in ids:
        with engine.begin() as conn:
            w = audit.watch(conn, audit.document_records(d))
            db.replace_machine_records(conn, db.statements, d, None, stmts[d])
            db.replace_machine_records(conn, db.allegations, d, None, algs[d])
            db.replace_machine_records(conn, db.assessments, d, None, asmts[d])
            audit.append_event(conn, "claimledger", "analyze", "document", str(d), {}, watch=w)
    incidents.store(engine, [
        Incident("I.D1.A1", ["D1.A1"], {"name": "Dalmora" + hostile, "lat": 48.5, "lon": 35.0}, "2024-05-06",
                 "corroborated",
                 sources=["southland (party)", "observer group"]),
        Incident("I.D2.A1", ["D2.A1"], {"name": "Kestrel Bridge"}, "2024-05", "alleged", sources=["villagers"])])
    with engine.begin() as conn:
        for role, name in ROLE_USERS.items():
            queries.add_user(conn, name, role, PASSWORD)
    return {"documents": ids, "text1": t1}


def make_client(app):
    from fastapi.testclient import TestClient

    return TestClient(app, base_url="https://testserver")


def login_token(client) -> str:
    page = client.get("/login")
    return re.search(r'action="/login">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page.text).group(1)


def login(client, name: str, password: str = PASSWORD):
    return client.post("/login", data={"username": name, "password": password, "csrf_token": login_token(client)},
                       follow_redirects=False)


def csrf_of(client) -> str:
    """The session's CSRF token, as the pages carry it."""
    page = client.get("/queue")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def app_for(engine, **kw):
    kw.setdefault("throttle", Throttle())
    kw.setdefault("address_throttle", Throttle(limit=30))
    return create_app(engine, **kw)


@pytest.fixture
def cheap_argon2(monkeypatch):
    """argon2id with the smallest costs, so that tests logging in many times stay fast on two shared cores
    (what is checked, the argon2 hash and its verification, is the same; `claimledger` keeps its costs)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(auth, "_dummy", [])


@pytest.fixture
def ws(engine, cheap_argon2):
    """The engine of a seeded database with a user of each role."""
    seed(engine)
    return engine
