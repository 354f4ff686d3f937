"""Analysis in worker processes and on a Dask cluster gives the ledger one process gives; a worker killed
mid-partition, or the writer killed mid-batch, loses nothing and duplicates nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from claimledger import audit, db, export, ingest, parallel, pipeline

REPORTS = [  # my own short reports, one document each
    "Depot burns after strike\n\nThe regional governor said on Monday that a missile struck a fuel depot in Kherson, "
    "wounding four workers. The defence ministry denied that its forces had fired at the depot.",
    "School hit\n\nA teacher said soldiers shelled a school in Okhtyrka on 3 March, killing a guard. Human Rights "
    "Watch said it had verified photographs of the damaged classrooms.",
    "Convoy stopped\n\nVillagers said militiamen detained six drivers at a checkpoint near Sumy on Friday.",
    "Drones over the port\n\nPort officials said drones struck a grain terminal in Izmail overnight, injuring two "
    "dockers. The army said it had shot down most of the drones.",
    "Market shelled\n\nThe mayor said artillery shelled the central market in Kharkiv on Tuesday, killing three "
    "civilians, and accused the rebels of targeting shoppers.",
    "Bridge destroyed\n\nThe ministry of infrastructure said a rocket attack destroyed a road bridge near Zaporizhzhia "
    "on Sunday. Residents said the strike came without warning.",
]


def _corpus(tmp_path) -> str:
    f = tmp_path / "reports.jsonl"
    f.write_text("".join(json.dumps({"id": f"r{i}", "text": t, "published": "2024-03-08"}) + "\n"
                         for i, t in enumerate(REPORTS)))
    return str(f)


def _ledger(engine) -> dict:
    return export.ledger_json(engine)


def _clean_audit(engine) -> list:
    with engine.connect() as conn:
        return audit.verify(conn) + audit.verify_records(conn)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """The ledger of REPORTS analysed in this process, one document at a time."""
    tmp = tmp_path_factory.mktemp("reference")
    engine = db.connect(f"sqlite:///{tmp / 'ref.db'}")
    ingest.ingest(engine, [_corpus(tmp)])
    summary = pipeline.analyze(engine, batch_size=1)
    assert summary.documents == len(REPORTS) and summary.allegations >= len(REPORTS)
    ledger = _ledger(engine)
    engine.dispose()
    return ledger


def test_parallel_two_workers_give_the_one_process_ledger(reference, tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'w2.db'}")
    ingest.ingest(engine, [_corpus(tmp_path)])
    seen = []
    summary = pipeline.analyze(engine, workers=2, batch_size=4, progress=seen.append, on_total=seen.append)
    assert seen[0] == len(REPORTS) and sum(seen[1:]) == len(REPORTS)  # the bar's total, then one tick a document
    assert summary.documents == len(REPORTS) and not summary.failed
    assert _ledger(engine) == reference
    assert _clean_audit(engine) == []
    with engine.connect() as conn:  # two batches stored, each one audit entry
        assert conn.execute(select(func.count()).select_from(db.audit_log)
                            .where(db.audit_log.c.action == "analyze")).scalar() == 2
    engine.dispose()


@pytest.fixture(scope="module")
def cluster():
    """A Dask LocalCluster of two worker processes, shared by this module's tests."""
    from dask.distributed import LocalCluster

    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield c
    c.close()


@pytest.mark.slow
def test_parallel_dask_worker_killed_mid_partition_is_retried_without_duplicates(reference, cluster, db_url,
                                                                                  tmp_path):
    marker = str(tmp_path / "died")

    def dies_once(url, ids):  # pickled by value: runs on the workers
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return parallel.analyse_partition(url, ids)
        os._exit(1)  # the first partition to start kills its worker process mid-partition

    engine = db.connect(db_url)
    ingest.ingest(engine, [_corpus(tmp_path)])
    results = list(parallel.results(engine, list(range(1, len(REPORTS) + 1)), dask=cluster.scheduler_address,
                                    task=dies_once))
    assert os.path.exists(marker), "a worker died"
    assert sorted({r.document_id for r in results}) == list(range(1, len(REPORTS) + 1))
    summary = pipeline.analyze(engine, dask=cluster.scheduler_address, batch_size=4)
    assert summary.documents == len(REPORTS) and not summary.failed
    assert _ledger(engine) == reference
    assert _clean_audit(engine) == []
    engine.dispose()


