"""The self-contained HTML report: a map of incidents coloured by status, a timeline, filters, and each
incident's allegations with their source sentences highlighted at the stored character offsets.

One file, no network: Leaflet, Leaflet.markercluster and the Natural Earth country outlines (GeoJSON, the
base map in place of tiles) are inlined from `static/` (filled by `scripts/vendor.py`); the ledger and the
outlines travel as JSON inside `<script type="application/json">` with `<`, `>`, `&`, U+2028 and U+2029
escaped, and the page script builds the DOM with `textContent` only. A Content-Security-Policy allows just
the page's own inline scripts (by hash) and no connections.
"""
from __future__ import annotations

import base64
import gc
import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .export import LedgerIndex, incident_acts, incident_place

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
SCRIPTS = ("leaflet.js", "leaflet.markercluster.js")
STYLES = ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css")
BASEMAP = "countries.geojson"
STATUSES = ("corroborated", "partially_corroborated", "alleged", "insufficient_evidence", "disputed", "refuted")


class AssetsMissing(FileNotFoundError):
    """The vendored map libraries or base map are not in static/."""


def load_assets(static: Path = STATIC) -> dict[str, str]:
    """The vendored files by name; raises AssetsMissing with the command that makes them."""
    names = (*SCRIPTS, *STYLES, BASEMAP)
    missing = [n for n in names if not (static / n).is_file()]
    if missing:
        raise AssetsMissing(f"{', '.join(missing)} not in {static}: run `npm ci && python scripts/vendor.py` "
                            "(or `make vendor`)")
    return {n: (static / n).read_text(encoding="utf-8") for n in names}


def script_json(obj) -> str:
    """JSON safe to place inside a <script> element: no `<`, `>`, `&` or JS line separators survive raw."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _span(texts: list[str], pos: dict, doc_id, span: dict | None) -> list | None:
    """[doc index, start, end] when the span slices its document's text exactly, else [-1, 0, 0, text]."""
    if not span or span.get("start") is None:
        return None
    i = pos.get(doc_id)
    text = span.get("text") or ""
    if i is not None and texts[i][span["start"]:span["end"]] == text:
        return [i, span["start"], span["end"]]
    return [-1, 0, 0, text]


def _weapon(w) -> str:
    if isinstance(w, dict):
        return w.get("kb_id") or w.get("name") or ""
    return str(w)


def page_data(ledger: dict) -> dict:
    """The compact view the page script reads: records refer to each other by list position."""
    index = LedgerIndex(ledger)
    docs = list(ledger.get("documents") or [])
    texts = [d.get("text") or "" for d in docs]
    doc_pos = {d["id"]: i for i, d in enumerate(docs)}
    stmt_pos, stmts = {}, []
    for s in ledger.get("statements") or []:
        stmt_pos[s.get("id")] = len(stmts)
        sp = s.get("speaker") or {}
        stmts.append([_span(texts, doc_pos, s.get("document_id"), s.get("content")) or [-1, 0, 0, ""],
                      sp.get("name") or "", s.get("cue") or "", s.get("quote") or "", s.get("date") or ""])
    alg_pos, algs = {}, []
    for a in ledger.get("allegations") or []:
        alg_pos[a.get("id")] = len(algs)
        cas = a.get("casualties") or {}
        algs.append({
            "id": a.get("id"), "act": a.get("act") or "other", "perp": a.get("perpetrator") or "",
            "w": list(dict.fromkeys(n for n in map(_weapon, a.get("weapons") or []) if n)),
            "t": [t.get("name") if isinstance(t, dict) else str(t) for t in a.get("targets") or []],
            "pl": [p.get("name") for p in a.get("places") or [] if p.get("name")],
            "d": a.get("date") or "", "den": bool(a.get("denial")),
            "k": [cas.get("killed_min"), cas.get("killed_max"), cas.get("injured_min"), cas.get("injured_max")],
            "s": [stmt_pos[x] for x in a.get("statement_ids") or [] if x in stmt_pos],
            "v": [[v.get("verifier") or "", v.get("status") or "", v.get("weapon_identified") or "",
                   _span(texts, doc_pos, v.get("document_id"), v.get("basis")),
                   [stmt_pos[x] for x in v.get("statement_ids") or [] if x in stmt_pos]]
                  for v in index.assessments.get(a.get("id"), [])],
        })
    incidents = []
    for inc in ledger.get("incidents") or []:
        place = incident_place(index, inc)
        evidence = [[e.get("sha256"), e.get("original_name") or ""] if isinstance(e, dict) else [str(e), ""]
                    for e in inc.get("evidence") or []]
        incidents.append({
            "id": inc.get("id"), "st": inc.get("status") or "alleged", "d": inc.get("date") or "",
            "p": place.get("name") or "", "lat": place.get("lat"), "lon": place.get("lon"),
            "a": [alg_pos[x] for x in inc.get("allegation_ids") or [] if x in alg_pos],
            "cc": [alg_pos[x] for x in inc.get("counter_claims") or [] if x in alg_pos],
            "acts": incident_acts(index, inc), "ev": [e for e in evidence if e[0]],
            "r": inc.get("rationale") or "", "why": list(inc.get("reasoning") or []),
        })
    return {"statuses": list(STATUSES), "incidents": incidents, "allegations": algs, "statements": stmts,
            "documents": [{"id": d.get("id"), "title": d.get("title") or "", "outlet": d.get("outlet") or "",
                           "url": d.get("url") or "", "published": d.get("published") or "",
                           "text": d.get("text") or ""} for d in docs]}


@contextmanager
def _no_gc():
    """Pause the cycle collector: building 100k-incident page data triggers many useless collections
    (these structures hold no reference cycles)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render(ledger: dict, *, assets: dict[str, str] | None = None, title: str = "claimledger report") -> str:
    """The report as one HTML string. `assets` (file name -> text) defaults to the vendored static files;
    without BASEMAP the map has no country outlines."""
    assets = load_assets() if assets is None else assets
    own_js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    own_css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    scripts = [assets.get(n, "") for n in SCRIPTS] + [own_js]
    css = "\n".join([*(assets.get(n, "") for n in STYLES), own_css])
    # inlined code must not be able to close its own element early
    if any("</script" in s.lower() or "<!--" in s for s in scripts) or "</style" in css.lower():
        raise ValueError("an inlined asset contains </script>, <!-- or </style>")
    csp = ("default-src 'none'; script-src " + " ".join(_csp_hash(s) for s in scripts) +
           "; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")
    # re-serialised through script_json so the outlines' text cannot end their element either
    basemap = script_json(json.loads(assets[BASEMAP]) if assets.get(BASEMAP) else None)
    with _no_gc():
        data = script_json(page_data(ledger))
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(
        title=title, csp=csp, css=css, scripts=scripts, data=data, basemap=basemap,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
