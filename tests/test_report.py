"""The HTML report's HTML side: data embedding, escaping, CSP and the compact page data (no browser)."""
from __future__ import annotations

import base64
import hashlib
import html as html_lib
import importlib.util
import json
import re
from pathlib import Path

import pytest

from claimledger import report

PAYLOAD = '"><img src=x onerror=alert(1)></script><script>alert(2)</script><!-- & \u2028\u2029'
SQUARE = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
STUB_BASEMAP = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": PAYLOAD}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}]}
STUB_ASSETS = {**{n: f"/* {n} */" for n in (*report.SCRIPTS, *report.STYLES)},
               report.BASEMAP: json.dumps(STUB_BASEMAP)}
VENDOR = Path(__file__).resolve().parents[1] / "scripts" / "vendor.py"


def _vendor_module():
    spec = importlib.util.spec_from_file_location("claimledger_vendor", VENDOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _inside(lon: float, lat: float, ring: list) -> bool:
    """Even-odd ray casting: is the point inside the closed ring?"""
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def _data(html: str, element: str = "ledger-data") -> dict:
    m = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_report_script_json_escapes_html_and_line_separators():
    text = report.script_json({"t": PAYLOAD})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == {"t": PAYLOAD}


def test_report_render_keeps_payloads_inside_the_json_script(small_ledger):
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
    assert _data(html, "basemap-data") == STUB_BASEMAP


def test_report_json_in_html_cannot_end_its_element_or_open_a_comment(small_ledger):
    ledger = small_ledger()
    ledger["documents"][0]["title"] = "a</SCRIPT ><!-- <script>b"
    html = report.render(ledger, assets=STUB_ASSETS)
    body = html.split('id="ledger-data">', 1)[1].split("</script>", 1)[0]
    assert "<!--" not in body and "<" not in body
    assert json.loads(body)["documents"][0]["title"] == "a</SCRIPT ><!-- <script>b"  # the whole value stayed inside


def test_report_render_without_basemap_embeds_null(small_ledger):
    assets = {n: t for n, t in STUB_ASSETS.items() if n != report.BASEMAP}
    assert _data(report.render(small_ledger(), assets=assets), "basemap-data") is None


def test_report_csp_allows_exactly_the_inline_scripts(small_ledger):
    html = report.render(small_ledger(), assets=STUB_ASSETS)
    csp = html_lib.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == len(report.SCRIPTS) + 1
    hashes = set(re.findall(r"'sha256-([^']+)'", csp))
    assert hashes == {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts}
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline'" not in csp.split("style-src")[0]


def test_report_page_data_spans_slice_document_text(small_ledger):
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


def test_report_page_data_falls_back_to_span_text_when_offsets_drift(small_ledger):
    ledger = small_ledger()
    content = ledger["statements"][0]["content"]
    ledger["statements"][0]["content"] = dict(content, start=content["start"] + 1, end=content["end"] + 1)
    stmt = report.page_data(ledger)["statements"][0]
    assert stmt[0] == [-1, 0, 0, content["text"]]


def test_report_rejects_assets_that_close_their_element(small_ledger):
    bad = dict(STUB_ASSETS, **{"leaflet.js": "var s = '</script>';"})
    with pytest.raises(ValueError):
        report.render(small_ledger(), assets=bad)


def test_report_load_assets_names_the_vendor_step(tmp_path):
    with pytest.raises(report.AssetsMissing, match="vendor"):
        report.load_assets(tmp_path)


def test_report_vendor_topojson_decodes_quantized_shared_and_reversed_arcs():
    # two unit squares sharing the edge x=1: arc 0 is that edge (up), the right square walks it reversed (~0)
    topology = {
        "type": "Topology", "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [[[2, 0], [0, 4]],                          # (11,20) -> (11,21)
                 [[2, 4], [-2, 0], [0, -4], [2, 0]],        # (11,21) -> (10,21) -> (10,20) -> (11,20)
                 [[2, 0], [2, 0], [0, 4], [-2, 0]]],        # (11,20) -> (12,20) -> (12,21) -> (11,21)
        "objects": {"c": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
            {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "properties": {"name": "East"}},
            {"type": "Point", "coordinates": [0, 0]}]}}}
    fc = _vendor_module().topojson_features(topology, "c")
    west, east = fc["features"]
    assert west["properties"]["name"] == "West" and west["geometry"]["type"] == "Polygon"
    assert west["geometry"]["coordinates"] == [[[11, 20], [11, 21], [10, 21], [10, 20], [11, 20]]]
    assert east["geometry"] == {"type": "Polygon",
                                "coordinates": [[[11, 20], [12, 20], [12, 21], [11, 21], [11, 20]]]}


