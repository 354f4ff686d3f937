"""The workspace's security: every route × every role, CSRF, throttled logins, cookies, headers, sessions."""
from __future__ import annotations

import itertools

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from claimledger import db
from claimledger.web.app import route_role
from claimledger.web.auth import Throttle

from web_fixtures import (PASSWORD, ROLE_USERS, app_for, cheap_argon2, csrf_of, login, login_token,  # noqa: F401
                          make_client, ws)

ROLES = ("anonymous", "viewer", "analyst", "admin")
_names = itertools.count()


def _form(**kw):
    return {"data": kw}


# (method, route path) -> (request path, request kwargs, {role: expected status}). Writes are sent with the
# session's CSRF token; an allowed role's write succeeds (303) or, where the matrix must not change the
# ledger under the next role, is refused as bad input (400); a refused role gets 403 either way.
EXPECTED = {
    ("GET", "/login"): ("/login", {}, dict(anonymous=200, viewer=200, analyst=200, admin=200)),
    ("POST", "/login"): ("/login", "bad-login", dict(anonymous=401, viewer=401, analyst=401, admin=401)),
    ("POST", "/logout"): ("/logout", {}, dict(anonymous=303, viewer=303, analyst=303, admin=303)),
    ("GET", "/"): ("/", {}, dict(anonymous=303, viewer=303, analyst=303, admin=303)),
    ("GET", "/queue"): ("/queue", {}, dict(anonymous=303, viewer=200, analyst=200, admin=200)),
    ("GET", "/incidents/{incident_id}"): ("/incidents/I.D1.A1", {},
                                         dict(anonymous=303, viewer=200, analyst=200, admin=200)),
    ("GET", "/evidence/{sha256}"): ("/evidence/" + "0" * 64, {}, dict(anonymous=303, viewer=404, analyst=404, admin=404)),
    ("POST", "/incidents/{incident_id}/status"): (
        "/incidents/I.D2.A1/status", _form(status="disputed", rationale="checked the footage"),
        dict(anonymous=303, viewer=403, analyst=303, admin=303)),
    ("POST", "/incidents/{incident_id}/merge"): (
        "/incidents/I.D1.A1/merge", _form(sources="I.nope", rationale="x"),  # unknown source: refused as input
        dict(anonymous=303, viewer=403, analyst=400, admin=400)),
    ("POST", "/incidents/{incident_id}/split"): (
        "/incidents/I.D1.A1/split", _form(allegation="D1.A1", rationale="x"),  # one member: refused as input
        dict(anonymous=303, viewer=403, analyst=400, admin=400)),
    ("POST", "/incidents/{incident_id}/evidence"): (
        "/incidents/I.D1.A1/evidence", {"files": {"file": ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg bytes", "image/jpeg")}},
        dict(anonymous=303, viewer=403, analyst=303, admin=303)),
    ("GET", "/admin/users"): ("/admin/users", {}, dict(anonymous=303, viewer=403, analyst=403, admin=200)),
    ("POST", "/admin/users"): ("/admin/users", "new-user", dict(anonymous=303, viewer=403, analyst=403, admin=303)),
    ("POST", "/admin/users/{name}/role"): ("/admin/users/vera/role", _form(role="viewer"),
                                          dict(anonymous=303, viewer=403, analyst=403, admin=303)),
    ("POST", "/admin/users/{name}/disabled"): ("/admin/users/nobody/disabled", _form(disabled="1"),  # no such user
                                              dict(anonymous=303, viewer=403, analyst=403, admin=400)),
}


def _app_routes(app) -> set[tuple[str, str]]:
    return {(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods}


def _client_as(engine, role: str):
    client = make_client(app_for(engine))
    if role != "anonymous":
        assert login(client, ROLE_USERS[role]).status_code == 303
    return client


def test_web_auth_matrix_covers_every_route_and_role(ws):
    app = app_for(ws)
    assert _app_routes(app) == set(EXPECTED), "a route without an entry in EXPECTED (or an entry without a route)"
    for role in ROLES:
        client = _client_as(ws, role)
        token = csrf_of(client) if role != "anonymous" else "none"
        for (method, _), (path, kw, want) in sorted(EXPECTED.items()):
            if kw == "bad-login":
                kw = _form(username="ana", password="wrong password!", csrf_token=login_token(client))
            elif kw == "new-user":
                kw = _form(name=f"user{next(_names)}", role="viewer", password=PASSWORD)
            if method == "POST" and path != "/login":
                kw = {**kw, "data": {**kw.get("data", {}), "csrf_token": token}}
            if path == "/logout":
                continue  # last: it ends the session (checked below)
            got = client.request(method, path, follow_redirects=False, **kw).status_code
            assert got == want[role], f"{role} {method} {path}: {got}, expected {want[role]}"
        got = client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        assert got == EXPECTED[("POST", "/logout")][2][role]


def test_web_auth_every_write_needs_analyst_or_admin_and_every_route_a_role(ws):
    app = app_for(ws)
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path != "/login":
            role = route_role(route)
            assert role in ("viewer", "analyst", "admin"), route.path
            if route.methods & {"POST", "PUT", "PATCH", "DELETE"} and route.path != "/logout":
                assert role in ("analyst", "admin"), f"{route.path} lets a viewer write"


def test_web_auth_anonymous_is_sent_to_login_even_for_unknown_pages(ws):
    client = make_client(app_for(ws))
    for path in ("/queue", "/nowhere", "/incidents/I.D1.A1", "/admin/users"):
        r = client.get(path, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert client.get("/static/app.css").status_code == 200  # the login page's stylesheet


def test_web_auth_post_without_csrf_token_is_403_and_changes_nothing(ws):
    client = _client_as(ws, "analyst")
    for data in ({}, {"csrf_token": "forged"}):
        r = client.post("/incidents/I.D2.A1/status", data={"status": "refuted", "rationale": "r", **data},
                        follow_redirects=False)
        assert r.status_code == 403
    with ws.connect() as conn:
        assert conn.execute(select(db.incidents.c.status).where(db.incidents.c.id == "I.D2.A1")).scalar() == "alleged"
    # the login form too: no token, or a token that is not the cookie's
    fresh = make_client(app_for(ws))
    assert fresh.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 403
    login_token(fresh)
    r = fresh.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "guess"})
    assert r.status_code == 403


def test_web_auth_failed_logins_are_throttled_per_user_and_per_address(ws):
    now = [1000.0]
    clock = lambda: now[0]  # noqa: E731
    names, addresses = Throttle(limit=3, lockout=60, clock=clock), Throttle(limit=5, lockout=60, clock=clock)
    client = make_client(app_for(ws, throttle=names, address_throttle=addresses))
    for _ in range(3):
        assert login(client, "ana", "not the password").status_code == 401
    r = login(client, "ana")  # the right password, but locked
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "Too many" in r.text
    assert login(client, "vera").status_code == 303  # another name from the same address: not yet
    for _ in range(2):
        assert login(client, "nobody", "not the password").status_code == 401
    assert login(client, "adam").status_code == 429  # five failures from this address: every name waits
    now[0] += 61
    assert login(client, "ana").status_code == 303
    # a failure past the limit doubles the lockout (here the address's, to 120 s; locked logins count no failure)
    for _ in range(4):
        login(client, "vera", "not the password")
    now[0] += 61
    assert login(client, "vera").status_code == 429
    now[0] += 61
    assert login(client, "vera").status_code == 303


def test_web_auth_unknown_user_and_wrong_password_look_the_same(ws):
    client = make_client(app_for(ws))
    a, b = login(client, "nobody", PASSWORD), login(client, "ana", "wrong password!")
    assert a.status_code == b.status_code == 401
    assert "Wrong user name or password" in a.text and "Wrong user name or password" in b.text


def test_web_auth_cookie_flags_and_server_side_session(ws):
    client = make_client(app_for(ws))
    r = login(client, "ana")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-claimledger=")
    for flag in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower()
    token = client.cookies.get("__Host-claimledger")
    with ws.connect() as conn:
        stored = conn.execute(select(db.sessions.c.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 1  # only its hash is kept
    # logging in again replaces the session: the earlier cookie opens nothing
    assert login(client, "ana").status_code == 303
    again = client.cookies.get("__Host-claimledger")
    stale = make_client(app_for(ws))
    stale.cookies.set("__Host-claimledger", token)
    assert again != token and stale.get("/queue", follow_redirects=False).status_code == 303
    token = again
    # logging out ends the session on the server: the old cookie opens nothing
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    thief = make_client(app_for(ws))
    thief.cookies.set("__Host-claimledger", token)
    assert thief.get("/queue", follow_redirects=False).status_code == 303
    plain = make_client(app_for(ws, secure_cookie=False))
    cookie = login(plain, "ana").headers["set-cookie"]
    assert cookie.startswith("claimledger=") and "secure" not in cookie.lower()


def test_web_auth_role_change_ends_sessions(ws):
    admin, vera = _client_as(ws, "admin"), _client_as(ws, "viewer")
    r = admin.post("/admin/users/vera/role", data={"role": "analyst", "csrf_token": csrf_of(admin)},
                   follow_redirects=False)
    assert r.status_code == 303
    with ws.connect() as conn:
        last = conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq.desc())).first()
    assert (last.actor, last.action, last.record_id, last.change) == ("adam", "set_role", "vera",
                                                                      {"from": "viewer", "to": "analyst"})
    assert vera.get("/queue", follow_redirects=False).status_code == 303
    assert login(vera, "vera").status_code == 303
    assert "(analyst)" in vera.get("/queue").text


def test_web_auth_headers_on_pages_errors_and_static(ws):
    client = _client_as(ws, "viewer")
    for path in ("/login", "/queue", "/incidents/I.D1.A1", "/incidents/nope", "/static/app.js", "/admin/users"):
        h = client.get(path).headers
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert h["x-content-type-options"] == "nosniff"


def test_web_auth_pages_have_no_inline_script(ws):
    import re

    client = _client_as(ws, "admin")
    for path in ("/login", "/queue", "/incidents/I.D1.A1", "/admin/users"):
        html = client.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_web_auth_a_disabled_user_is_logged_out_and_cannot_log_in(ws):
    admin, ana = _client_as(ws, "admin"), _client_as(ws, "analyst")
    r = admin.post("/admin/users/ana/disabled", data={"disabled": "1", "csrf_token": csrf_of(admin)},
                   follow_redirects=False)
    assert r.status_code == 303
    assert ana.get("/queue", follow_redirects=False).status_code == 303
    assert login(ana, "ana").status_code == 401
    own = admin.post("/admin/users/adam/disabled", data={"disabled": "1", "csrf_token": csrf_of(admin)})
    assert own.status_code == 400
    admin.post("/admin/users/ana/disabled", data={"disabled": "0", "csrf_token": csrf_of(admin)})
    assert login(ana, "ana").status_code == 303


def test_web_auth_a_route_without_a_role_is_refused_when_the_app_is_built():
    from fastapi import FastAPI

    from claimledger.web.security import check_every_route_needs_a_role, need

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.get("/ok")(lambda user=need("viewer"): "ok")
    check_every_route_needs_a_role(app)
    app.get("/forgotten")(lambda: "open")
    with pytest.raises(RuntimeError, match="/forgotten declares no role"):
        check_every_route_needs_a_role(app)
