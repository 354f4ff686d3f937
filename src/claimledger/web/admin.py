"""Accounts, for admins: list, add, change a role, disable."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from . import queries
from .security import need, render, settings

router = APIRouter()


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, user=need("admin")):
    with settings(request).engine.connect() as conn:
        return render(request, "users.html", users=queries.list_users(conn), error=None)


@router.post("/admin/users")
async def add_user(request: Request, user=need("admin")):
    form = await request.form()
    engine = settings(request).engine
    try:
        with engine.begin() as conn:
            queries.add_user(conn, str(form.get("name") or ""), str(form.get("role") or ""),
                             str(form.get("password") or ""), actor=user.name)
    except queries.AccountError as exc:
        with engine.connect() as conn:
            return render(request, "users.html", 400, users=queries.list_users(conn), error=str(exc))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/role")
async def set_role(request: Request, name: str, user=need("admin")):
    form = await request.form()
    try:
        with settings(request).engine.begin() as conn:
            queries.set_role(conn, name, str(form.get("role") or ""), actor=user.name)
    except queries.AccountError as exc:
        raise HTTPException(400, str(exc))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/disabled")
async def set_disabled(request: Request, name: str, user=need("admin")):
    form = await request.form()
    if name == user.name:
        raise HTTPException(400, "you cannot disable your own account")
    try:
        with settings(request).engine.begin() as conn:
            queries.set_disabled(conn, name, str(form.get("disabled") or "") == "1", actor=user.name)
    except queries.AccountError as exc:
        raise HTTPException(400, str(exc))
    return RedirectResponse("/admin/users", status_code=303)
