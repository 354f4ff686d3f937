"""The workspace app: security middleware (sessions, CSRF, headers) and the routes.

Every route declares the least role it needs through `need(role)`; a route without one is refused when
the app is built, and anonymous requests never reach a route (they are sent to /login)."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.templating import Jinja2Templates

from .. import review
from ..models import ACTS, STATUSES
from . import queries, views
from .auth import ROLES, Throttle, User, allowed, check_password, new_token, same

HERE = Path(__file__).parent
MAX_UPLOAD = 25 * 1024 * 1024
MAX_BODY = MAX_UPLOAD + 64 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin",
           "Cross-Origin-Resource-Policy": "same-origin", "Cache-Control": "no-store"}
PUBLIC = ("/login",)


def need(role: str):
    """A dependency: the logged-in user if their role reaches `role`, else 403. On a write (any method but
    GET/HEAD) the CSRF token of the session must come with it (form field `csrf_token` or header
    X-CSRF-Token), else 403."""
    async def dependency(request: Request) -> User:
        user, csrf = request.state.user, request.state.csrf
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("x-csrf-token")
            if not sent and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")):
                sent = (await request.form()).get("csrf_token")
            if not same(sent if isinstance(sent, str) else None, csrf):
                raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        if not allowed(user.role, role):
            raise HTTPException(403, f"this needs the {role} role; you are {user.role}")
        return user
    dependency.role = role
    return dependency


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=ChainableUndefined)
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1, default=str)
    return Jinja2Templates(env=env)


def create_app(engine, *, secure_cookie: bool = True, session_hours: float = 12.0,
               throttle: Throttle | None = None, address_throttle: Throttle | None = None) -> FastAPI:
    """The workspace over `engine` (a migrated claimledger database). `secure_cookie=False` only for plain
    http on this machine: browsers then send the cookies over http.

    Failed logins are counted per user name (`throttle`) and, more leniently, per client address
    (`address_throttle`): colleagues behind one proxy share an address, and one guesser must not lock
    them all out after five tries."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    templates = _templates()
    throttle = throttle or Throttle()
    address_throttle = address_throttle or Throttle(limit=30)
    cookie = "__Host-claimledger" if secure_cookie else "claimledger"
    login_cookie = cookie + "-login"
    app.state.engine, app.state.throttle = engine, throttle

    def render(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
        ctx.setdefault("user", getattr(request.state, "user", None))
        ctx.setdefault("csrf", getattr(request.state, "csrf", None))
        return templates.TemplateResponse(request, name, {"roles": ROLES, "allowed": allowed, **ctx},
                                          status_code=status)

    def set_cookie(resp: Response, name: str, value: str, max_age: int) -> None:
        resp.set_cookie(name, value, max_age=max_age, path="/", secure=secure_cookie, httponly=True,
                        samesite="strict")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        request.state.user = request.state.csrf = None
        length = request.headers.get("content-length")
        if length is None and request.method not in ("GET", "HEAD", "OPTIONS"):
            # a chunked body has no size to check before it is read (and spooled to disk): browsers send one
            resp = Response("a request body needs a Content-Length", status_code=411)
        elif length and (not length.isdigit() or int(length) > MAX_BODY):
            resp = Response("request too large", status_code=413)
        else:
            found = await run_in_threadpool(_session, engine, request.cookies.get(cookie))
            if found:
                request.state.user, request.state.csrf = found
            path = request.url.path
            if found or path in PUBLIC or path.startswith("/static/"):
                resp = await call_next(request)
            else:
                resp = RedirectResponse("/login", status_code=303)
        for k, v in HEADERS.items():
            resp.headers.setdefault(k, v)
        return resp

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return render(request, "error.html", exc.status_code, message=exc.detail, code=exc.status_code)

    # --- login ---------------------------------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        # double-submit: the form's token must equal this cookie's. An existing one is kept, so a second
        # tab (or a favicon request sent here) does not invalidate the form already shown.
        token = request.cookies.get(login_cookie) or ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
            token = new_token()
        resp = render(request, "login.html", login_csrf=token, error=None)
        set_cookie(resp, login_cookie, token, 3600)
        return resp

    @app.post("/login", response_class=HTMLResponse)
    async def login(request: Request):
        form = await request.form()
        name, password = str(form.get("username") or ""), str(form.get("password") or "")
        if not same(str(form.get("csrf_token") or ""), request.cookies.get(login_cookie)):
            raise HTTPException(403, "missing or wrong CSRF token: reload the login page and try again")
        user_key, address = f"user:{name.lower()}", f"ip:{request.client.host if request.client else '?'}"
        wait = max(throttle.wait(user_key), address_throttle.wait(address))
        if wait > 0:
            token = new_token()
            resp = render(request, "login.html", 429, login_csrf=token,
                          error=f"Too many failed logins: try again in {int(wait) + 1} seconds.")
            resp.headers["Retry-After"] = str(int(wait) + 1)
            set_cookie(resp, login_cookie, token, 3600)
            return resp
        user = await run_in_threadpool(_login, engine, name, password, session_hours, request.cookies.get(cookie))
        if user is None:
            throttle.failure(user_key)
            address_throttle.failure(address)
            token = new_token()
            resp = render(request, "login.html", 401, login_csrf=token, error="Wrong user name or password.")
            set_cookie(resp, login_cookie, token, 3600)
            return resp
        throttle.success(user_key)
        resp = RedirectResponse("/queue", status_code=303)
        set_cookie(resp, cookie, user, int(session_hours * 3600))  # a fresh session id at every login
        resp.delete_cookie(login_cookie, path="/", secure=secure_cookie, httponly=True, samesite="strict")
        return resp

    @app.post("/logout")
    def logout(request: Request, user=_dep(need("viewer"))):
        with engine.begin() as conn:
            queries.close_session(conn, request.cookies.get(cookie))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(cookie, path="/", secure=secure_cookie, httponly=True, samesite="strict")
        return resp

    # --- reading -------------------------------------------------------------------------------------------

    @app.get("/")
    def home(user=_dep(need("viewer"))):
        return RedirectResponse("/queue", status_code=303)

    @app.get("/queue", response_class=HTMLResponse)
    def queue(request: Request, user=_dep(need("viewer"))):
        f = _queue_filter(request.query_params)
        with engine.connect() as conn:
            rows, after = queries.queue_page(conn, f)
            recs = queries.page_records(conn, [r["id"] for r in rows])
        items = [_queue_item(r, recs) for r in rows]
        params = {k: v for k, v in request.query_params.items() if k != "after" and v}
        next_url = "/queue?" + urlencode({**params, "after": after}) if after else None
        first_url = "/queue?" + urlencode(params) if f.after else None
        partial = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "results"
        return render(request, "queue_results.html" if partial else "queue.html", items=items, f=f,
                      statuses=STATUSES, acts=ACTS, next_url=next_url, first_url=first_url)

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse)
    def incident(request: Request, incident_id: str, user=_dep(need("viewer"))):
        with engine.connect() as conn:
            page = _incident_page(conn, incident_id)
        return render(request, "incident.html", statuses=STATUSES, **page)

    @app.get("/evidence/{sha256}")
    def evidence(sha256: str, user=_dep(need("viewer"))):
        with engine.connect() as conn:
            row = queries.evidence_file(conn, sha256)
        if row is None:
            raise HTTPException(404, "no stored file with that hash")
        name = "".join(c for c in (row.original_name or "evidence") if c.isalnum() or c in "._-")[:100] or "evidence"
        # always a download, never rendered: an uploaded HTML file must not run as this site
        return Response(bytes(row.content), media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # --- review (analysts) ----------------------------------------------------------------------------------

    def review_action(request: Request, incident_id: str, form, action):
        """Run one review function in a transaction; a stale version is a 409 page with both versions."""
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

    @app.post("/incidents/{incident_id}/status")
    async def set_status(request: Request, incident_id: str, user=_dep(need("analyst"))):
        form = await request.form()
        version = _version(form)
        return await run_in_threadpool(review_action, request, incident_id, form, lambda conn: review.set_status(
            conn, incident_id, str(form.get("status") or ""), str(form.get("rationale") or ""), user.name, version))

    @app.post("/incidents/{incident_id}/merge")
    async def merge(request: Request, incident_id: str, user=_dep(need("analyst"))):
        form = await request.form()
        version = _version(form)
        sources = [s for s in str(form.get("sources") or "").replace(",", " ").split() if s]
        return await run_in_threadpool(review_action, request, incident_id, form, lambda conn: review.merge(
            conn, incident_id, sources, str(form.get("rationale") or ""), user.name, version))

    @app.post("/incidents/{incident_id}/split")
    async def split(request: Request, incident_id: str, user=_dep(need("analyst"))):
        form = await request.form()
        version = _version(form)
        moving = [str(x) for x in form.getlist("allegation")]
        return await run_in_threadpool(review_action, request, incident_id, form, lambda conn: review.split(
            conn, incident_id, moving, str(form.get("rationale") or ""), user.name, version))

    @app.post("/incidents/{incident_id}/evidence")
    async def attach(request: Request, incident_id: str, user=_dep(need("analyst"))):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise HTTPException(400, "choose a file to attach")
        content = await upload.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise HTTPException(413, f"evidence files are limited to {MAX_UPLOAD // (1024 * 1024)} MiB")
        name = "".join(c for c in Path(upload.filename).name if c.isalnum() or c in "._- ")[:120].strip() or "upload"
        with tempfile.TemporaryDirectory(prefix="claimledger-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(content)
            return await run_in_threadpool(review_action, request, incident_id, form, lambda conn: review.attach_evidence(
                conn, path, "incident", incident_id, user.name))

    # --- users (admins) -------------------------------------------------------------------------------------

    @app.get("/admin/users", response_class=HTMLResponse)
    def users(request: Request, user=_dep(need("admin"))):
        with engine.connect() as conn:
            return render(request, "users.html", users=queries.list_users(conn), error=None)

    @app.post("/admin/users")
    async def add_user(request: Request, user=_dep(need("admin"))):
        form = await request.form()
        try:
            with engine.begin() as conn:
                queries.add_user(conn, str(form.get("name") or ""), str(form.get("role") or ""),
                                 str(form.get("password") or ""))
        except queries.AccountError as exc:
            with engine.connect() as conn:
                return render(request, "users.html", 400, users=queries.list_users(conn), error=str(exc))
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{name}/role")
    async def set_role(request: Request, name: str, user=_dep(need("admin"))):
        form = await request.form()
        try:
            with engine.begin() as conn:
                queries.set_role(conn, name, str(form.get("role") or ""))
        except queries.AccountError as exc:
            raise HTTPException(400, str(exc))
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{name}/disabled")
    async def set_disabled(request: Request, name: str, user=_dep(need("admin"))):
        form = await request.form()
        if name == user.name:
            raise HTTPException(400, "you cannot disable your own account")
        try:
            with engine.begin() as conn:
                queries.set_disabled(conn, name, str(form.get("disabled") or "") == "1")
        except queries.AccountError as exc:
            raise HTTPException(400, str(exc))
        return RedirectResponse("/admin/users", status_code=303)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _check_every_route_needs_a_role(app)
    return app


def _dep(dependency):
    from fastapi import Depends

    return Depends(dependency)


def _check_every_route_needs_a_role(app: FastAPI) -> None:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path not in PUBLIC:
            if not any(hasattr(d.call, "role") for d in route.dependant.dependencies):
                raise RuntimeError(f"route {route.path} declares no role: add user=_dep(need(ROLE))")


def route_role(route: APIRoute) -> str | None:
    """The role a route needs (None for the public login routes)."""
    return next((d.call.role for d in route.dependant.dependencies if hasattr(d.call, "role")), None)


def _session(engine, token):
    if not token:
        return None
    with engine.connect() as conn:
        return queries.session_user(conn, token)


def _login(engine, name: str, password: str, hours: float, old_token: str | None) -> str | None:
    """The new session's cookie token, or None for a wrong name or password. A session the browser
    already had ends: one login, one live session id."""
    with engine.connect() as conn:
        user, stored = queries.password_hash(conn, name)
    if not check_password(stored, password) or user is None:
        return None
    with engine.begin() as conn:
        queries.close_session(conn, old_token)
        return queries.open_session(conn, user, hours)[0]


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
