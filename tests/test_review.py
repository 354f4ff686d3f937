"""Analyst review: status, merge, split, evidence, bad input, optimistic locking, audit tampering, CLI."""
from __future__ import annotations

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from claimledger import audit, db, incidents, review
from claimledger.cli_review import audit_app, review_app
from claimledger.models import Allegation, Assessment, Incident, as_dict


def _seed(engine):
    """Three machine incidents and an assessment, as a re-cluster stores them (the rows written here by
    hand are logged, as every writer must)."""
    with engine.begin() as conn:
        w = audit.watch(conn, [audit.Scope("assessment"), audit.Scope("allegation")])
        conn.execute(db.assessments.insert().values(
            id="D1.V1", allegation_id="D1.A2", verifier="Amnesty International", status="corroborated",
            data=as_dict(Assessment("D1.A2", "Amnesty International", "corroborated", id="D1.V1"))))
        conn.execute(db.allegations.insert().values(id="D1.A1", data=as_dict(Allegation(["D1.S1"], id="D1.A1"))))
        audit.append_event(conn, "claimledger", "seed", None, None, {}, watch=w)
    incs = [Incident("I.D1.A1", ["D1.A1", "D1.A2"], {"name": "Kyiv", "lat": 50.45, "lon": 30.52}, "2022-03-01"),
            Incident("I.D1.A3", ["D1.A3"], {"name": "Irpin", "lat": 50.52, "lon": 30.25}, "2022-03-01"),
            Incident("I.D2.A1", ["D2.A1"], {"name": "Kyiv", "lat": 50.45, "lon": 30.52}, "2022-03-01")]
    incidents.store(engine, incs)


def _members(conn, iid):
    return sorted(conn.execute(select(db.incident_members.c.allegation_id)
                               .where(db.incident_members.c.incident_id == iid)).scalars())


def _audit_count(conn):
    return conn.execute(select(func.count()).select_from(db.audit_log)).scalar()


def test_review_set_status_records_rationale_version_and_audit(engine):
    _seed(engine)
    with engine.begin() as conn:
        v = review.set_status(conn, "I.D1.A3", "refuted", "footage is from 2019", "ana")
    with engine.connect() as conn:
        row = conn.execute(select(db.incidents).where(db.incidents.c.id == "I.D1.A3")).one()
        last = conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq.desc())).first()
        assert audit.verify(conn) == []
    assert (v, row.version, row.status, row.status_source, row.edited) == (2, 2, "refuted", "analyst", True)
    assert row.rationale == "footage is from 2019"
    assert (last.actor, last.action, last.record_id, last.change["to"]) == ("ana", "set_status", "I.D1.A3", "refuted")


def test_review_bad_input_is_refused_and_changes_nothing(engine, tmp_path):
    _seed(engine)
    bad = [lambda c: review.set_status(c, "I.nope", "refuted", "why", "ana"),
           lambda c: review.set_status(c, "I.D1.A3", "fake", "why", "ana"),
           lambda c: review.set_status(c, "I.D1.A3", "refuted", "  ", "ana"),
           lambda c: review.merge(c, "I.D1.A1", ["I.nope"], "same strike", "ana"),
           lambda c: review.split(c, "I.D1.A1", ["D9.A9"], "different event", "ana"),
           lambda c: review.split(c, "I.D1.A1", ["D1.A1", "D1.A2"], "different event", "ana"),
           lambda c: review.attach_evidence(c, tmp_path / "missing.jpg", "incident", "I.D1.A1", "ana"),
           lambda c: review.attach_evidence(c, __file__, "incident", "I.nope", "ana"),
           lambda c: review.attach_evidence(c, __file__, "planet", "I.D1.A1", "ana")]
    with engine.connect() as conn:
        before = [tuple(r) for r in conn.execute(select(db.incidents).order_by(db.incidents.c.id))], _audit_count(conn)
    for action in bad:
        with pytest.raises(review.ReviewError):
            with engine.begin() as conn:
                action(conn)
    with engine.connect() as conn:
        after = [tuple(r) for r in conn.execute(select(db.incidents).order_by(db.incidents.c.id))], _audit_count(conn)
    assert after == before


def _seeded_machine():
    return [Incident("I.D1.A1", ["D1.A1", "D1.A2"], {"name": "Kyiv", "lat": 50.45, "lon": 30.52}, "2022-03-01"),
            Incident("I.D1.A3", ["D1.A3"], {"name": "Irpin", "lat": 50.52, "lon": 30.25}, "2022-03-01"),
            Incident("I.D2.A1", ["D2.A1"], {"name": "Kyiv", "lat": 50.45, "lon": 30.52}, "2022-03-01")]


