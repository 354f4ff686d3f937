"""End to end: ingest, analyse, export; provenance of every span; idempotent re-analysis."""
import json
import subprocess
import sys

from sqlalchemy import select

from claimledger import audit, db, export, ingest, parts, pipeline

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
    monkeypatch.setattr(parts, "LONG_TEXT", 400)  # force chunking on a short text
    monkeypatch.setattr(parts, "PART_CHARS", 600)
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

    def flawed(spacy_doc, document_id, published, reported_by=None):
        if document_id == 3:
            raise ValueError("a stage broke")
        result = real(spacy_doc, document_id, published, reported_by)
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


WIRE = ("    Gunmen stormed a police post on the outskirts of Port\n"
        "    Harcourt on Sunday night, killing four officers and\n"
        "    wounding two others before fleeing into the creeks.\n"
        "\n"
        "    A police spokesman said the attackers had burned two\n"
        "    patrol vehicles parked outside the post.\n")


def test_pipeline_wrapped_wire_copy_is_narrated_with_exact_offsets(engine, tmp_path):
    f = tmp_path / "wire.jsonl"
    f.write_text(json.dumps({"id": "w1", "text": WIRE, "outlet": "Gulf Wire", "published": "2024-06-04"}) + "\n")
    ingest.ingest(engine, [str(f)])
    pipeline.analyze(engine)
    ledger = export.ledger_json(engine)
    text = ledger["documents"][0]["text"]
    assert text == WIRE
    told = [a for a in ledger["allegations"] if a.get("narrated")]
    assert told and told[0]["reported_by"] == "Gulf Wire" and told[0]["statement_ids"] == []
    assert told[0]["act_span"]["text"] == "stormed" and "\n" in told[0]["span"]["text"]  # one sentence over the wraps
    assert told[0]["casualties"]["killed_min"] == 4
    for kind in ("statements", "allegations", "places"):
        for record in ledger[kind]:
            for where, span in spans(record):
                assert text[span["start"]:span["end"]] == span.get("text", span.get("name")), f"{kind}{where}"
    # the spokesman's sentence, wrapped too, is one statement
    assert any("patrol vehicles" in s["content"]["text"] for s in ledger["statements"])


def test_pipeline_ledger_names_perpetrators_canonically_and_keeps_aliases(engine, tmp_path):
    text = ("Valley fighters shell river port\n\n"
            "The Valley Defence Front (VDF) has held the ridge above Kherson since spring.\n\n"
            "The regional governor said VDF fighters shelled the port of Kherson on Monday, wounding two dockers.\n")
    _, ledger = analysed(engine, tmp_path, text)
    (alg,) = [a for a in ledger["allegations"] if a.get("perpetrator") and not a.get("narrated")]  # not the headline
    assert alg["perpetrator"] == "Valley Defence Front"
    assert alg["perpetrator_actor"]["name"] == "Valley Defence Front" and "VDF" in alg["perpetrator_actor"]["aliases"]
    assert alg["perpetrator_actor"]["kind"] == "party"
    ids = [s["id"] for s in ledger["statements"]]
    assert len(set(ids)) == len(ids), "ids run on across parts"
    assert all(sid in set(ids) for a in ledger["allegations"] for sid in a["statement_ids"])
    for kind in ("statements", "allegations", "assessments", "places"):
        for record in ledger[kind]:
            for where, span in spans(record):
                assert text[span["start"]:span["end"]] == span.get("text", span.get("name")), f"{record['id']}{where}"


# ---- a document that fails is marked failed, and costs nothing else ------------------------------------------

CURSED = "Quillmoor"  # a made-up town: the documents naming it make the monkeypatched stage fail


def _ingest_three(engine, tmp_path, cursed_text=None):
    lines = [{"id": "a", "text": ARTICLE, "published": "2024-06-04"},
             {"id": "b", "text": cursed_text or ARTICLE.replace("Kherson", CURSED), "published": "2024-06-04"},
             {"id": "c", "text": ARTICLE.replace("Monday", "Tuesday").replace("three", "four"),
              "published": "2024-06-04"}]
    f = tmp_path / "three.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines))
    ingest.ingest(engine, [str(f)])
    with engine.connect() as conn:
        return dict(conn.execute(select(db.documents.c.external_id, db.documents.c.id)).all())


