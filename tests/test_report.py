"""The HTML report's HTML side: data embedding, escaping, CSP and the compact page data (no browser)."""
from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re

import pytest

from claimledger import report
from test_export import small_ledger

STUB_ASSETS = {n: f"/* {n} */" for n in (*report.SCRIPTS, *report.STYLES)}
PAYLOAD = '"><img src=x onerror=alert(1)></script><script>alert(2)</script><!-- & \u2028\u2029'


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="ledger-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_report_script_json_escapes_html_and_line_separators():
    text = report.script_json({"t": PAYLOAD})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == {"t": PAYLOAD}


def test_report_render_keeps_payloads_inside_the_json_script():
    ledger = small_ledger()
    ledger["documents"][0]["title"] = PAYLOAD
    ledger["statements"][0]["speaker"]["name"] = PAYLOAD
    ledger["incidents"][0]["place"]["name"] = PAYLOAD
    html = report.render(ledger, assets=STUB_ASSETS, title=PAYLOAD)
    assert "<img src=x" not in html and "<script>alert" not in html
    # the page title went through Jinja's autoescape
    assert "<title>&#34;&gt;&lt;img src=x" in html
    data = _data(html)
    assert data["documents"][0]["title"] == PAYLOAD and data["statements"][0][1] == PAYLOAD
    assert data["incidents"][0]["p"] == PAYLOAD


def test_report_csp_allows_exactly_the_inline_scripts():
    html = report.render(small_ledger(), assets=STUB_ASSETS)
    csp = html_lib.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == len(report.SCRIPTS) + 1
    hashes = set(re.findall(r"'sha256-([^']+)'", csp))
    assert hashes == {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts}
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline'" not in csp.split("style-src")[0]


def test_report_page_data_spans_slice_document_text():
    ledger = small_ledger()
    data = report.page_data(ledger)
    texts = [d["text"] for d in data["documents"]]
    for stmt, original in zip(data["statements"], ledger["statements"]):
        doc, start, end = stmt[0]
        assert texts[doc][start:end] == original["content"]["text"]
    basis = data["allegations"][0]["v"][0][3]
    assert texts[basis[0]][basis[1]:basis[2]] == ledger["assessments"][0]["basis"]["text"]
    inc = {i["id"]: i for i in data["incidents"]}
    assert inc["I1"]["ev"] == [["ab" * 32, ""]] and inc["I1"]["acts"] == ["shelling"]
    assert inc["I3"]["lat"] is None and [data["allegations"][a]["id"] for a in inc["I3"]["a"]] == ["D2.A1"]


def test_report_page_data_falls_back_to_span_text_when_offsets_drift():
    ledger = small_ledger()
    content = ledger["statements"][0]["content"]
    ledger["statements"][0]["content"] = dict(content, start=content["start"] + 1, end=content["end"] + 1)
    stmt = report.page_data(ledger)["statements"][0]
    assert stmt[0] == [-1, 0, 0, content["text"]]


def test_report_rejects_assets_that_close_their_element():
    bad = dict(STUB_ASSETS, **{"leaflet.js": "var s = '</script>';"})
    with pytest.raises(ValueError):
        report.render(small_ledger(), assets=bad)


def test_report_load_assets_names_the_vendor_step(tmp_path):
    with pytest.raises(report.AssetsMissing, match="vendor"):
        report.load_assets(tmp_path)