def test_review_merge_moves_members_and_survives_recluster(engine):
    _seed(engine)
    with engine.begin() as conn:
        review.merge(conn, "I.D1.A1", ["I.D2.A1"], "same strike, two outlets", "ana")
    incidents.store(engine, _seeded_machine())
    with engine.connect() as conn:
        assert _members(conn, "I.D1.A1") == ["D1.A1", "D1.A2", "D2.A1"]
        assert "I.D2.A1" not in dict(conn.execute(select(db.incidents.c.id, db.incidents.c.status)).all())
        row = conn.execute(select(db.incidents).where(db.incidents.c.id == "I.D1.A1")).one()
        assert row.status == "corroborated"  # derived again from the members' assessments
        assert row.data["needs_review"] == []
        assert [e.action for e in conn.execute(select(db.audit_log))][-2:] == ["merge", "recluster"]


def test_review_merge_is_flagged_when_the_machine_view_changed(engine):
    _seed(engine)
    with engine.begin() as conn:
        review.merge(conn, "I.D1.A1", ["I.D2.A1"], "same strike, two outlets", "ana")
    # re-analysis: D1.A2 is gone, and the machine now clusters D2.A2 with D2.A1
    incidents.store(engine, [Incident("I.D1.A1", ["D1.A1"]), Incident("I.D2.A1", ["D2.A1", "D2.A2"])])
    with engine.connect() as conn:
        assert _members(conn, "I.D1.A1") == ["D1.A1", "D2.A1", "D2.A2"]
        flags = review.show(conn, "I.D1.A1")["needs_review"]
        listed = {r["id"]: r["reasons"] for r in review.needs_review(conn)}
    assert any("D1.A2 no longer found" in f for f in flags) and any("D2.A2 joined" in f for f in flags)
    assert any("re-review decision 1 (merge by ana)" in r for r in listed["I.D1.A1"])


def test_review_split_makes_new_incident_kept_on_recluster(engine):
    _seed(engine)
    with engine.begin() as conn:
        new = review.split(conn, "I.D1.A1", ["D1.A2"], "different building", "ana")
    assert new == "R.D1.A2"
    incidents.store(engine, [Incident("I.D1.A1", ["D1.A1", "D1.A2"])])
    with engine.connect() as conn:
        assert _members(conn, "I.D1.A1") == ["D1.A1"]
        assert _members(conn, "R.D1.A2") == ["D1.A2"]
        statuses = dict(conn.execute(select(db.incidents.c.id, db.incidents.c.status)).all())
    assert statuses["R.D1.A2"] == "corroborated" and statuses["I.D1.A1"] == "alleged"


def test_review_set_status_survives_recluster(engine):
    _seed(engine)
    with engine.begin() as conn:
        review.set_status(conn, "I.D1.A3", "disputed", "two verifiers disagree", "ana")
    incidents.store(engine, [Incident("I.D1.A3", ["D1.A3"], status="alleged")])
    with engine.connect() as conn:
        assert conn.execute(select(db.incidents.c.status).where(db.incidents.c.id == "I.D1.A3")).scalar() == "disputed"


def test_review_evidence_is_content_addressed_and_stored_once(engine, tmp_path):
    _seed(engine)
    photo = tmp_path / "crater.png"
    photo.write_bytes(b"\x89PNG fake image bytes")
    copy = tmp_path / "copy-of-crater.png"
    copy.write_bytes(photo.read_bytes())
    with engine.begin() as conn:
        h1 = review.attach_evidence(conn, photo, "incident", "I.D1.A1", "ana")
        h2 = review.attach_evidence(conn, copy, "incident", "I.D1.A3", "ana")
        h3 = review.attach_evidence(conn, photo, "allegation", "D1.A1", "ana")
    with engine.connect() as conn:
        files = conn.execute(select(db.evidence)).all()
        links = conn.execute(select(func.count()).select_from(db.evidence_links)).scalar()
        shown = review.show(conn, "I.D1.A1")
    import hashlib
    assert h1 == h2 == h3 == hashlib.sha256(b"\x89PNG fake image bytes").hexdigest()
    assert [(f.size, f.mime, f.original_name) for f in files] == [(21, "image/png", "crater.png")]
    assert links == 3
    assert shown["evidence"][0]["sha256"] == h1


