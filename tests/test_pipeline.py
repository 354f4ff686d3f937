"""End to end: ingest, analyse, export; provenance of every span; idempotent re-analysis."""
import json
import subprocess
import sys

from sqlalchemy import select

from claimledger import db, export, ingest, pipeline

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


def test_pipeline_ledger_names_perpetrators_canonically_and_keeps_aliases(engine, tmp_path):
    text = ("Valley fighters shell river port\n\n"
            "The Valley Defence Front (VDF) has held the ridge above Kherson since spring.\n\n"
            "The regional governor said VDF fighters shelled the port of Kherson on Monday, wounding two dockers.\n")
    _, ledger = analysed(engine, tmp_path, text)
    (alg,) = [a for a in ledger["allegations"] if a.get("perpetrator")]
    assert alg["perpetrator"] == "Valley Defence Front"
    assert alg["perpetrator_actor"]["name"] == "Valley Defence Front" and "VDF" in alg["perpetrator_actor"]["aliases"]
    assert alg["perpetrator_actor"]["kind"] == "party"
