"""Logging in and out: a double-submit CSRF token on the login form, throttled failures, a fresh
server-side session at each login."""
from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from . import queries
from .auth import check_password, new_token, same
from .security import clear_cookie, need, render, set_cookie, settings

router = APIRouter()


def _form(request: Request, status: int = 200, error: str | None = None, token: str | None = None):
    """The login page, with a login CSRF cookie equal to the form's token."""
    token = token or new_token()
    resp = render(request, "login.html", status, login_csrf=token, error=error)
    set_cookie(request, resp, settings(request).login_cookie, token, 3600)
    return resp


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request):
    # an existing login cookie is kept, so a second tab (or a favicon request sent here) does not
    # invalidate the form already shown
    token = request.cookies.get(settings(request).login_cookie) or ""
    return _form(request, token=token if re.fullmatch(r"[A-Za-z0-9_-]{43}", token) else None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request):
    s = settings(request)
    form = await request.form()
    name, password = str(form.get("username") or ""), str(form.get("password") or "")
    if not same(str(form.get("csrf_token") or ""), request.cookies.get(s.login_cookie)):
        raise HTTPException(403, "missing or wrong CSRF token: reload the login page and try again")
    user_key, address = f"user:{name.lower()}", f"ip:{request.client.host if request.client else '?'}"
    wait = max(s.throttle.wait(user_key), s.address_throttle.wait(address))
    if wait > 0:
        resp = _form(request, 429, f"Too many failed logins: try again in {int(wait) + 1} seconds.")
        resp.headers["Retry-After"] = str(int(wait) + 1)
        return resp
    token = await run_in_threadpool(_login, s.engine, name, password, s.session_hours, request.cookies.get(s.cookie))
    if token is None:
        s.throttle.failure(user_key)
        s.address_throttle.failure(address)
        return _form(request, 401, "Wrong user name or password.")
    s.throttle.success(user_key)
    resp = RedirectResponse("/queue", status_code=303)
    set_cookie(request, resp, s.cookie, token, int(s.session_hours * 3600))
    clear_cookie(request, resp, s.login_cookie)
    return resp


@router.post("/logout")
def logout(request: Request, user=need("viewer")):
    s = settings(request)
    with s.engine.begin() as conn:
        queries.close_session(conn, request.cookies.get(s.cookie))
    resp = RedirectResponse("/login", status_code=303)
    clear_cookie(request, resp, s.cookie)
    return resp


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
