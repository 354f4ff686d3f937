"""The workspace pages and edits: queue filters and pages, the incident page's marked spans, edits through
review.py with the user in the audit log, optimistic locking (409), evidence, escaping, `users add`."""
from __future__ import annotations

import hashlib
import re

from markupsafe import escape
from sqlalchemy import select
from typer.testing import CliRunner

from claimledger import audit, db
from claimledger.cli import app as cli_app
from claimledger.web import security as web_security
from claimledger.web import queries

from web_fixtures import (PASSWORD, XSS, app_for, cheap_argon2, csrf_of, login, make_client, seed,  # noqa: F401
                          ws)


def _as(engine, name="ana"):
    client = make_client(app_for(engine))
    assert login(client, name).status_code == 303
    return client


def _ids(page: str) -> list[str]:
    return re.findall(r'<td><a href="/incidents/([^"]+)">', page)


def _last_entry(engine):
    with engine.connect() as conn:
        return conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq.desc())).first()


def test_web_queue_lists_incidents_with_reasons_and_filters(ws):
    client = _as(ws, "vera")
    page = client.get("/queue").text
    assert _ids(page) == ["I.D1.A1", "I.D2.A1"]
    assert "low confidence" in page and "single source" in page and "status not reviewed" in page
    for query, want in [("act=detention", ["I.D2.A1"]), ("actor=north", ["I.D1.A1"]), ("status=corroborated", ["I.D1.A1"]),
                        ("place=kestrel", ["I.D2.A1"]), ("date_from=2024-05-06", ["I.D1.A1"]),
                        ("date_to=2024-05", ["I.D1.A1", "I.D2.A1"]), ("date_to=2024-04", []),
                        ("document=2", ["I.D2.A1"]), ("actor=%25", []), ("reviewed=yes", []),
                        # full-text search over the articles: stemmed, every word, no query syntax
                        ("q=craters", ["I.D1.A1"]), ("q=shelling+station", ["I.D1.A1"]), ("q=Drivers", ["I.D2.A1"]),
                        ("q=craters+drivers", []), ("q=%22OR+zebra(+*", []), ("q=%22%27", ["I.D1.A1", "I.D2.A1"])]:
        assert _ids(client.get(f"/queue?{query}").text) == want, query
    assert client.get("/queue?document=x").status_code == 400
    # htmx asks for the results only
    part = client.get("/queue?act=shelling", headers={"HX-Request": "true", "HX-Target": "results"}).text
    assert "<html" not in part and _ids(part) == ["I.D1.A1"]


def test_web_queue_pages_by_keyset(ws):
    with ws.connect() as conn:
        first, after = queries.queue_page(conn, queries.QueueFilter(), limit=1)
        second, end = queries.queue_page(conn, queries.QueueFilter(after=after), limit=1)
    assert ([r["id"] for r in first], after, [r["id"] for r in second], end) == (["I.D1.A1"], "I.D1.A1", ["I.D2.A1"], None)


def test_web_incident_page_marks_exact_spans_sides_findings_and_history(ws):
    page = _as(ws, "vera").get("/incidents/I.D1.A1").text
    marks = re.findall(r"<mark>(.*?)</mark>", page)
    assert marks == ["northern forces shelled the bus station in Dalmora on Monday", "confirmed craters near the station"]
    assert "party: Southland" in page and "An observer group" in page and "corroborated" in page
    assert "recluster" in page  # the audit history
    assert "<form" in page and "/status" not in page  # a viewer sees no edit forms
    assert _as(ws, "vera").get("/incidents/I.nope").status_code == 404