def test_review_stale_version_is_refused(engine):
    _seed(engine)
    with engine.begin() as conn:
        review.set_status(conn, "I.D1.A3", "refuted", "first analyst", "ana", expected_version=1)
    with pytest.raises(review.StaleVersion, match="version"):
        with engine.begin() as conn:
            review.set_status(conn, "I.D1.A3", "corroborated", "second analyst read version 1", "ben", expected_version=1)


@pytest.mark.postgres
def test_review_lost_update_between_two_sessions_on_postgresql(pg_schema_url):
    engine = db.connect(pg_schema_url())
    try:
        _seed(engine)
        a, b = engine.connect(), engine.connect()
        ta, tb = a.begin(), b.begin()
        seen = a.execute(select(db.incidents.c.version).where(db.incidents.c.id == "I.D1.A3")).scalar()
        assert seen == b.execute(select(db.incidents.c.version).where(db.incidents.c.id == "I.D1.A3")).scalar() == 1
        review.set_status(b, "I.D1.A3", "refuted", "ben's finding", "ben", expected_version=seen)
        tb.commit()
        with pytest.raises(review.StaleVersion):
            review.set_status(a, "I.D1.A3", "corroborated", "ana's finding", "ana", expected_version=seen)
        ta.rollback()
        a.close(), b.close()
        with engine.connect() as conn:
            row = conn.execute(select(db.incidents).where(db.incidents.c.id == "I.D1.A3")).one()
            assert (row.status, row.rationale, row.version) == ("refuted", "ben's finding", 2)
            assert audit.verify(conn) == []
    finally:
        engine.dispose()


def _chain(engine, n=5):
    with engine.begin() as conn:
        for i in range(n):
            audit.append_event(conn, "ana", "note", "incident", f"I{i}", {"n": i})


def _tamper_and_verify(engine, tamper):
    _chain(engine)
    with engine.begin() as conn:
        tamper(conn)
    with engine.connect() as conn:
        return audit.verify(conn)


def test_review_audit_detects_edited_entry(engine):
    problems = _tamper_and_verify(engine, lambda c: c.execute(
        db.audit_log.update().where(db.audit_log.c.seq == 3).values(change={"n": 99})))
    assert [p.seq for p in problems] == [3] and "edited" in problems[0].reason


def test_review_audit_detects_deleted_entry(engine):
    problems = _tamper_and_verify(engine, lambda c: c.execute(db.audit_log.delete().where(db.audit_log.c.seq == 2)))
    assert {p.seq for p in problems} == {3} and any("deleted" in p.reason for p in problems)


def test_review_audit_detects_inserted_entry(engine):
    def insert(conn):
        rows = conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq.desc())).all()
        for r in rows:  # shift entries 3.. up by one, then forge a well-hashed entry 3
            if r.seq >= 3:
                conn.execute(db.audit_log.update().where(db.audit_log.c.seq == r.seq).values(seq=r.seq + 1))
        prev = conn.execute(select(db.audit_log.c.hash).where(db.audit_log.c.seq == 2)).scalar()
        h = audit.entry_hash(3, prev, "2022-01-01T00:00:00", "mallory", "note", None, None, {})
        conn.execute(db.audit_log.insert().values(seq=3, at="2022-01-01T00:00:00", actor="mallory", action="note",
                                                  change={}, prev_hash=prev, hash=h))
    problems = _tamper_and_verify(engine, insert)
    assert 4 in {p.seq for p in problems} and 3 not in {p.seq for p in problems}


def test_review_audit_detects_reordered_entries(engine):
    def swap(conn):
        r2, r3 = (conn.execute(select(db.audit_log).where(db.audit_log.c.seq == s)).one() for s in (2, 3))
        cols = ("at", "actor", "action", "record_type", "record_id", "change", "prev_hash", "hash")
        conn.execute(db.audit_log.update().where(db.audit_log.c.seq == 2).values(**{c: getattr(r3, c) for c in cols}))
        conn.execute(db.audit_log.update().where(db.audit_log.c.seq == 3).values(**{c: getattr(r2, c) for c in cols}))
    problems = _tamper_and_verify(engine, swap)
    assert {2, 3} <= {p.seq for p in problems}


@pytest.fixture
def cli(tmp_path):
    app = typer.Typer()
    app.add_typer(review_app, name="review")
    app.add_typer(audit_app, name="audit")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = db.connect(url)
    _seed(engine)
    engine.dispose()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [*args, "--db", url, "--as", "ana"])


