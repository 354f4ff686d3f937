"""The bundled demo corpus through the whole pipeline, as `make demo` runs it, and its report in chromium."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"


def cl(*args):
    proc = subprocess.run([sys.executable, "-m", "claimledger.cli", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{out / 'ledger.db'}"
    cl("ingest", "--db", url, "--published", "2025-04-13", str(DEMO / "kharkiv-market-strike.txt"))
    cl("ingest", "--db", url, str(DEMO))
    cl("analyze", "--db", url, "--out", str(out / "ledger.json"))
    return out, url, json.loads((out / "ledger.json").read_text())


def test_demo_every_input_kind_is_ingested_once(demo):
    _, _, ledger = demo
    kinds = {d["title"]: d for d in ledger["documents"]}
    assert len(ledger["documents"]) == 6  # text, HTML, two feed entries, two JSONL lines
    assert kinds["Researchers verify footage of Kharkiv market strike"]["published"] == "2025-04-14"
    french = next(d for d in ledger["documents"] if d["language"] == "fr")
    assert french["analysis_status"] == "skipped"


def test_demo_ledger_has_statements_allegations_and_incidents(demo):
    _, _, ledger = demo
    texts = {d["id"]: d["text"] for d in ledger["documents"]}
    assert len(ledger["statements"]) >= 10 and ledger["allegations"] and ledger["incidents"]
    for s in ledger["statements"]:
        c = s["content"]
        assert texts[s["document_id"]][c["start"]:c["end"]] == c["text"]
    places = {(i.get("place") or {}).get("name") for i in ledger["incidents"]}
    assert {"Kharkiv", "El Fasher"} <= places


def test_demo_exports_pass_each_formats_own_checks(demo):
    """`make demo`'s exports, each read back by its format's rules (tests/format_checks.py)."""
    from format_checks import check_acled_csv, check_claimreviews, check_geojson, validate_timemap

    out, url, ledger = demo
    for fmt, target in (("acled-csv", "events.csv"), ("geojson", "incidents.geojson"),
                        ("claimreview", "claimreview.jsonld"), ("timemap", "timemap")):
        cl("export", "--db", url, "--format", fmt, "--out", str(out / target))
    rows = check_acled_csv((out / "events.csv").read_text(encoding="utf-8"))
    assert len(rows) == len(ledger["incidents"]) and all(r["admin1"] for r in rows if r["latitude"])
    check_geojson(json.loads((out / "incidents.geojson").read_text(encoding="utf-8")))
    reviews = json.loads((out / "claimreview.jsonld").read_text(encoding="utf-8"))
    check_claimreviews(reviews)
    assert len(reviews) == len(ledger["assessments"])
    tm = validate_timemap({p.name: p.read_text(encoding="utf-8") for p in (out / "timemap").iterdir()})
    assert tm["discarded"] == [] and len(tm["events"]) == len(ledger["incidents"])


@pytest.mark.browser
def test_demo_report_renders_markers_and_timeline(demo, browser, open_report):
    out, url, ledger = demo
    cl("report", "--db", url, "--out", str(out / "report.html"))
    page, seen = open_report(browser, (out / "report.html").read_text(encoding="utf-8"), out)
    assert seen["errors"] == [] and seen["requests"] == [] and seen["dialogs"] == []
    api = "window.claimledgerReport"
    located = [i for i in ledger["incidents"] if (i.get("place") or {}).get("lat") is not None]
    assert page.evaluate(f"{api}.markerCount()") == len(located) > 0
    assert page.evaluate(f"{api}.timelineBins()") > 0
    shot = out / "demo-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"demo report screenshot: {shot}")
    page.close()
