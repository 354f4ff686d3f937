"""The workspace app: `create_app(engine)` puts the security middleware (sessions, CSRF, headers) in front
of the routes of `login`, `pages` and `admin`.

Every route declares the least role it needs through `need(role)`; a route without one is refused when
the app is built, and anonymous requests never reach a route (they are sent to /login)."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import admin, login, pages
from .auth import Throttle
from .security import HERE, Settings, check_every_route_needs_a_role, guard, render, route_role, templates

__all__ = ["create_app", "route_role"]


def create_app(engine, *, secure_cookie: bool = True, session_hours: float = 12.0,
               throttle: Throttle | None = None, address_throttle: Throttle | None = None) -> FastAPI:
    """The workspace over `engine` (a migrated claimledger database). `secure_cookie=False` only for plain
    http on this machine: browsers then send the cookies over http.

    Failed logins are counted per user name (`throttle`) and, more leniently, per client address
    (`address_throttle`): colleagues behind one proxy share an address, and one guesser must not lock
    them all out after five tries."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = Settings(engine, secure_cookie, session_hours, throttle or Throttle(),
                                  address_throttle or Throttle(limit=30), templates())
    app.middleware("http")(guard)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return render(request, "error.html", exc.status_code, message=exc.detail, code=exc.status_code)

    for module in (login, pages, admin):
        # the routes themselves, not include_router's wrapper: each stays an APIRoute whose role the check
        # below (and the tests' authorisation matrix) can read
        app.router.routes.extend(module.router.routes)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    check_every_route_needs_a_role(app)
    return app
