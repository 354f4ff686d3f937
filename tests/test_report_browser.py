"""The HTML report in a real browser: Debian's chromium driven by Playwright (marker `browser`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimledger import report

pytestmark = pytest.mark.browser
PAYLOADS = ['"><img src=x onerror="window.__pwned=1;alert(1)">',
            '</script><script>window.__pwned=2;alert(2)</script>',
            "<b onmouseover=alert(3)>bold</b> & \u2028 line"]


def _injected_ledger(ledger: dict) -> dict:
    doc = ledger["documents"][0]
    doc["title"], doc["outlet"] = PAYLOADS[0], PAYLOADS[1]
    # put a payload into the article text and re-point the first statement at it
    doc["text"] += " The spokesman said " + PAYLOADS[1] + "."
    start = doc["text"].index(PAYLOADS[1])
    ledger["statements"][0]["content"] = {"start": start, "end": start + len(PAYLOADS[1]), "text": PAYLOADS[1]}
    ledger["statements"][0]["speaker"]["name"] = PAYLOADS[0]
    alg = ledger["allegations"][0]
    alg["perpetrator"], alg["weapons"] = PAYLOADS[2], [{"name": PAYLOADS[0]}]
    ledger["incidents"][0]["place"]["name"] = PAYLOADS[2]
    ledger["assessments"][0]["verifier"] = PAYLOADS[1]
    return ledger


def test_report_browser_injected_text_shows_literally_and_never_runs(browser, open_report, tmp_path, small_ledger):
    ledger = _injected_ledger(small_ledger())
    content = ledger["statements"][0]["content"]
    assert ledger["documents"][0]["text"][content["start"]:content["end"]] == content["text"]
    page, seen = open_report(browser, report.render(ledger), tmp_path)
    # the hover tooltip shows them as text (hovered first: picking an incident moves the map)
    point = page.evaluate("window.claimledgerReport.markerPoint('I1')")
    page.mouse.move(point["x"], point["y"])
    page.locator(".leaflet-tooltip").wait_for()
    assert "<b onmouseover" in page.locator(".leaflet-tooltip").inner_text()
    page.locator("#list .row").filter(has_text="2024-03-05").first.click()
    detail = page.locator("#detail")
    detail.locator("mark").first.wait_for()
    assert page.evaluate("window.__pwned") is None
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["requests"] == []
    assert page.evaluate("document.querySelectorAll('img, b[onmouseover], #detail script').length") == 0
    text = detail.inner_text()
    for payload in PAYLOADS:
        assert payload.replace("\u2028", " ").split(" ")[0] in text
    assert detail.locator("mark").first.text_content() == PAYLOADS[1]
    assert PAYLOADS[0] in page.locator("#actor-filter, #weapon-filter").all_text_contents()[1]
    # the search box takes the payloads as text too
    page.locator("#search").fill(PAYLOADS[1])
    _until(page, "window.claimledgerReport.shownCount() === 1")
    assert page.evaluate("window.__pwned") is None and seen["dialogs"] == [] and seen["errors"] == []
    assert page.evaluate("document.querySelectorAll('img, b[onmouseover], #detail script').length") == 0
    page.close()


def test_report_browser_small_ledger_map_timeline_and_sources(browser, open_report, tmp_path, small_ledger):
    ledger = small_ledger()
    page, seen = open_report(browser, report.render(ledger), tmp_path)
    assert seen["errors"] == [] and seen["requests"] == []
    api = "window.claimledgerReport"
    assert page.evaluate(f"{api}.markerCount()") == 2  # I3 has no coordinates
    assert page.evaluate(f"{api}.shownCount()") == 3 and page.locator("#list .row").count() == 3
    assert page.evaluate(f"{api}.timelineBins()") > 0
    # markers are drawn on Leaflet's canvas and the two towns are far enough apart not to cluster
    assert page.locator("#map canvas.leaflet-zoom-animated").count() >= 1
    # the inlined country outlines are drawn as SVG paths in their own pane, under the markers' pane
    assert page.locator("#map .leaflet-basemap-pane svg path").count() > 100
    assert page.evaluate("+getComputedStyle(document.querySelector('.leaflet-basemap-pane')).zIndex") < \
        page.evaluate("+getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex")
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").text_content()
    page.locator("#list .row").filter(has_text="Kharkiv").click()
    marks = page.locator("#detail mark")
    marks.first.wait_for()
    statement, basis = ledger["statements"][0]["content"], ledger["assessments"][0]["basis"]
    assert marks.nth(0).text_content() == statement["text"]
    assert marks.nth(1).text_content() == basis["text"]
    assert "ab" * 32 in page.locator("#detail .hash").first.text_content()
    # filtering by status narrows the list, the map and the timeline together
    page.locator("#status-filter input[value=alleged]").uncheck()
    page.wait_for_selector('body[data-ready="1"]', state="attached")
    assert page.evaluate(f"{api}.shownCount()") == 1 and page.evaluate(f"{api}.markerCount()") == 1
    page.locator("#status-filter input[value=alleged]").check()
    assert page.evaluate(f"{api}.shownCount()") == 3 and page.evaluate(f"{api}.markerCount()") == 2
    page.locator("#actor-filter").select_option("Russia")
    assert page.evaluate(f"{api}.shownCount()") == 1 and page.locator("#list .row:visible").count() == 1
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    page.close()


SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
API = "window.claimledgerReport"


def _until(page, expression: str, tries: int = 100) -> None:
    """Poll `expression` (the page's CSP forbids the eval that wait_for_function uses)."""
    for _ in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def _shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path


def _rich_ledger(ledger: dict) -> dict:
    """The small ledger plus: an analyst decision, a party's source, an allegation outside incidents and
    three incidents on one spot (they cluster until the deepest zoom)."""
    ledger["incidents"][0]["status_source"] = "analyst"
    doc = ledger["documents"][0]
    ledger["statements"].append({"id": "D1.S9", "document_id": 1, "cue": "said", "quote": "indirect",
                                 "speaker": {"name": "Regional Army Press Office", "kind": "party", "side": "Ukraine"},
                                 "content": _phrase(doc["text"], "drones struck a grain store")})
    ledger["allegations"][0]["statement_ids"].append("D1.S9")
    ledger["allegations"].append({"id": "D2.A9", "document_id": 2, "statement_ids": ["D2.S1"], "act": "threat",
                                  "perpetrator": "soldiers", "weapons": [], "targets": [], "places": []})
    for n in range(3):
        ledger["allegations"].append(dict(ledger["allegations"][1], id=f"D1.X{n}"))
        ledger["incidents"].append({"id": f"J{n}", "allegation_ids": [f"D1.X{n}"], "status": "alleged",
                                    "date": "2024-02", "place": dict(ledger["incidents"][1]["place"])})
    return ledger


def _phrase(text: str, phrase: str) -> dict:
    start = text.index(phrase)
    return {"start": start, "end": start + len(phrase), "text": phrase}


def test_report_browser_labels_tooltip_and_filtered_view(browser, open_report, tmp_path, small_ledger):
    page, seen = open_report(browser, report.render(_rich_ledger(small_ledger())), tmp_path)
    assert seen["errors"] == [] and seen["requests"] == []
    # town labels from the vendored gazetteer, drawn offline in their own pane
    labels = page.evaluate(f"{API}.labels()")
    assert "Kharkiv" in labels and len(labels) > 10
    assert "GeoNames" in page.locator(".leaflet-control-attribution").text_content()
    _shot(page, "report-labels.png")
    # hovering a marker shows a tooltip with its status, place and acts
    point = page.evaluate(f"{API}.markerPoint('I1')")
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert "Kharkiv" in tip.inner_text() and "corroborated" in tip.inner_text() and "analyst decision" in tip.inner_text()
    assert "3 sources, 1 independent" in tip.inner_text()
    _shot(page, "report-tooltip.png")
    page.mouse.move(5, 5)
    # a search narrows list, map and timeline, and the map refits to what is left
    zoom = page.evaluate(f"{API}.zoom()")
    page.locator("#search").fill("izium")
    _until(page, f"{API}.shownCount() === 4")
    page.wait_for_selector('body[data-ready="1"]', state="attached")
    assert page.evaluate(f"{API}.markerCount()") == 4 and page.evaluate(f"{API}.zoom()") > zoom
    _shot(page, "report-filtered.png")
    page.locator("#search").fill("izium Kharkiv")  # every word must match
    _until(page, f"{API}.shownCount() === 0")
    page.close()


def test_report_browser_picking_an_incident_zooms_to_a_readable_level_and_spreads_its_cluster(
        browser, open_report, tmp_path, small_ledger):
    page, _ = open_report(browser, report.render(_rich_ledger(small_ledger())), tmp_path)
    assert not page.evaluate(f"{API}.markerPoint('J1')")["alone"]
    page.evaluate(f"{API}.select({[i['id'] for i in _rich_ledger(small_ledger())['incidents']].index('J1')}, false)")
    _until(page, f"{API}.markerPoint('J1').alone")
    assert page.evaluate(f"{API}.zoom()") <= 10  # not the deepest zoom (13) on an empty map
    _shot(page, "report-spiderfied.png")
    page.close()


def test_report_browser_sides_orphans_and_permalinks(browser, open_report, tmp_path, small_ledger):
    html = report.render(_rich_ledger(small_ledger()))
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    page.goto(path.as_uri() + "#review-D1.V1")
    page.wait_for_selector('body[data-ready="1"]', state="attached")
    detail = page.locator("#detail")
    # the review's permalink opens its incident, with the assessment marked
    assert page.locator("#detail h2").inner_text().startswith("I1")
    assert page.locator("#review-D1\\.V1.target").count() == 1
    text = detail.inner_text()
    assert "analyst decision" in text
    # the party's press office is a source, but not one independent of the parties
    assert "Sources: 3, of which 1 independent of the parties (Human Rights Watch)" in text
    assert "party: Ukraine" in text
    page.evaluate("location.hash = '#incident-I2'")
    _until(page, "document.querySelector('#detail h2').textContent.startsWith('I2')")
    # an allegation outside every incident is listed under its document
    button = page.locator("#orphans-button")
    assert button.inner_text().startswith("1 allegation outside incidents")
    button.click()
    assert "Men taken from village" in detail.inner_text() and "D2.A9: threat" in detail.inner_text()
    # the search reaches them too
    page.locator("#search").fill("izium")
    _until(page, "document.getElementById('orphans-button').textContent.startsWith('0 of 1 allegation')")
    assert "D2.A9" not in detail.inner_text()
    page.locator("#search").fill("threat soldiers")
    _until(page, "window.claimledgerReport.shownCount() === 0")
    assert button.inner_text().startswith("1 allegation") and "D2.A9: threat" in detail.inner_text()
    page.close()


def test_report_browser_timeline_breaks_the_axis_between_distant_years(browser, open_report, tmp_path, small_ledger):
    ledger = small_ledger()
    ledger["incidents"][0]["date"] = "2008-05-03"
    ledger["incidents"][1]["date"] = "2008-06"
    ledger["incidents"][2]["date"] = "2020-11-20"
    page, _ = open_report(browser, report.render(ledger), tmp_path)
    tl = page.evaluate(f"{API}.timeline()")
    assert [s[:2] for s in tl["segments"]] == [["2008-05-03", "2008-06-01"], ["2020-11-20", "2020-11-20"]]
    assert tl["narrowest"] >= 3  # no 1-px slivers
    _shot(page, "report-timeline-gap.png")
    page.close()