def test_web_set_status_needs_rationale_and_logs_the_user(ws):
    client = _as(ws)
    token = csrf_of(client)
    r = client.post("/incidents/I.D2.A1/status", data={"status": "refuted", "rationale": " ", "version": "1",
                                                       "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 400 and "rationale" in r.text
    r = client.post("/incidents/I.D2.A1/status", data={"status": "refuted", "rationale": "drivers were released",
                                                       "version": "1", "csrf_token": token}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/incidents/I.D2.A1")
    last = _last_entry(ws)
    assert (last.actor, last.action, last.record_id, last.change["rationale"]) == (
        "ana", "set_status", "I.D2.A1", "drivers were released")
    page = client.get("/incidents/I.D2.A1").text
    assert "drivers were released" in page and 'id="version">2<' in page
    with ws.connect() as conn:
        assert audit.verify(conn) == [] and audit.verify_records(conn) == []


def test_web_stale_version_gets_409_with_both_versions_and_saves_nothing(ws):
    ana, adam = _as(ws, "ana"), _as(ws, "adam")
    ok = adam.post("/incidents/I.D2.A1/status", data={"status": "corroborated", "rationale": "photos match",
                                                      "version": "1", "csrf_token": csrf_of(adam)},
                   follow_redirects=False)
    assert ok.status_code == 303
    r = ana.post("/incidents/I.D2.A1/status", data={"status": "refuted", "rationale": "wrong bridge",
                                                    "version": "1", "csrf_token": csrf_of(ana)})
    assert r.status_code == 409
    assert "wrong bridge" in r.text and "photos match" in r.text and "version 2" in r.text
    assert "set_status by adam" in r.text
    with ws.connect() as conn:
        row = conn.execute(select(db.incidents).where(db.incidents.c.id == "I.D2.A1")).one()
    assert (row.status, row.version, row.rationale) == ("corroborated", 2, "photos match")
    assert _last_entry(ws).actor == "adam"


def test_web_merge_and_split_go_through_review(ws):
    client = _as(ws)
    r = client.post("/incidents/I.D1.A1/merge", data={"sources": "I.D2.A1", "rationale": "one convoy, one strike",
                                                      "version": "1", "csrf_token": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert _last_entry(ws).action == "merge" and _last_entry(ws).actor == "ana"
    r = client.post("/incidents/I.D1.A1/split", data={"allegation": "D2.A1", "rationale": "different week",
                                                      "version": "2", "csrf_token": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert _ids(client.get("/queue?reviewed=any").text) == ["I.D1.A1", "R.D2.A1"]


def test_web_evidence_upload_is_stored_by_hash_and_downloaded_as_attachment(ws, monkeypatch):
    client = _as(ws)
    body = b"<html><script>alert(1)</script></html>"
    r = client.post("/incidents/I.D1.A1/evidence", data={"csrf_token": csrf_of(client)},
                    files={"file": ("../../etc/evil page.html", body, "text/html")}, follow_redirects=False)
    assert r.status_code == 303
    digest = hashlib.sha256(body).hexdigest()
    assert digest in client.get("/incidents/I.D1.A1").text
    got = client.get(f"/evidence/{digest}")
    assert got.content == body and got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"] == 'attachment; filename="evilpage.html"'
    assert _last_entry(ws).actor == "ana"
    def chunks():
        yield b"csrf_token=x&"
        yield b"file=y"

    r = client.post("/incidents/I.D1.A1/evidence", content=chunks(),
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 411  # no size given: refused before any of it is read
    monkeypatch.setattr(web_security, "MAX_BODY", 100)
    r = client.post("/incidents/I.D1.A1/evidence", data={"csrf_token": csrf_of(client)},
                    files={"file": ("big.bin", b"x" * 200, "application/octet-stream")})
    assert r.status_code == 413
    monkeypatch.setattr(web_security, "MAX_BODY", 10_000)
    monkeypatch.setattr(web_security, "MAX_UPLOAD", 10)
    r = client.post("/incidents/I.D1.A1/evidence", data={"csrf_token": csrf_of(client)},
                    files={"file": ("big.bin", b"x" * 11, "application/octet-stream")})
    assert r.status_code == 413


def test_web_hostile_text_renders_escaped(engine, cheap_argon2):
    seed(engine, hostile=XSS)
    client = _as(engine)
    r = client.post("/incidents/I.D1.A1/status", data={"status": "disputed", "rationale": XSS, "version": "1",
                                                       "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303
    for path in ("/queue?reviewed=any", "/incidents/I.D1.A1", f"/queue?actor={XSS[:20]}"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
    page = client.get("/incidents/I.D1.A1").text
    assert str(escape(XSS)) in page  # rationale, speaker, perpetrator, place: shown as text
    assert re.findall(r"<mark>(.*?)</mark>", page)[1] == escape(XSS)  # the marked span is the payload, inert


def test_web_users_add_cli_stores_an_argon2_hash(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    runner = CliRunner()
    r = runner.invoke(cli_app, ["users", "add", "mira", "--role", "analyst", "--db", url], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    engine = db.connect(url)
    with engine.connect() as conn:
        row = conn.execute(select(db.users)).one()
    assert (row.name, row.role) == ("mira", "analyst") and row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    with engine.connect() as conn:
        entry = conn.execute(select(db.audit_log).where(db.audit_log.c.action == "add_user")).one()
    assert (entry.record_id, entry.change) == ("mira", {"role": "analyst"})  # no password, no hash
    for args, stdin, why in [(["mira", "--role", "analyst"], PASSWORD, "exists already"),
                             (["kim", "--role", "analyst"], "short", "at least 12"),
                             (["kim", "--role", "boss"], PASSWORD, "choose one of")]:
        r = runner.invoke(cli_app, ["users", "add", *args, "--db", url], input=stdin + "\n")
        assert r.exit_code != 0 and why in r.output, r.output
    assert runner.invoke(cli_app, ["users", "disable", "mira", "--db", url]).exit_code == 0
    with engine.connect() as conn:
        assert conn.execute(select(db.users.c.disabled)).scalar() is True
    assert runner.invoke(cli_app, ["users", "disable", "nobody", "--db", url]).exit_code == 1
    engine.dispose()


def test_web_search_index_takes_in_documents_stored_before_it(db_url):
    engine = db.connect(db_url, migrate=False)
    db.upgrade(engine, "0003_users")
    from claimledger import ingest
    from claimledger.models import Document

    doc_id, _ = ingest.store_document(engine, Document(text="Old report\n\nA ferry sank off the cape.", language="en"))
    db.upgrade(engine)
    with engine.connect() as conn:
        found = conn.execute(queries.matching_documents(conn, "ferries cape")).scalars().all()
        assert found == [doc_id]
        assert queries.matching_documents(conn, "*** ()") is None
    engine.dispose()


def test_web_concurrent_edits_of_one_version_one_wins_and_the_chain_verifies(ws):
    """20 analysts submit a status on the same version at once: exactly one is saved, the others get the
    conflict page, and the audit log holds one entry for it."""
    from concurrent.futures import ThreadPoolExecutor

    with ws.begin() as conn:
        for i in range(20):
            queries.add_user(conn, f"analyst{i}", "analyst", PASSWORD)
    clients = [_as(ws, f"analyst{i}") for i in range(20)]
    tokens = [csrf_of(c) for c in clients]
    before = _last_entry(ws).seq

    def submit(i):
        return clients[i].post("/incidents/I.D2.A1/status", data={
            "status": "refuted", "rationale": f"reviewer {i}", "version": "1", "csrf_token": tokens[i]},
            follow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(submit, range(20)))
    assert sorted(codes) == [303] + [409] * 19, codes
    with ws.connect() as conn:
        row = conn.execute(select(db.incidents).where(db.incidents.c.id == "I.D2.A1")).one()
        entries = conn.execute(select(db.audit_log).where(db.audit_log.c.seq > before)).all()
        assert audit.verify(conn) == [] and audit.verify_records(conn) == []
    winner = codes.index(303)
    assert (row.version, row.rationale) == (2, f"reviewer {winner}")
    assert [(e.actor, e.action) for e in entries] == [(f"analyst{winner}", "set_status")]


def test_web_tables_in_db_py_match_the_migrations(engine):
    """users, sessions and the queue's indexes are declared in db.py as migrations 0003/0004 make them."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    mine = {"users", "sessions", "ix_allegations_act", "ix_allegations_perpetrator", "ix_allegations_date",
            "ix_incident_members_allegation_id", "ix_incidents_status", "ix_sessions_user_id",
            "ix_sessions_expires_at"}
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)

    def names(d):
        return {getattr(x, "name", None) for x in d if not isinstance(x, (str, int, bool))}

    touching = [d for d in diff if names(d if isinstance(d, tuple) else [d]) & mine
                or (isinstance(d, tuple) and any(getattr(x, "name", None) in mine for x in d))]
    assert touching == []