def test_review_cli_status_merge_split_attach_and_verify(cli, tmp_path):
    assert cli("review", "list").exit_code == 0
    assert cli("review", "status", "I.D1.A3", "refuted", "--rationale", "old video").exit_code == 0
    assert cli("review", "merge", "I.D1.A1", "I.D2.A1", "-r", "same strike").exit_code == 0
    r = cli("review", "split", "I.D1.A1", "D2.A1", "-r", "other street")
    assert r.exit_code == 0 and "R.D2.A1" in r.output
    f = tmp_path / "note.txt"
    f.write_text("witness notes")
    assert cli("review", "attach", "I.D1.A1", str(f)).exit_code == 0
    r = cli("review", "show", "I.D1.A1")
    assert r.exit_code == 0 and "note.txt" in r.output
    r = cli("audit", "verify")
    assert r.exit_code == 0 and "intact" in r.output


def test_review_cli_bad_input_exits_with_message(cli, tmp_path):
    r = cli("review", "status", "I.D1.A3", "maybe", "-r", "x")
    assert r.exit_code == 2 and "not one of" in r.output
    r = cli("review", "status", "I.D1.A3", "refuted")
    assert r.exit_code == 2 and "rationale" in r.output
    r = cli("review", "status", "I.nope", "refuted", "-r", "x")
    assert r.exit_code == 1 and "no incident" in r.output
    r = cli("review", "attach", "I.D1.A1", str(tmp_path / "absent.pdf"))
    assert r.exit_code == 1 and "cannot read" in r.output
    r = cli("review", "status", "I.D1.A3", "refuted", "-r", "x", "--expect-version", "7")
    assert r.exit_code == 1 and "version" in r.output


