from sqlalchemy import inspect, select

from claimledger import audit, db


def test_db_fresh_database_is_migrated(engine):
    names = set(inspect(engine).get_table_names())
    assert {"documents", "ingest_runs", "statements", "allegations", "incidents", "audit_log"} <= names
    assert db._at_head(engine)


def test_db_audit_chain_detects_edit(engine):
    with engine.begin() as conn:
        for i in range(3):
            audit.append_event(conn, "tester", "note", "document", str(i), {"n": i})
    with engine.begin() as conn:
        assert audit.verify(conn) == []
        conn.execute(db.audit_log.update().where(db.audit_log.c.seq == 2).values(actor="mallory"))
        problems = audit.verify(conn)
    assert [p.seq for p in problems] == [2]
    assert "edited" in problems[0].reason


def test_db_upgrade_command_migrates_a_new_file(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'new.db'}"
    proc = subprocess.run([sys.executable, "-m", "claimledger.cli", "db", "upgrade", "--db", url],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    engine = db.connect(url, migrate=False)
    assert db._at_head(engine)
    assert "documents" in inspect(engine).get_table_names()


def test_db_url_from_environment_and_bare_path(monkeypatch, tmp_path):
    monkeypatch.setenv(db.ENV_VAR, "postgresql+psycopg://u@h/x")
    assert db.database_url() == "postgresql+psycopg://u@h/x"
    assert db.database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
