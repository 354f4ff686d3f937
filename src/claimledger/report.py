"""The self-contained HTML report: a map of incidents coloured by status, a timeline, filters, a search
box, and each incident's allegations with their source sentences highlighted at the stored character
offsets; allegations outside any incident are listed under their document.

One file, no network: Leaflet, Leaflet.markercluster, the Natural Earth country outlines (GeoJSON, the
base map in place of tiles) and the place labels are inlined from `static/` (filled by
`scripts/vendor.py`). Only the labels inside the ledger's area (its bounding box plus a margin) travel, the
biggest towns first, at most MAX_PLACES of them. The ledger, outlines and labels travel as JSON inside
`<script type="application/json">` with `<`, `>`, `&`, U+2028 and U+2029 escaped (so neither `</script>`
nor `<!--` can appear), and the page script builds the DOM with `textContent` only. A
Content-Security-Policy allows just the page's own inline scripts (by hash) and no connections.

Permalinks: `report.html#incident-ID` opens an incident, `report.html#review-ID` the assessment a
ClaimReview (export/claimreview.py) was made from.
"""
from __future__ import annotations

import base64
import gc
import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import actors
from .export import LedgerIndex, incident_acts, incident_place
from .vocabulary import STATUS_DISPLAY as STATUSES

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
SCRIPTS = ("leaflet.js", "leaflet.markercluster.js")
STYLES = ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css")
BASEMAP = "countries.geojson"
LABELS = "labels.json"
MAX_PLACES = 3000  # towns labelled, biggest first: ~100 kB however wide the ledger's area
MAX_REGIONS = 800
INDEPENDENT_KINDS = ("independent", "independent_verifier")


class AssetsMissing(FileNotFoundError):
    """The vendored map libraries or base map are not in static/."""


def load_assets(static: Path = STATIC) -> dict[str, str]:
    """The vendored files by name; raises AssetsMissing with the command that makes them."""
    names = (*SCRIPTS, *STYLES, BASEMAP, LABELS)
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


def _perpetrator(a: dict, acronyms) -> tuple[str, list[str]]:
    """Canonical name and aliases of an allegation's perpetrator: its actor record, else the name resolved now
    (a ledger written before actors were canonical lists "Armenian forces" and "Armenia" apart), with
    `acronyms()` the ones its document defines (read once per document, and only when needed)."""
    actor = a.get("perpetrator_actor")
    if not actor and a.get("perpetrator"):
        found = actors.resolve(a["perpetrator"], acronyms())
        actor = {"name": found.name, "aliases": list(found.aliases)} if found else {"name": a["perpetrator"]}
    return (actor or {}).get("name") or "", [x for x in (actor or {}).get("aliases") or [] if x]