def test_review_cli_verify_names_tampered_entry(cli, tmp_path):
    assert cli("review", "status", "I.D1.A3", "refuted", "-r", "old video").exit_code == 0
    head = cli("audit", "head").output.split()
    engine = db.connect(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.begin() as conn:
        conn.execute(db.audit_log.update().where(db.audit_log.c.seq == 1).values(actor="mallory"))
    r = cli("audit", "verify")
    assert r.exit_code == 1 and "entry 1" in r.output and "edited" in r.output
    with engine.begin() as conn:  # undo the edit, then cut the last entry off: the status it logged is now unlogged
        conn.execute(db.audit_log.update().where(db.audit_log.c.seq == 1).values(actor="claimledger"))
        conn.execute(db.audit_log.delete().where(db.audit_log.c.seq == int(head[0])))
    engine.dispose()
    r = cli("audit", "verify")
    assert r.exit_code == 1 and "record: incident I.D1.A3" in r.output and "entry 1:" not in r.output
    r = cli("audit", "verify", "--expect-head", head[1])
    assert r.exit_code == 1 and "removed" in r.output


def test_review_two_merges_keep_both_rationales_through_recluster(engine):
    from claimledger import export

    _seed(engine)
    with engine.begin() as conn:
        review.merge(conn, "I.D1.A1", ["I.D2.A1"], "same crater in both photos", "ana")
        review.merge(conn, "I.D1.A1", ["I.D1.A3"], "the wire copy names the same market", "ben")
    incidents.store(engine, _seeded_machine())
    [inc] = export.ledger_json(engine)["incidents"]
    assert inc["allegation_ids"] == ["D1.A1", "D1.A2", "D1.A3", "D2.A1"]
    assert [(d["actor"], d["rationale"]) for d in inc["decisions"]] == [
        ("ana", "same crater in both photos"), ("ben", "the wire copy names the same market")]
    assert inc["needs_review"] == []


def test_review_status_and_evidence_follow_their_allegations_to_a_new_clustering(engine, tmp_path):
    _seed(engine)
    photo = tmp_path / "crater.png"
    photo.write_bytes(b"\x89PNG a crater")
    with engine.begin() as conn:
        review.set_status(conn, "I.D1.A1", "refuted", "the video is from 2019", "ana")
        sha = review.attach_evidence(conn, photo, "incident", "I.D1.A1", "ana", "geolocated elsewhere")
    # re-analysis leaves D1.A1 out of every incident, so the one holding D1.A2 now has another id
    incidents.store(engine, [Incident("I.D1.A2", ["D1.A2"]), Incident("I.D1.A3", ["D1.A3"])])
    with engine.connect() as conn:
        shown = review.show(conn, "I.D1.A2")
        listed = {r["id"]: r["reasons"] for r in review.needs_review(conn)}
    assert (shown["status"], shown["status_source"], shown["rationale"]) == ("refuted", "analyst",
                                                                             "the video is from 2019")
    assert [e["sha256"] for e in shown["evidence"]] == [sha]
    assert [d["rationale"] for d in shown["decisions"]] == ["the video is from 2019", "geolocated elsewhere"]
    assert any("D1.A1 now in no incident" in r for r in shown["needs_review"])
    assert any(r.startswith("re-review decision 1 (status by ana)") for r in listed["I.D1.A2"])


def test_review_decision_with_nothing_left_is_listed_not_dropped(engine):
    from claimledger import export

    _seed(engine)
    with engine.begin() as conn:
        review.set_status(conn, "I.D1.A3", "refuted", "staged", "ana")
    incidents.store(engine, [Incident("I.D1.A1", ["D1.A1"])])  # D1.A3 is no longer found
    with engine.connect() as conn:
        listed = {r["id"]: r["reasons"] for r in review.needs_review(conn)}
    assert any("D1.A3 no longer found" in r for r in listed["decision 1"])
    [d] = export.ledger_json(engine)["decisions"]
    assert (d["rationale"], d["applied_to"], d["status"]) == ("staged", [], "refuted") and d["needs_review"]


def test_review_and_recluster_at_the_same_time_do_not_fail(db_url, monkeypatch):
    """An edit made while re-clustering holds the incidents waits for it, then applies on its result."""
    import threading

    from claimledger import decisions

    engine = db.connect(db_url)
    _seed(engine)
    inside, real = threading.Event(), decisions.replay

    def slow_replay(*args, **kw):
        inside.set()
        threading.Event().wait(0.5)  # the window in which an analyst edits
        return real(*args, **kw)

    monkeypatch.setattr(decisions, "replay", slow_replay)
    errors = []

    def recluster():
        try:
            incidents.store(engine, _seeded_machine())
        except Exception as exc:  # pragma: no cover - what the test is about
            errors.append(exc)

    t = threading.Thread(target=recluster)
    t.start()
    assert inside.wait(30)
    with engine.begin() as conn:
        review.split(conn, "I.D1.A1", ["D1.A2"], "another building", "ana")
        review.set_status(conn, "I.D1.A3", "refuted", "staged", "ana")
    t.join(60)
    monkeypatch.setattr(decisions, "replay", real)
    incidents.store(engine, _seeded_machine())
    with engine.connect() as conn:
        rows = {r.id: r.status for r in conn.execute(select(db.incidents))}
        assert audit.verify(conn) == [] and audit.verify_records(conn) == []
    engine.dispose()
    assert errors == []
    assert rows == {"I.D1.A1": "alleged", "R.D1.A2": "corroborated", "I.D1.A3": "refuted", "I.D2.A1": "alleged"}


def test_review_merge_keeps_a_counter_claims_assessment_out_of_the_status(engine):
    from claimledger.allegations import REASONS

    _seed(engine)
    with engine.begin() as conn:  # D2.A1 is the accused party's own account, refuted by a verifier
        conn.execute(db.allegations.insert().values(id="D2.A1", data=as_dict(
            Allegation(["D2.S1"], id="D2.A1", perpetrator="Russia", perpetrator_reason=REASONS["self"]))))
        conn.execute(db.assessments.insert().values(
            id="D2.V1", allegation_id="D2.A1", verifier="Bellingcat", status="refuted",
            data=as_dict(Assessment("D2.A1", "Bellingcat", "refuted", id="D2.V1"))))
        review.merge(conn, "I.D1.A1", ["I.D2.A1"], "same strike, the striker's account", "ana")
    with engine.connect() as conn:
        row = conn.execute(select(db.incidents).where(db.incidents.c.id == "I.D1.A1")).one()
    assert row.status == "corroborated"  # not disputed by the refutation of the counter-claim


def test_review_attach_a_device_is_refused_without_reading_it_all(engine, cli):
    """/dev/zero never ends: the read stops at the limit and nothing is stored."""
    _seed(engine)
    with engine.connect() as conn:
        with pytest.raises(review.ReviewError, match="larger than 1000 bytes"):
            review.attach_evidence(conn, "/dev/zero", "incident", "I.D1.A1", "ana", max_bytes=1000)
        assert conn.execute(select(func.count()).select_from(db.evidence)).scalar() == 0
    r = cli("review", "attach", "I.D1.A1", "/dev/zero", "--max-bytes", "1000")
    assert r.exit_code == 1 and "larger than 1000 bytes" in r.output
