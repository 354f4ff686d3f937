"""End to end: ingest, analyse, export; provenance of every span; idempotent re-analysis."""
import json
import subprocess
import sys

from sqlalchemy import select

from claimledger import audit, db, export, ingest, pipeline

ARTICLE = """Shelling damages hospital in river town, officials say
By Petra Lind, Danube Post

The regional governor said on Monday that artillery shelling had damaged the main hospital in Kherson, wounding three nurses.

"They are firing at a hospital full of patients," the governor, Ostap Melnyk, told reporters.

The defence ministry denied that its forces had fired at the town.

Amnesty International said it had verified two videos showing the damaged hospital wing.
"""


def spans(obj, path=""):
    """Every {start, end, text} object in a record, with where it was found."""
    if isinstance(obj, dict):
        if {"start", "end"} <= obj.keys() and isinstance(obj.get("start"), int):
            yield path, obj
        for k, v in obj.items():
            yield from spans(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from spans(v, f"{path}[{i}]")


def analysed(engine, tmp_path, text=ARTICLE, published="2024-06-04"):
    f = tmp_path / "doc.jsonl"
    f.write_text(json.dumps({"id": "t1", "text": text, "title": "t", "published": published}) + "\n")
    ingest.ingest(engine, [str(f)])
    summary = pipeline.analyze(engine)
    return summary, export.ledger_json(engine)


def test_pipeline_every_span_is_the_stored_slice(engine, tmp_path):
    summary, ledger = analysed(engine, tmp_path)
    assert summary.documents == 1 and not summary.failed
    assert ledger["statements"], "the article has attributed statements"
    text = ledger["documents"][0]["text"]
    assert text == ARTICLE
    checked = 0
    for kind in ("statements", "allegations", "assessments", "places"):
        for record in ledger[kind]:
            for where, span in spans(record):
                name = span.get("text", span.get("name"))
                assert text[span["start"]:span["end"]] == name, f"{kind} {record.get('id')}{where}"
                checked += 1
    assert checked >= len(ledger["statements"])


def test_pipeline_reanalysis_is_idempotent_and_keeps_analyst_edits(engine, tmp_path):
    _, first = analysed(engine, tmp_path)
    edited_id = first["statements"][0]["id"]
    with engine.begin() as conn:
        row = conn.execute(select(db.statements.c.data).where(db.statements.c.id == edited_id)).scalar_one()
        row = dict(row, cue="analyst-corrected")
        conn.execute(db.statements.update().where(db.statements.c.id == edited_id).values(data=row, edited=True))
    pipeline.analyze(engine)
    second = export.ledger_json(engine)
    assert [s["id"] for s in second["statements"]] == [s["id"] for s in first["statements"]]
    kept = next(s for s in second["statements"] if s["id"] == edited_id)
    assert kept["cue"] == "analyst-corrected"
    others = lambda ledger: [s for s in ledger["statements"] if s["id"] != edited_id]
    assert others(second) == others(first)
    with engine.connect() as conn:
        runs = conn.execute(select(db.analysis_runs.c.extractor_version)).scalars().all()
    assert runs == [pipeline.EXTRACTOR_VERSION] * 2


def test_pipeline_non_english_is_skipped_with_language(engine, tmp_path):
    text = ("Le gouverneur de la région a déclaré lundi que des bombardements avaient endommagé l'hôpital "
            "principal de la ville et blessé trois infirmières.")
    summary, ledger = analysed(engine, tmp_path, text=text)
    assert summary.documents == 0
    (doc,) = ledger["documents"]
    assert doc["analysis_status"] == "skipped" and doc["language"] == "fr"
    assert "fr" in doc["analysis_note"]
    assert ledger["statements"] == []


def test_pipeline_analyze_cli_writes_the_contract(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"id": "ext-9", "text": ARTICLE, "title": "Shelling", "published": "2024-06-04",
                             "outlet": "Danube Post"}) + "\n")
    out = tmp_path / "ledger.json"
    proc = subprocess.run([sys.executable, "-m", "claimledger.cli", "analyze", str(f), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ledger = json.loads(out.read_text())
    assert ledger["schema"] == "claimledger/ledger@1"
    assert set(ledger) >= {"documents", "statements", "allegations", "assessments", "incidents", "places"}
    (doc,) = ledger["documents"]
    assert doc["external_id"] == "ext-9" and doc["published"] == "2024-06-04" and doc["outlet"] == "Danube Post"
    for s in ledger["statements"]:
        assert s["document_id"] == doc["id"]
        assert doc["text"][s["content"]["start"]:s["content"]["end"]] == s["content"]["text"]


def test_pipeline_long_document_is_chunked_with_exact_offsets(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "LONG_TEXT", 400)  # force chunking on a short text
    text = (ARTICLE + "\n") * 3
    summary, ledger = analysed(engine, tmp_path, text=text)
    assert summary.documents == 1 and not summary.failed
    assert len(ledger["statements"]) >= 3
    late = [s for s in ledger["statements"] if s["content"]["start"] > 2 * len(ARTICLE)]
    assert late, "statements from the last chunk are found"
    for s in ledger["statements"]:
        assert text[s["content"]["start"]:s["content"]["end"]] == s["content"]["text"]


REPORTS = [  # three reports the machine clusters as one strike; an analyst knows the third is another event
    "The regional governor said Russian forces shelled the central market in Kherson on Tuesday, killing three "
    "civilians.",
    "Police said Russian artillery shelled a market in Kherson on Tuesday, killing three people.",
    "Local officials said Russian drones struck a bakery in Kherson on Tuesday, injuring two women.",
]


def test_pipeline_analyst_decisions_survive_reanalysis_of_every_document(engine, tmp_path):
    from claimledger import review

    f = tmp_path / "docs.jsonl"
    f.write_text("".join(json.dumps({"id": f"r{i}", "text": t, "published": "2024-06-05"}) + "\n"
                         for i, t in enumerate(REPORTS)))
    ingest.ingest(engine, [str(f)])
    pipeline.analyze(engine)
    photo = tmp_path / "bakery.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of a bakery")
    with engine.begin() as conn:
        assert review.show(conn, "I.D1.A1")["allegation_ids"] == ["D1.A1", "D2.A1", "D3.A1"]
        new = review.split(conn, "I.D1.A1", ["D3.A1"], "a bakery hit by drones, not the market", "ana")
        review.set_status(conn, "I.D1.A1", "insufficient_evidence", "no footage of the market", "ana")
        sha = review.attach_evidence(conn, photo, "incident", new, "ana")
    pipeline.analyze(engine)  # what `analyze --all` does: every document again, then re-clustering
    ledger = export.ledger_json(engine)
    incs = {i["id"]: i for i in ledger["incidents"]}
    assert {i: x["allegation_ids"] for i, x in incs.items()} == {"I.D1.A1": ["D1.A1", "D2.A1"], new: ["D3.A1"]}
    assert (incs["I.D1.A1"]["status"], incs["I.D1.A1"]["rationale"]) == ("insufficient_evidence",
                                                                         "no footage of the market")
    assert [e["sha256"] for e in incs[new]["evidence"]] == [sha]
    assert [d["rationale"] for d in incs[new]["decisions"]] == ["a bakery hit by drones, not the market", ""]
    assert [(d["kind"], d["needs_review"]) for d in ledger["decisions"]] == [("split", []), ("status", []),
                                                                             ("evidence", [])]
    from claimledger import audit

    with engine.connect() as conn:  # every rewrite of the incidents went through the audit log
        assert audit.verify(conn) == [] and audit.verify_records(conn) == []


def test_pipeline_a_document_that_fails_in_a_batch_is_marked_and_the_others_stored(engine, tmp_path, monkeypatch):
    f = tmp_path / "three.jsonl"
    f.write_text("".join(json.dumps({"id": f"v{i}", "text": ARTICLE.replace("three nurses", f"{n} nurses"),
                                     "published": "2024-06-04"}) + "\n" for i, n in enumerate(("two", "four", "five"))))
    ingest.ingest(engine, [str(f)])
    real = pipeline.analyze_parsed

    def flawed(spacy_doc, document_id, published):
        if document_id == 3:
            raise ValueError("a stage broke")
        result = real(spacy_doc, document_id, published)
        if document_id == 2:  # two statements with one id: the database refuses the batch holding them
            result.statements[1].id = result.statements[0].id
        return result

    monkeypatch.setattr(pipeline, "analyze_parsed", flawed)
    summary = pipeline.analyze(engine, batch_size=3)
    assert summary.documents == 1
    reasons = dict(summary.failed)
    assert reasons[3] == "ValueError: a stage broke" and reasons[2].startswith("could not store: IntegrityError")
    with engine.connect() as conn:
        status = dict(conn.execute(select(db.documents.c.id, db.documents.c.analysis_status)).all())
        stored = set(conn.execute(select(db.statements.c.document_id)).scalars())
        assert audit.verify(conn) + audit.verify_records(conn) == []
    assert status == {1: "analyzed", 2: "failed", 3: "failed"} and stored == {1}