def _status(engine):
    with engine.connect() as conn:
        return {r.id: (r.analysis_status, r.analysis_note) for r in conn.execute(
            select(db.documents.c.id, db.documents.c.analysis_status, db.documents.c.analysis_note))}


def _incident_count(engine):
    with engine.connect() as conn:
        return len(conn.execute(select(db.incidents.c.id)).all())


def test_pipeline_a_stage_raising_marks_only_its_document_failed(engine, tmp_path, monkeypatch):
    ids = _ingest_three(engine, tmp_path)
    real = pipeline.statements.extract

    def extract(doc, *args, **kwargs):
        if CURSED in doc.text:
            raise MemoryError()
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(pipeline.statements, "extract", extract)
    summary = pipeline.analyze(engine)
    assert summary.documents == 2 and [d for d, _ in summary.failed] == [ids["b"]]
    status = _status(engine)
    assert status[ids["b"]] == ("failed", "MemoryError")
    assert status[ids["a"]][0] == status[ids["c"]][0] == "analyzed"
    assert summary.incidents >= 1 and _incident_count(engine) == summary.incidents, "incidents were rebuilt"
    again = pipeline.analyze(engine)  # a re-run of everything meets the same failure and goes on
    assert [d for d, _ in again.failed] == [ids["b"]] and again.incidents == summary.incidents
    pending = pipeline.analyze(engine, only_pending=True)  # the failed one is not pending: nothing to do
    assert pending.documents == 0 and not pending.failed and pending.incidents == summary.incidents


class _ParserFailingOn:
    """The statements model, except that parsing a text naming CURSED raises (as a parse running out of
    memory or recursion depth would), inside a batch or alone."""

    def __init__(self, nlp, exc):
        self.nlp, self.exc = nlp, exc

    def __call__(self, text):
        if CURSED in text:
            raise self.exc
        return self.nlp(text)

    def pipe(self, items, **kwargs):
        for text, context in items:
            yield self(text), context


def test_pipeline_a_failed_parse_inside_a_batch_costs_only_its_document(engine, tmp_path, monkeypatch):
    ids = _ingest_three(engine, tmp_path)
    nlp = pipeline.statements.pipeline()
    monkeypatch.setattr(pipeline.statements, "pipeline", lambda: _ParserFailingOn(nlp, RecursionError("too deep")))
    summary = pipeline.analyze(engine, batch_size=8)
    assert summary.documents == 2 and summary.failed == [(ids["b"], "RecursionError: too deep")]
    status = _status(engine)
    assert status[ids["b"]] == ("failed", "RecursionError: too deep")
    assert status[ids["a"]][0] == status[ids["c"]][0] == "analyzed", "the documents after it in the batch too"
    assert _incident_count(engine) >= 1


def test_pipeline_a_long_document_failing_in_a_later_part_is_marked_failed(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "LONG_TEXT", 1000)
    monkeypatch.setattr(parts, "PART_CHARS", 700)
    long_text = (ARTICLE + "\n") * 2 + ARTICLE.replace("Kherson", CURSED)
    ids = _ingest_three(engine, tmp_path, cursed_text=long_text)
    nlp = pipeline.statements.pipeline()
    monkeypatch.setattr(pipeline.statements, "pipeline", lambda: _ParserFailingOn(nlp, MemoryError()))
    summary = pipeline.analyze(engine)
    assert [d for d, _ in summary.failed] == [ids["b"]] and summary.documents == 2
    ledger = export.ledger_json(engine)
    assert not [s for s in ledger["statements"] if s["document_id"] == ids["b"]], "no part of it is stored"
    assert _status(engine)[ids["b"]] == ("failed", "MemoryError")
