"""The pages: the review queue, an incident, evidence downloads, and the analysts' review actions (each a
call to claimledger.review in one transaction, with the logged-in user as the actor)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import review
from ..models import ACTS, STATUSES
from . import queries, security, views
from .security import need, render, settings

router = APIRouter()


@router.get("/")
def home(user=need("viewer")):
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, user=need("viewer")):
    f = _queue_filter(request.query_params)
    with settings(request).engine.connect() as conn:
        rows, after = queries.queue_page(conn, f)
        recs = queries.page_records(conn, [r["id"] for r in rows])
    items = [_queue_item(r, recs) for r in rows]
    params = {k: v for k, v in request.query_params.items() if k != "after" and v}
    next_url = "/queue?" + urlencode({**params, "after": after}) if after else None
    first_url = "/queue?" + urlencode(params) if f.after else None
    partial = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "results"
    return render(request, "queue_results.html" if partial else "queue.html", items=items, f=f,
                  statuses=STATUSES, acts=ACTS, next_url=next_url, first_url=first_url)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident(request: Request, incident_id: str, user=need("viewer")):
    with settings(request).engine.connect() as conn:
        page = _incident_page(conn, incident_id)
    return render(request, "incident.html", statuses=STATUSES, **page)


@router.get("/evidence/{sha256}")
def evidence(request: Request, sha256: str, user=need("viewer")):
    with settings(request).engine.connect() as conn:
        row = queries.evidence_file(conn, sha256)
    if row is None:
        raise HTTPException(404, "no stored file with that hash")
    name = "".join(c for c in (row.original_name or "evidence") if c.isalnum() or c in "._-")[:100] or "evidence"
    # always a download, never rendered: an uploaded HTML file must not run as this site
    return Response(bytes(row.content), media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- review (analysts) ----------------------------------------------------------------------------------

def _review(request: Request, incident_id: str, form, action):
    """Run one review function in a transaction; a stale version is a 409 page with both versions."""
    engine = settings(request).engine
    try:
        with engine.begin() as conn:
            action(conn)
    except review.StaleVersion as exc:
        with engine.connect() as conn:
            current = review.show(conn, incident_id)
            last = (queries.audit_entries(conn, incident_id, [], limit=1) or [None])[-1]
        mine = {k: v for k, v in form.multi_items() if k != "csrf_token"}
        return render(request, "conflict.html", 409, message=str(exc), current=current, mine=mine,
                      incident_id=incident_id, last=last)
    except review.ReviewError as exc:
        raise HTTPException(400, str(exc))
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/incidents/{incident_id}/status")
async def set_status(request: Request, incident_id: str, user=need("analyst")):
    form = await request.form()
    version = _version(form)
    return await run_in_threadpool(_review, request, incident_id, form, lambda conn: review.set_status(
        conn, incident_id, str(form.get("status") or ""), str(form.get("rationale") or ""), user.name, version))


@router.post("/incidents/{incident_id}/merge")
async def merge(request: Request, incident_id: str, user=need("analyst")):
    form = await request.form()
    version = _version(form)
    sources = [s for s in str(form.get("sources") or "").replace(",", " ").split() if s]
    return await run_in_threadpool(_review, request, incident_id, form, lambda conn: review.merge(
        conn, incident_id, sources, str(form.get("rationale") or ""), user.name, version))


@router.post("/incidents/{incident_id}/split")
async def split(request: Request, incident_id: str, user=need("analyst")):
    form = await request.form()
    version = _version(form)
    moving = [str(x) for x in form.getlist("allegation")]
    return await run_in_threadpool(_review, request, incident_id, form, lambda conn: review.split(
        conn, incident_id, moving, str(form.get("rationale") or ""), user.name, version))


@router.post("/incidents/{incident_id}/evidence")
async def attach(request: Request, incident_id: str, user=need("analyst")):
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise HTTPException(400, "choose a file to attach")
    cap = security.MAX_UPLOAD
    content = await upload.read(cap + 1)
    if len(content) > cap:
        raise HTTPException(413, f"evidence files are limited to {cap // (1024 * 1024)} MiB")
    name = "".join(c for c in Path(upload.filename).name if c.isalnum() or c in "._- ")[:120].strip() or "upload"
    with tempfile.TemporaryDirectory(prefix="claimledger-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        return await run_in_threadpool(_review, request, incident_id, form, lambda conn: review.attach_evidence(
            conn, path, "incident", incident_id, user.name, str(form.get("rationale") or "") or None))


def _version(form) -> int | None:
    raw = str(form.get("version") or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise HTTPException(400, f"version {raw!r} is not a number")
    return int(raw)


def _queue_filter(params) -> queries.QueueFilter:
    doc = (params.get("document") or "").strip()
    if doc and not doc.isdigit():
        raise HTTPException(400, f"document {doc!r}: give a document id (a number)")
    get = lambda k: (params.get(k) or "").strip()[:200]
    reviewed = get("reviewed") or "no"
    if reviewed not in ("no", "yes", "any"):
        raise HTTPException(400, "reviewed: no, yes or any")
    return queries.QueueFilter(status=get("status"), reviewed=reviewed, actor=get("actor"), act=get("act"),
                               place=get("place"), date_from=get("date_from"), date_to=get("date_to"),
                               document=int(doc) if doc else None, after=get("after"), q=get("q"))


def _queue_item(row: dict, recs: dict) -> dict:
    data = row["data"] or {}
    algs = [recs["allegations"][a] for a in recs["members"].get(row["id"], []) if a in recs["allegations"]]
    stmts = [recs["statements"][s] for a in algs for s in a.get("statement_ids") or [] if s in recs["statements"]]
    asmts = [x for a in algs for x in recs["assessments"].get(a.get("id"), [])]
    return {"id": row["id"], "status": row["status"], "status_source": row["status_source"],
            "version": row["version"], "place": (data.get("place") or {}).get("name"), "date": data.get("date"),
            "acts": sorted({a.get("act") for a in algs if a.get("act")}),
            "actors": sorted({a.get("perpetrator") for a in algs if a.get("perpetrator")}),
            "allegations": len(algs),
            "reasons": views.reasons({**data, "status": row["status"]}, algs, stmts, asmts, row["status_source"])}


def _incident_page(conn, incident_id: str) -> dict:
    try:
        inc = review.show(conn, incident_id)
    except review.ReviewError:
        raise HTTPException(404, f"no incident {incident_id!r}")
    recs = queries.page_records(conn, [incident_id])
    algs = [recs["allegations"][a] for a in recs["members"][incident_id] if a in recs["allegations"]]
    doc_ids = sorted({d for d in [a.get("document_id") for a in algs] + [s.get("document_id") for s in
                      recs["statements"].values()] if d is not None})
    docs = queries.documents(conn, doc_ids)

    def source(sid: str) -> dict | None:
        s = recs["statements"].get(sid)
        if s is None:
            return None
        doc = docs.get(s.get("document_id")) or {}
        c = s.get("content") or {}
        return {"id": sid, "speaker": (s.get("speaker") or {}).get("name"), "side": views.side_of(s),
                "cue": s.get("cue"), "document": doc,
                "excerpt": views.excerpt(doc.get("text") or "", int(c.get("start") or 0), int(c.get("end") or 0),
                                         c.get("text"))}

    allegations = []
    for a in algs:
        findings = []
        for v in recs["assessments"].get(a.get("id"), []):
            basis = v.get("basis") or {}
            doc = docs.get(v.get("document_id")) or {}
            findings.append({**v, "excerpt": views.excerpt(doc.get("text") or "", int(basis.get("start") or 0),
                                                           int(basis.get("end") or 0), basis.get("text"))
                             if basis and doc else None})
        allegations.append({**a, "sources": [x for x in map(source, a.get("statement_ids") or []) if x],
                            "findings": findings})
    history = queries.audit_entries(conn, incident_id, recs["members"][incident_id])
    for h in history:
        change = dict(h["change"]) if isinstance(h["change"], dict) else {"change": h["change"]}
        h["records"] = len(change.pop("state", None) or {})
        h["summary"] = change
    return {"inc": inc, "allegations": allegations,
            "reasons": views.reasons(inc, algs, [s for a in algs for s in
                                                 [recs["statements"].get(x) for x in a.get("statement_ids") or []]
                                                 if s], [x for a in algs for x in recs["assessments"].get(a["id"], [])],
                                     inc["status_source"]),
            "history": history}
