"""The TimeMap export, checked with a port of TimeMap's own validators (tests/format_checks.py)."""
from __future__ import annotations

import json

from claimledger import export
from format_checks import validate_timemap


def _files(ledger):
    return export.FORMATS["timemap"].render(ledger)


def test_export_timemap_writes_three_files_timemap_accepts(small_ledger):
    tm = validate_timemap(_files(small_ledger()))
    assert tm["discarded"] == []
    assert {e["id"] for e in tm["events"]} == {"I1", "I2", "I3"}


def test_export_timemap_dates_in_the_default_format(small_ledger):
    events = {e["id"]: e for e in json.loads(_files(small_ledger())["events.json"])}
    assert export.TIMEMAP_DATE_FMT == "MM/DD/YYYY"
    assert (events["I1"]["date"], events["I1"]["time_precision"], events["I1"]["time"]) == ("03/05/2024", "day", "")
    assert (events["I2"]["date"], events["I2"]["time_precision"], events["I2"]["time_display"]) == (
        "02/15/2024", "month", "February 2024")
    assert events["I1"]["latitude"] == "49.9935" and events["I3"]["latitude"] == ""
    assert "act/shelling" in events["I1"]["associations"] and "status/corroborated" in events["I1"]["associations"]


def test_export_timemap_keeps_undated_events_with_their_possible_range(small_ledger):
    ledger = small_ledger()
    ledger["incidents"][2]["date"] = None
    ledger["allegations"][2]["date"] = None
    tm = validate_timemap(_files(ledger))
    assert tm["discarded"] == []
    i3 = next(e for e in tm["events"] if e["id"] == "I3")
    assert (i3["date"], i3["time_precision"]) == ("03/03/2024", "undated")
    assert i3["time_display"] == "date not reported, on or before 2024-03-03"
    assert "date/undated" in i3["associations"]


def test_export_timemap_sources_carry_url_and_title_and_drop_script_links(small_ledger):
    ledger = small_ledger()
    ledger["documents"][1]["url"] = "javascript:alert(document.cookie)"
    sources = validate_timemap(_files(ledger))["sources"]
    assert sources["doc-1"]["url"] == "https://news.example.org/a1"
    assert sources["doc-1"]["title"] == "Market shelled in Kharkiv" and sources["doc-1"]["paths"] == []
    assert sources["doc-2"]["url"] == ""


def test_export_timemap_validator_port_rejects_what_timemap_rejects(small_ledger):
    """The ported rules fail on the old one-file shape: ISO dates, unknown keys, an event with no date."""
    files = _files(small_ledger())
    events = json.loads(files["events.json"])
    events[0]["date"] = "2024-03-05"
    events[1]["undated"] = True
    events[2].update(date="", time="")
    sources = json.loads(files["sources.json"])
    del sources["doc-1"]["paths"]
    tm = validate_timemap({**files, "events.json": json.dumps(events), "sources.json": json.dumps(sources)})
    errors = {(kind, str(i)): str(e) for kind, i, e in tm["discarded"]}
    assert "Invalid date" in errors[("events", "I1")]
    assert '"undated" is not allowed' in errors[("events", "I2")]
    assert "dropped" in errors[("events", "I3")]
    assert '"paths" is required' in errors[("sources", "doc-1")]
    assert tm["events"] == []


def test_export_timemap_marks_analyst_decisions(small_ledger):
    ledger = small_ledger()
    ledger["incidents"][0]["status_source"] = "analyst"
    tm = validate_timemap(_files(ledger))
    i1 = next(e for e in tm["events"] if e["id"] == "I1")
    assert "review/analyst" in i1["associations"]
    assert i1["comments"] == "analyst: verified by an independent organisation"