def page_data(ledger: dict) -> dict:
    """The compact view the page script reads: records refer to each other by list position."""
    index = LedgerIndex(ledger)
    docs = list(ledger.get("documents") or [])
    texts = [d.get("text") or "" for d in docs]
    doc_pos = {d["id"]: i for i, d in enumerate(docs)}

    @lru_cache(maxsize=None)
    def acronyms_in(pos: int | None):
        return actors.defined_acronyms(texts[pos]) if pos is not None and texts[pos] else None
    stmt_pos, stmts = {}, []
    for s in ledger.get("statements") or []:
        stmt_pos[s.get("id")] = len(stmts)
        sp = s.get("speaker") or {}
        row = [_span(texts, doc_pos, s.get("document_id"), s.get("content")) or [-1, 0, 0, ""],
               sp.get("name") or "", s.get("cue") or "", s.get("quote") or "", s.get("date") or "",
               sp.get("kind") or "", sp.get("side") or "", s.get("reported_by") or ""]
        while len(row) > 5 and not row[-1]:  # kind, side, reported_by: left off when unknown (size at 100k)
            row.pop()
        stmts.append(row)
    alg_pos, algs = {}, []
    for a in ledger.get("allegations") or []:
        alg_pos[a.get("id")] = len(algs)
        cas = a.get("casualties") or {}
        perp, aliases = _perpetrator(a, lambda: acronyms_in(doc_pos.get(a.get("document_id"))))
        rec = {
            "id": a.get("id"), "act": a.get("act") or "other", "perp": perp, "pa": aliases,
            "w": list(dict.fromkeys(n for n in map(_weapon, a.get("weapons") or []) if n)),
            "t": [t.get("name") if isinstance(t, dict) else str(t) for t in a.get("targets") or []],
            "pl": [p.get("name") for p in a.get("places") or [] if p.get("name")],
            "d": a.get("date") or "", "den": bool(a.get("denial")), "doc": doc_pos.get(a.get("document_id"), -1),
            "k": [cas.get("killed_min"), cas.get("killed_max"), cas.get("injured_min"), cas.get("injured_max")],
            "s": [stmt_pos[x] for x in a.get("statement_ids") or [] if x in stmt_pos],
            # the last item is the assessment's ClaimReview identifier, the target of `#review-...` links
            "v": [[v.get("verifier") or "", v.get("status") or "", v.get("weapon_identified") or "",
                   _span(texts, doc_pos, v.get("document_id"), v.get("basis")),
                   [stmt_pos[x] for x in v.get("statement_ids") or [] if x in stmt_pos],
                   str(v.get("id") or f"{v.get('allegation_id')}:{v.get('verifier')}")]
                  for v in index.assessments.get(a.get("id"), [])],
        }
        if a.get("narrated"):  # told by the outlet itself: its own span stands for the statement
            rec.update(nar=True, rb=a.get("reported_by") or "",
                       sp=_span(texts, doc_pos, a.get("document_id"), a.get("span")))
        algs.append(rec)
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
            "an": inc.get("status_source") == "analyst",
            "acts": incident_acts(index, inc), "ev": [e for e in evidence if e[0]],
            "r": inc.get("rationale") or "", "why": _analyst_lines(inc) + list(inc.get("reasoning") or []),
        })
    return {"statuses": list(STATUSES), "independent_kinds": list(INDEPENDENT_KINDS), "incidents": incidents,
            "allegations": algs, "statements": stmts,
            "documents": [{"id": d.get("id"), "title": d.get("title") or "", "outlet": d.get("outlet") or "",
                           "url": d.get("url") or "", "published": d.get("published") or "",
                           "text": d.get("text") or ""} for d in docs]}


def _analyst_lines(inc: dict) -> list[str]:
    """What analysts decided about an incident (each with its rationale), and what they should look at again."""
    return ([f"needs re-review: {r}" for r in inc.get("needs_review") or []]
            + [f"analyst {d.get('kind')} by {d.get('actor')}: {d.get('rationale') or '(no rationale)'}"
               for d in inc.get("decisions") or []])


def ledger_bounds(data: dict) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around the page data's placed incidents, None when none is placed."""
    lats = [i["lat"] for i in data["incidents"] if isinstance(i["lat"], (int, float)) and
            isinstance(i["lon"], (int, float))]
    lons = [i["lon"] for i in data["incidents"] if isinstance(i["lat"], (int, float)) and
            isinstance(i["lon"], (int, float))]
    return (min(lats), min(lons), max(lats), max(lons)) if lats else None


def area_labels(labels: dict | None, bounds: tuple[float, float, float, float] | None) -> dict | None:
    """The labels inside `bounds` widened by a margin (2 degrees plus a quarter of the area's size, so the
    map's first view and a zoom out keep their towns): at most MAX_PLACES towns, biggest first, and
    MAX_REGIONS first-level units. Without placed incidents only the largest towns travel.

    >>> area_labels({"places": [["Big", 50, 30, 9], ["Far", -30, -60, 8]], "regions": [["Oblast", 49, 31]]},
    ...             (49.0, 30.0, 50.0, 31.0))
    {'places': [['Big', 50, 30, 9]], 'regions': [['Oblast', 49, 31]]}
    """
    if not labels:
        return None
    places, regions = labels.get("places") or [], labels.get("regions") or []
    if bounds is None:
        return {"places": places[:200], "regions": []}
    south, west, north, east = bounds
    dlat, dlon = 2 + (north - south) / 4, 2 + (east - west) / 4
    south, north, west, east = south - dlat, north + dlat, west - dlon, east + dlon

    def inside(p):
        return south <= p[1] <= north and west <= p[2] <= east

    return {"places": [p for p in places if inside(p)][:MAX_PLACES],
            "regions": [r for r in regions if inside(r)][:MAX_REGIONS]}


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
    without BASEMAP the map has no country outlines, without LABELS no town or region names."""
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
        page = page_data(ledger)
        labels = script_json(area_labels(json.loads(assets[LABELS]) if assets.get(LABELS) else None,
                                         ledger_bounds(page)))
        data = script_json(page)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(
        title=title, csp=csp, css=css, scripts=scripts, data=data, basemap=basemap, labels=labels,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