# The writer pauses once its second batch is written but not committed, and says so; the test kills it there.
_PAUSED_ANALYSIS = """
import sys, time
from sqlalchemy import event
from claimledger import db, pipeline

engine = db.connect(sys.argv[1])
runs = []

@event.listens_for(engine, "after_cursor_execute")
def pause(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("UPDATE DOCUMENTS SET ANALYSIS_STATUS"):
        runs.append(statement)
        if len(runs) == 2:
            print("paused", flush=True)
            time.sleep(600)

pipeline.analyze(engine, batch_size=2)
"""


def test_parallel_writer_killed_mid_batch_then_rerun_loses_and_repeats_nothing(reference, db_url, tmp_path):
    engine = db.connect(db_url)
    ingest.ingest(engine, [_corpus(tmp_path)])
    proc = subprocess.Popen([sys.executable, "-c", _PAUSED_ANALYSIS, db_url], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "paused"
    finally:
        proc.kill()
        proc.wait()
    with engine.connect() as conn:
        status = dict(conn.execute(select(db.documents.c.id, db.documents.c.analysis_status)).all())
    assert sorted(status.values()) == ["analyzed"] * 2 + ["pending"] * 4  # the open batch went with the kill
    rerun = subprocess.run([sys.executable, "-m", "claimledger.cli", "analyze", "--db", db_url, "--out", os.devnull],
                           capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert _ledger(engine) == reference
    with engine.connect() as conn:  # each document analysed once: 2 before the kill, 4 by the re-run
        runs = conn.execute(select(db.analysis_runs.c.document_id)).scalars().all()
    assert sorted(runs) == list(range(1, len(REPORTS) + 1))
    assert _clean_audit(engine) == []
    engine.dispose()


WRAPPED = ("Militiamen burned a clinic on the edge of Izmail on Sunday night,\n"
           "killing two guards before fleeing.\n\n"
           "A spokesman for the port authority said drones struck a\n"
           "grain terminal in Izmail overnight, injuring two dockers.\n")


def test_parallel_workers_narrate_by_outlet_and_leave_long_documents_to_the_writer(tmp_path, monkeypatch):
    """Workers get what names the reporter (the outlet) and reflow wrapped text; a long document is analysed
    in parts by the writer (its spooled parts never travel between processes). Same ledger as one process."""
    from claimledger import parts

    monkeypatch.setattr(parts, "LONG_TEXT", 600)  # the writer decides what is long
    monkeypatch.setattr(parts, "PART_CHARS", 400)
    lines = [{"id": "w", "text": WRAPPED, "outlet": "Delta Courier", "published": "2024-03-08"},
             {"id": "long", "text": "\n\n".join(REPORTS[:4]), "published": "2024-03-08"},
             {"id": "s", "text": REPORTS[4], "url": "https://www.example.org/market", "published": "2024-03-08"}]
    f = tmp_path / "mixed.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    ledgers = []
    for name, how in (("one", {}), ("two", {"workers": 2})):
        engine = db.connect(f"sqlite:///{tmp_path / (name + '.db')}")
        ingest.ingest(engine, [str(f)])
        summary = pipeline.analyze(engine, batch_size=2, **how)
        assert summary.documents == 3 and not summary.failed
        assert _clean_audit(engine) == []
        ledgers.append(_ledger(engine))
        engine.dispose()
    assert ledgers[0] == ledgers[1]
    ledger = ledgers[1]
    docs = {d["id"]: d for d in ledger["documents"]}
    long_id = next(i for i, d in docs.items() if len(d["text"]) > 600)
    assert any(s["document_id"] == long_id for s in ledger["statements"])
    for kind in ("statements", "allegations", "places"):
        for record in ledger[kind]:
            text = docs[record["document_id"]]["text"]
            span = record.get("span") or record.get("content")
            if span and "start" in span and "text" in span:
                assert text[span["start"]:span["end"]] == span["text"], record["id"]
    wrapped = next(i for i, d in docs.items() if d["text"] == WRAPPED)
    assert any("dockers" in s["content"]["text"] and "\n" in s["content"]["text"]
               for s in ledger["statements"] if s["document_id"] == wrapped), "one statement over the wrap"
    told = [a for a in ledger["allegations"] if a.get("narrated") and a["document_id"] == wrapped]
    assert told and told[0]["reported_by"] == "Delta Courier" and "\n" in told[0]["span"]["text"]
