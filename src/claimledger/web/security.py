"""What every request goes through: the session lookup, the redirect of anonymous requests to /login, the
size cap on bodies, the security headers; `need(role)` for each route (role and CSRF token); and the
page rendering every route shares (templates autoescaped)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount
from starlette.templating import Jinja2Templates

from . import queries
from .auth import ROLES, Throttle, User, allowed, same

HERE = Path(__file__).parent
MAX_UPLOAD = 25 * 1024 * 1024
MAX_BODY = MAX_UPLOAD + 64 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin",
           "Cross-Origin-Resource-Policy": "same-origin", "Cache-Control": "no-store"}
PUBLIC = ("/login",)


@dataclass
class Settings:
    """What the routes need besides the request: the database, cookies, login throttles, templates."""
    engine: object
    secure_cookie: bool
    session_hours: float
    throttle: Throttle
    address_throttle: Throttle
    templates: Jinja2Templates

    @property
    def cookie(self) -> str:
        # the __Host- prefix makes browsers refuse the cookie unless Secure, host-only and Path=/
        return "__Host-claimledger" if self.secure_cookie else "claimledger"

    @property
    def login_cookie(self) -> str:
        return self.cookie + "-login"


def settings(request: Request) -> Settings:
    return request.app.state.settings


def templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=ChainableUndefined)
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1, default=str)
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
    ctx.setdefault("user", getattr(request.state, "user", None))
    ctx.setdefault("csrf", getattr(request.state, "csrf", None))
    return settings(request).templates.TemplateResponse(request, name, {"roles": ROLES, "allowed": allowed, **ctx},
                                                        status_code=status)


def set_cookie(request: Request, resp: Response, name: str, value: str, max_age: int) -> None:
    resp.set_cookie(name, value, max_age=max_age, path="/", secure=settings(request).secure_cookie, httponly=True,
                    samesite="strict")


def clear_cookie(request: Request, resp: Response, name: str) -> None:
    resp.delete_cookie(name, path="/", secure=settings(request).secure_cookie, httponly=True, samesite="strict")


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
    return Depends(dependency)


async def guard(request: Request, call_next):
    """The middleware: body size, session, anonymous redirect, headers on every response."""
    request.state.user = request.state.csrf = None
    length = request.headers.get("content-length")
    if length is None and request.method not in ("GET", "HEAD", "OPTIONS"):
        # a chunked body has no size to check before it is read (and spooled to disk): browsers send one
        resp = Response("a request body needs a Content-Length", status_code=411)
    elif length and (not length.isdigit() or int(length) > MAX_BODY):
        resp = Response("request too large", status_code=413)
    else:
        s = settings(request)
        found = await run_in_threadpool(_session, s.engine, request.cookies.get(s.cookie))
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


def _session(engine, token):
    if not token:
        return None
    with engine.connect() as conn:
        return queries.session_user(conn, token)


def route_role(route: APIRoute) -> str | None:
    """The role a route needs (None for the public login routes)."""
    return next((d.call.role for d in route.dependant.dependencies if hasattr(d.call, "role")), None)


def check_every_route_needs_a_role(app: FastAPI) -> None:
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/static":
            continue
        if not isinstance(route, APIRoute):  # a kind of route whose role cannot be read: refuse it
            raise RuntimeError(f"route {route!r} is not a plain APIRoute: its role cannot be checked")
        if route.path not in PUBLIC and route_role(route) is None:
            raise RuntimeError(f"route {route.path} declares no role: add user=need(ROLE)")
