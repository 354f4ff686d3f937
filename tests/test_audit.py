"""The audit log over the data: each record's hash checked against the chain, signed checkpoints of the
head, and the `audit` commands. Every test that touches a database runs on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import stat
from datetime import date

import pytest
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from claimledger import audit, checkpoint, db, ingest, pipeline, review
from claimledger.cli_review import audit_app, review_app
from claimledger.models import Document

BAKERY = ("Drone strike destroys bakery, council says\n\nThe town council said on Friday that a drone strike destroyed "
          "a bakery in Sumy, killing two workers. Human Rights Watch said it had verified photographs of the damaged "
          "bakery.")
SCHOOL = ("Shells hit school\n\nA farmer said soldiers shelled a school in Okhtyrka on 3 March, wounding a teacher. "
          "The army denied that its forces had fired at the school.")


def _analyse(engine) -> None:
    for i, text in enumerate((BAKERY, SCHOOL), 1):
        ingest.store_document(engine, Document(text=text, title=f"own {i}", published=date(2024, 3, 8),
                                               source=f"own-{i}.txt"))
    pipeline.analyze(engine)


@pytest.fixture
def ledger(engine):
    """Two analysed documents of my own: incidents I.D1.A1 (with assessment D1.V1) and I.D2.A1."""
    _analyse(engine)
    with engine.connect() as conn:
        assert set(conn.execute(select(db.incidents.c.id)).scalars()) == {"I.D1.A1", "I.D2.A1"}
        assert conn.execute(select(db.assessments.c.id)).scalars().all() == ["D1.V1"]
    return engine


def _problems(engine, *marks) -> list[audit.Problem]:
    with engine.connect() as conn:
        return audit.verify(conn) + audit.verify_records(conn) + [p for m in marks for p in checkpoint.check(conn, m)]


def _review(engine, tmp_path) -> None:
    """Each review action once: status, merge, split, evidence."""
    note = tmp_path / "note.txt"
    note.write_text("witness notes, my own")
    with engine.begin() as conn:
        review.set_status(conn, "I.D2.A1", "refuted", "the photographs show another town", "ana")
    with engine.begin() as conn:
        review.merge(conn, "I.D1.A1", ["I.D2.A1"], "one strike seen twice", "ana")
    with engine.begin() as conn:
        review.split(conn, "I.D1.A1", ["D2.A1"], "different streets after all", "ana")
    with engine.begin() as conn:
        review.attach_evidence(conn, note, "incident", "I.D1.A1", "ana")


def _rechain(conn, edit=lambda seq, change: change) -> None:
    """Rewrite the whole log with fresh hashes, as someone with write access to the database could."""
    prev = audit.GENESIS
    for r in conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq)).all():
        change = edit(r.seq, r.change)
        h = audit.entry_hash(r.seq, prev, r.at, r.actor, r.action, r.record_type, r.record_id, change)
        conn.execute(update(db.audit_log).where(db.audit_log.c.seq == r.seq).values(change=change, prev_hash=prev,
                                                                                     hash=h))
        prev = h


def test_audit_clean_ledger_verifies_after_analysis_review_and_reanalysis(ledger, tmp_path):
    assert _problems(ledger) == []
    _review(ledger, tmp_path)
    assert _problems(ledger) == []
    pipeline.analyze(ledger)  # re-analysis rewrites every machine record, through the log
    assert _problems(ledger) == []
    with ledger.connect() as conn:
        rows = conn.execute(select(db.audit_log.c.action, db.audit_log.c.change).order_by(db.audit_log.c.seq)).all()
    # one entry per stored batch, naming each document of the batch
    assert [sorted(c["documents"]) for a, c in rows if a == "analyze"] == [["1", "2"], ["1", "2"]]
    # the same text gives the same records: the second analysis logs no record as changed
    assert [bool(c.get("state")) for a, c in rows if a == "analyze"] == [True, False]
    assert {"incident:R.D2.A1", "incident:I.D1.A1"} <= {k for a, c in rows if a == "split" for k in c["state"]}


def test_audit_names_each_record_edited_with_sql(ledger):
    i, a, v = db.incidents.c, db.allegations.c, db.assessments.c
    with ledger.begin() as conn:
        conn.execute(update(db.incidents).where(i.id == "I.D2.A1").values(status="refuted"))
        conn.execute(update(db.incidents).where(i.id == "I.D1.A1").values(rationale="nothing to see"))
        conn.execute(update(db.allegations).where(a.id == "D2.A1").values(perpetrator="someone else"))
        data = conn.execute(select(a.data).where(a.id == "D1.A1")).scalar()
        conn.execute(update(db.allegations).where(a.id == "D1.A1").values(data={**data, "date": "2023-01-01"}))
        conn.execute(update(db.assessments).where(v.id == "D1.V1").values(status="refuted"))
        conn.execute(update(db.documents).where(db.documents.c.id == 2).values(text=SCHOOL.replace("farmer", "man")))
    problems = _problems(ledger)
    assert {p.record for p in problems} == {"incident:I.D2.A1", "incident:I.D1.A1", "allegation:D2.A1",
                                            "allegation:D1.A1", "assessment:D1.V1", "document:2"}
    assert all("changed outside the audit log" in p.reason for p in problems)


def test_audit_names_an_analyst_decision_edited_with_sql(ledger, tmp_path):
    _review(ledger, tmp_path)
    assert _problems(ledger) == []
    d = db.decisions.c
    with ledger.begin() as conn:
        first = conn.execute(select(d.id, d.data).order_by(d.id)).first()
        conn.execute(update(db.decisions).where(d.id == first.id)
                     .values(data={**first.data, "rationale": "a rationale nobody wrote"}))
    assert [p.record for p in _problems(ledger)] == [f"decision:{first.id}"]


def test_audit_names_records_inserted_or_deleted_outside_the_log(ledger, tmp_path):
    _review(ledger, tmp_path)
    with ledger.begin() as conn:
        conn.execute(db.incidents.insert().values(id="I.X", data={}, status="corroborated"))
        conn.execute(delete(db.assessments).where(db.assessments.c.id == "D1.V1"))
        conn.execute(delete(db.evidence_links))
        conn.execute(delete(db.incident_members).where(db.incident_members.c.incident_id == "R.D2.A1"))
        conn.execute(update(db.evidence).values(content=b"other notes"))
    by_record = {p.record: p.reason for p in _problems(ledger)}
    sha = next(k for k in by_record if k.startswith("evidence_link:"))
    assert sha.startswith("evidence_link:incident:I.D1.A1:")
    blob = "evidence:" + sha.rsplit(":", 1)[1]
    assert set(by_record) == {"incident:I.X", "assessment:D1.V1", "incident:R.D2.A1", sha, blob}
    assert "changed outside" in by_record[blob]
    assert "not in the audit log" in by_record["incident:I.X"]
    assert "deleted outside" in by_record["assessment:D1.V1"] and "deleted outside" in by_record[sha]
    assert "changed outside" in by_record["incident:R.D2.A1"]  # its members are part of it


def test_audit_a_logged_write_over_a_tampered_record_does_not_hide_the_tampering(ledger):
    with ledger.begin() as conn:
        data = conn.execute(select(db.incidents.c.data).where(db.incidents.c.id == "I.D2.A1")).scalar()
        conn.execute(update(db.incidents).where(db.incidents.c.id == "I.D2.A1").values(data={**data, "date": "1999"}))
    with ledger.begin() as conn:
        review.set_status(conn, "I.D2.A1", "refuted", "checked the video", "ana")
        _, seq, _ = audit.head(conn)
    problems = _problems(ledger)
    assert [(p.seq, p.record) for p in problems] == [(seq, "incident:I.D2.A1")]
    assert "before this entry" in problems[0].reason


def test_audit_baseline_covers_a_ledger_made_before_records_were_hashed(ledger):
    with ledger.begin() as conn:  # as an older claimledger left it: no record states in the log
        _rechain(conn, lambda seq, change: {k: v for k, v in change.items() if k != "state"})
    with ledger.connect() as conn:
        assert audit.verify(conn) == []
        unlogged = audit.verify_records(conn)
    r = CliRunner().invoke(_app(), ["audit", "verify", "--db", ledger.url.render_as_string(hide_password=False)])
    assert r.exit_code == 1 and "audit baseline" in r.output
    assert "incident:I.D1.A1" in {p.record for p in unlogged} and all("not in the audit log" in p.reason
                                                                      for p in unlogged)
    with ledger.begin() as conn:
        assert audit.baseline(conn, "ana") == len(unlogged)
    assert _problems(ledger) == []
    with ledger.begin() as conn:  # a record the log knows is never re-logged: its edit stays visible
        conn.execute(update(db.assessments).where(db.assessments.c.id == "D1.V1").values(status="refuted"))
        assert audit.baseline(conn, "ana") == 0
    assert [p.record for p in _problems(ledger)] == ["assessment:D1.V1"]


# --- checkpoints ------------------------------------------------------------------------------------------

def _checked_after(engine, mark, change) -> list[audit.Problem]:
    """What verify finds after `change(conn)`, rolled back afterwards."""
    with engine.connect() as conn:
        trans = conn.begin()
        change(conn)
        found = audit.verify(conn) + checkpoint.check(conn, mark)
        trans.rollback()
    return found


def test_audit_checkpoint_catches_a_cut_tail_and_an_emptied_log(ledger, tmp_path):
    _review(ledger, tmp_path)
    with ledger.connect() as conn:
        mark = checkpoint.make(conn, Ed25519PrivateKey.generate())
    n = mark["seq"]
    assert n == mark["count"] >= 8 and _problems(ledger, mark) == []
    for cut in (1, 3):
        found = _checked_after(ledger, mark,
                               lambda c: c.execute(delete(db.audit_log).where(db.audit_log.c.seq > n - cut)))
        assert [p.seq for p in found] == [n] and "cut from its end" in found[0].reason
    found = _checked_after(ledger, mark, lambda c: c.execute(delete(db.audit_log)))
    assert [p.seq for p in found] == [n] and "emptied" in found[0].reason
    # a later entry is fine: the checkpoint's entry is still there
    with ledger.begin() as conn:
        review.set_status(conn, "I.D1.A1", "disputed", "a second look", "ana")
    assert _problems(ledger, mark) == []


def test_audit_checkpoint_catches_a_recomputed_chain(ledger):
    with ledger.connect() as conn:
        mark = checkpoint.make(conn, Ed25519PrivateKey.generate())
    with ledger.begin() as conn:  # edit a status, then make the log agree with it and rehash every entry
        conn.execute(update(db.incidents).where(db.incidents.c.id == "I.D2.A1").values(status="refuted"))
        forged = audit.snapshot(conn, audit.incident_records(["I.D2.A1"]))["incident:I.D2.A1"]

        def agree(seq, change):
            state = change.get("state", {})
            if "incident:I.D2.A1" in state:
                state["incident:I.D2.A1"][1] = forged
            return change
        _rechain(conn, agree)
    assert _problems(ledger) == []  # without the checkpoint the forgery holds together
    found = _problems(ledger, mark)
    assert [p.seq for p in found] == [mark["seq"]] and "rewritten" in found[0].reason


def test_audit_checkpoint_catches_a_replaced_database(ledger, tmp_path):
    with ledger.connect() as conn:
        mark = checkpoint.make(conn, Ed25519PrivateKey.generate())
    other = db.connect(f"sqlite:///{tmp_path / 'other.db'}")  # the same documents, analysed again elsewhere
    try:
        _analyse(other)
        with other.connect() as conn:
            assert audit.head(conn)[1] == mark["seq"]
        found = _problems(other, mark)
    finally:
        other.dispose()
    assert [p.seq for p in found] == [mark["seq"]] and "replaced" in found[0].reason


def test_audit_checkpoint_file_signature_and_key(tmp_path):
    key = tmp_path / "audit.key"
    pub = checkpoint.keygen(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and pub.name == "audit.key.pub"
    with pytest.raises(checkpoint.CheckpointError, match="exists"):
        checkpoint.keygen(key)
    engine = db.connect(f"sqlite:///{tmp_path / 'l.db'}")
    with engine.begin() as conn:
        audit.append_event(conn, "ana", "note", None, None, {"n": 1})
        body = checkpoint.make(conn, checkpoint.load_private(key))
    engine.dispose()
    path = tmp_path / "head.json"
    checkpoint.write(path, body)
    assert checkpoint.read(path, checkpoint.load_public_hex(pub))["hash"] == body["hash"]
    for field, value in (("seq", 0), ("hash", "0" * 64), ("count", 9)):
        path.write_text(json.dumps({**body, field: value}))
        with pytest.raises(checkpoint.CheckpointError, match="signature does not match"):
            checkpoint.read(path)
    stranger = Ed25519PrivateKey.generate()  # a forger re-signs with a key of their own
    forged = {**body, "seq": 0, "public_key": checkpoint._raw_hex(stranger.public_key())}
    forged["signature"] = stranger.sign(checkpoint._signed_bytes(forged)).hex()
    path.write_text(json.dumps(forged))
    assert checkpoint.read(path)["seq"] == 0  # holds by its own key ...
    with pytest.raises(checkpoint.CheckpointError, match="not by the trusted key"):
        checkpoint.read(path, checkpoint.load_public_hex(pub))  # ... but not by the pinned one
    path.write_text("{not json")
    with pytest.raises(checkpoint.CheckpointError, match="not JSON"):
        checkpoint.read(path)


# --- the commands -----------------------------------------------------------------------------------------

def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(review_app, name="review")
    app.add_typer(audit_app, name="audit")
    return app


@pytest.fixture
def cli(ledger, db_url):
    runner, app = CliRunner(), _app()
    return lambda *args: runner.invoke(app, [*args, "--db", db_url, "--as", "ana"])


def test_audit_cli_checkpoint_verify_and_direct_edit(cli, ledger, tmp_path):
    key, mark = tmp_path / "keys" / "audit.key", tmp_path / "head.json"
    key.parent.mkdir()
    r = cli("audit", "checkpoint", "--key", str(key), "--out", str(mark))
    assert r.exit_code == 0 and "new signing key" in r.output and stat.S_IMODE(key.stat().st_mode) == 0o600
    r = cli("audit", "verify", "--checkpoint", str(mark), "--public-key", str(key) + ".pub")
    assert r.exit_code == 0 and "intact" in r.output and "matches the checkpoint" in r.output
    assert cli("review", "status", "I.D2.A1", "refuted", "-r", "old video").exit_code == 0
    r = cli("audit", "verify", "--checkpoint", str(mark))
    assert r.exit_code == 0, r.output
    with ledger.begin() as conn:
        conn.execute(update(db.assessments).where(db.assessments.c.id == "D1.V1").values(status="refuted"))
        conn.execute(delete(db.audit_log).where(db.audit_log.c.seq >= json.loads(mark.read_text())["seq"]))
    r = cli("audit", "verify", "--checkpoint", str(mark))
    assert r.exit_code == 1 and "record: assessment D1.V1" in r.output and "cut from its end" in r.output
    mark.write_text(mark.read_text().replace('"count": ', '"count": 1'))
    r = cli("audit", "verify", "--checkpoint", str(mark))
    assert r.exit_code == 1 and "signature does not match" in r.output


def test_audit_cli_keygen_refuses_to_overwrite(cli, tmp_path):
    key = tmp_path / "k"
    r = cli("audit", "keygen", "--key", str(key))
    assert r.exit_code == 0 and stat.S_IMODE(key.stat().st_mode) == 0o600 and (tmp_path / "k.pub").exists()
    before = key.read_bytes()
    r = cli("audit", "keygen", "--key", str(key))
    assert r.exit_code == 1 and "exists" in r.output and key.read_bytes() == before


@pytest.mark.postgres
def test_audit_review_during_recluster_logs_consistent_states_on_postgresql(pg_schema_url):
    """A re-clustering started while an analyst's change is uncommitted waits for it, so the state it
    logs as 'before' is the analyst's, not a stale one that would read as tampering."""
    import threading
    import time

    engine = db.connect(pg_schema_url())
    try:
        _analyse(engine)
        with engine.connect() as conn:
            trans = conn.begin()
            review.set_status(conn, "I.D2.A1", "refuted", "the photographs show another town", "ana")
            failed: list[Exception] = []

            def recluster():
                try:
                    pipeline.recluster(engine)
                except Exception as exc:  # surfaced below
                    failed.append(exc)
            worker = threading.Thread(target=recluster)
            worker.start()
            time.sleep(0.5)  # let the re-clustering reach its first read (an ordering aid, not a timing check)
            trans.commit()
        worker.join(60)
        assert not worker.is_alive() and failed == []
        with engine.connect() as conn:
            actions = conn.execute(select(db.audit_log.c.action).order_by(db.audit_log.c.seq)).scalars().all()
        assert actions[-2:] == ["set_status", "recluster"]
        assert _problems(engine) == []
    finally:
        engine.dispose()


def test_audit_cli_checkpoint_warns_about_a_key_others_can_read(cli, tmp_path):
    key = tmp_path / "k"
    assert cli("audit", "keygen", "--key", str(key)).exit_code == 0
    r = cli("audit", "checkpoint", "--key", str(key), "--out", str(tmp_path / "a"))
    assert r.exit_code == 0 and "can be read by others" not in r.output
    key.chmod(0o644)
    r = cli("audit", "checkpoint", "--key", str(key), "--out", str(tmp_path / "b"))
    assert r.exit_code == 0 and "can be read by others" in r.output