def test_report_vendor_topojson_unwraps_rings_across_the_antimeridian():
    topology = {"type": "Topology", "arcs": [
        [[179, 60], [-180, 60], [-179, 61], [-180, 62], [179, 62], [179, 60]],   # an island cut at 180
        [[-180, -80], [0, -70], [180, -80], [-180, -80]],                       # a ring around the south pole
    ], "objects": {"c": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]]}, {"type": "Polygon", "arcs": [[1]]}]}}}
    island, pole = _vendor_module().topojson_features(topology, "c")["features"]
    assert island["geometry"]["coordinates"] == [[[179, 60], [180, 60], [181, 61], [180, 62], [179, 62], [179, 60]]]
    ring = pole["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] == [-180, -80] and [180, -90] in ring and [-180, -90] in ring
    assert all(abs(a[0] - b[0]) <= 360 for a, b in zip(ring, ring[1:]))


def test_report_vendored_basemap_puts_the_small_ledger_in_ukraine(small_ledger):
    path = report.STATIC / report.BASEMAP
    if not path.is_file():
        pytest.skip("run `make vendor` for the base map")
    assert path.stat().st_size < 300_000
    fc = json.loads(path.read_text(encoding="utf-8"))
    assert len(fc["features"]) > 150
    def countries(lon, lat):
        found = []
        for f in fc["features"]:
            g = f["geometry"]
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            if any(_inside(lon, lat, p[0]) and not any(_inside(lon, lat, h) for h in p[1:]) for p in polys):
                found.append(f["properties"]["name"])
        return found
    for inc in small_ledger()["incidents"]:
        if inc["place"]:
            assert countries(inc["place"]["lon"], inc["place"]["lat"]) == ["Ukraine"]
    assert countries(2.35, 48.86) == ["France"] and countries(-30.0, 30.0) == []
    # Lesotho is a hole in South Africa, not part of it
    assert countries(27.48, -29.31) == ["Lesotho"]


def test_report_page_data_shows_each_decision_and_what_needs_re_review(small_ledger):
    ledger = small_ledger()
    ledger["incidents"][0].update(
        decisions=[{"id": 1, "kind": "merge", "actor": "ana", "rationale": "same crater"},
                   {"id": 2, "kind": "merge", "actor": "ben", "rationale": "same market"}],
        needs_review=["decision 1 (merge by ana): D9.A1 joined since the decision"])
    why = report.page_data(ledger)["incidents"][0]["why"]
    assert why[:3] == ["needs re-review: decision 1 (merge by ana): D9.A1 joined since the decision",
                       "analyst merge by ana: same crater", "analyst merge by ben: same market"]


def test_report_area_labels_keep_the_ledgers_area_biggest_first():
    labels = {"places": [["Big", 50.0, 36.0, 900], ["Near", 47.5, 34.0, 500], ["Far", -33.9, 18.4, 800],
                         ["Small", 50.1, 36.1, 20]],
              "regions": [["Oblast", 49.5, 36.5], ["Cape", -33.0, 19.0]]}
    got = report.area_labels(labels, (49.0, 36.0, 50.0, 37.0))
    assert got == {"places": [["Big", 50.0, 36.0, 900], ["Near", 47.5, 34.0, 500], ["Small", 50.1, 36.1, 20]],
                   "regions": [["Oblast", 49.5, 36.5]]}
    many = {"places": [[f"T{i}", 50.0, 36.0, 10_000 - i] for i in range(report.MAX_PLACES + 50)], "regions": []}
    kept = report.area_labels(many, (49.0, 36.0, 50.0, 37.0))["places"]
    assert len(kept) == report.MAX_PLACES and kept[0][0] == "T0"
    assert report.area_labels(labels, None)["regions"] == [] and report.area_labels(None, (0, 0, 1, 1)) is None


def test_report_render_embeds_only_the_area_labels_escaped(small_ledger):
    labels = {"places": [[PAYLOAD, 49.9, 36.2, 10], ["Lima", -12.0, -77.0, 9]], "regions": []}
    html = report.render(small_ledger(), assets=dict(STUB_ASSETS, **{report.LABELS: json.dumps(labels)}))
    assert "<img src=x" not in html
    assert _data(html, "labels-data") == {"places": [[PAYLOAD, 49.9, 36.2, 10]], "regions": []}


def test_report_page_data_carries_sides_narration_decisions_and_review_ids(small_ledger):
    ledger = small_ledger()
    ledger["statements"][0]["speaker"]["side"] = "Ukraine"
    ledger["incidents"][0].update(status_source="analyst", counter_claims=["D1.A2"])
    text = ledger["documents"][1]["text"]
    ledger["allegations"].append({"id": "D2.A5", "document_id": 2, "statement_ids": [], "act": "looting",
                                  "narrated": True, "reported_by": "Field Post", "places": [],
                                  "span": {"start": 0, "end": 9, "text": text[:9]}})
    data = report.page_data(ledger)
    stmt = data["statements"][0]
    assert stmt[5:7] == ["party", "Ukraine"] and data["statements"][1][5] == "independent_verifier"
    inc = data["incidents"][0]
    assert inc["an"] is True and [data["allegations"][a]["id"] for a in inc["cc"]] == ["D1.A2"]
    assert data["incidents"][1]["an"] is False
    narrated = data["allegations"][-1]
    assert narrated["nar"] and narrated["rb"] == "Field Post" and narrated["sp"] == [1, 0, 9]
    assert data["documents"][narrated["doc"]]["id"] == 2
    assert data["allegations"][0]["v"][0][5] == "D1.V1"  # the ClaimReview identifier, for #review-D1.V1


def test_report_vendored_labels_name_the_small_ledgers_towns():
    path = report.STATIC / report.LABELS
    if not path.is_file():
        pytest.skip("run `make vendor` for the labels")
    assert path.stat().st_size < 2_000_000
    labels = json.loads(path.read_text(encoding="utf-8"))
    pops = [p[3] for p in labels["places"]]
    assert pops == sorted(pops, reverse=True)
    near = [p[0] for p in labels["places"] if abs(p[1] - 49.99) < 0.1 and abs(p[2] - 36.23) < 0.1]
    assert "Kharkiv" in near
    assert any(abs(r[1] - 49.5) < 1.5 and abs(r[2] - 36.5) < 1.5 for r in labels["regions"])


def test_report_actor_filter_lists_one_canonical_name_per_actor(small_ledger):
    """A state, its forces and its demonym are one entry; the aliases stay in the allegation's detail."""
    ledger = small_ledger()
    algs = ledger["allegations"]
    algs[0]["perpetrator"], algs[1]["perpetrator"] = "Georgian forces", "Georgian"  # written before canonical actors
    algs[2]["perpetrator"] = "Georgia"
    algs[2]["perpetrator_actor"] = {"name": "Georgia", "type": "government", "kind": "party",
                                    "aliases": ["Georgian army"], "side": "Georgia"}
    data = report.page_data(ledger)
    assert {a["perp"] for a in data["allegations"]} == {"Georgia"}
    assert "Georgian forces" in data["allegations"][0]["pa"] and data["allegations"][2]["pa"] == ["Georgian army"]


def test_report_page_data_lists_counter_claims_apart(small_ledger):
    ledger = small_ledger()
    inc = ledger["incidents"][0]
    alg_ids = [a["id"] for a in ledger["allegations"]]
    inc["counter_claims"] = [inc["allegation_ids"][0]]
    data = report.page_data(ledger)
    assert data["incidents"][0]["cc"] == [alg_ids.index(inc["allegation_ids"][0])]
