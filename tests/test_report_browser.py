"""The HTML report in a real browser: Debian's chromium driven by Playwright (marker `browser`)."""
from __future__ import annotations

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
