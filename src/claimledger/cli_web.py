"""`claimledger serve` and `claimledger users ...`: thin wrappers over `claimledger.web`."""
from __future__ import annotations

import getpass
import sys
from typing import Optional

import typer
from rich.console import Console

from . import db

users_app = typer.Typer(help="Workspace accounts: viewer (reads), analyst (edits and reviews), admin (users).",
                        no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)
DbOption = typer.Option(None, "--db", envvar=db.ENV_VAR, help="Database URL or SQLite file [default: ./claimledger.db].")


def _password(name: str) -> str:
    """Asked twice on a terminal; otherwise the first line of stdin (for scripts: `echo "$PW" | ...`)."""
    if sys.stdin is None or not sys.stdin.isatty():
        line = sys.stdin.readline() if sys.stdin else ""
        return line.rstrip("\r\n")
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        err.print("[red]error:[/red] the passwords differ; nothing was changed")
        raise typer.Exit(1)
    return first


def _change_accounts(database: Optional[str], change) -> None:
    """Run `change(conn)` in one transaction; an account error is reported and exits 1, nothing changed."""
    from .web import auth

    engine = db.connect(database)
    try:
        with engine.begin() as conn:
            change(conn)
    except auth.AccountError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    finally:
        engine.dispose()


@users_app.command("add")
def users_add(name: str, role: str = typer.Option(..., "--role", help="viewer | analyst | admin"),
              database: Optional[str] = DbOption) -> None:
    """Add a user; the password is asked for (or read from stdin) and stored as an argon2 hash."""
    from .web import auth, queries

    try:
        auth.check_account(name, role)
    except auth.AccountError as exc:
        raise typer.BadParameter(str(exc))
    password = _password(name)
    _change_accounts(database, lambda conn: queries.add_user(conn, name, role, password, actor=getpass.getuser()))
    err.print(f"added {name} ({role})")


@users_app.command("role")
def users_role(name: str, role: str = typer.Argument(..., help="viewer | analyst | admin"),
               database: Optional[str] = DbOption) -> None:
    """Change a user's role (their open sessions end)."""
    from .web import queries

    _change_accounts(database, lambda conn: queries.set_role(conn, name, role, actor=getpass.getuser()))
    err.print(f"{name} is now {role}")


@users_app.command("disable")
def users_disable(name: str, enable: bool = typer.Option(False, "--enable", help="Enable the account again."),
                  database: Optional[str] = DbOption) -> None:
    """Disable an account (its sessions end at once), or enable it again."""
    from .web import queries

    _change_accounts(database, lambda conn: queries.set_disabled(conn, name, not enable, actor=getpass.getuser()))
    err.print(f"{name} is {'enabled' if enable else 'disabled'}")


def serve(database: Optional[str] = DbOption, host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000, help="Port to listen on."),
          secure_cookie: bool = typer.Option(True, "--secure-cookie/--no-secure-cookie",
                                             help="Mark cookies Secure (HTTPS only). Browsers accept Secure cookies "
                                                  "from http://localhost too; turn off only for plain http "
                                                  "elsewhere on a trusted network.")) -> None:
    """Serve the analyst workspace (review queue, incidents, editing) over the ledger."""
    import uvicorn

    from .web import create_app, queries

    try:
        engine = db.connect_existing(database)
    except db.DatabaseMissing as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    with engine.connect() as conn:
        if not queries.count_users(conn):
            err.print("[yellow]warning[/yellow] no users yet: add one with "
                      "`claimledger users add NAME --role admin --db ...`")
    if not secure_cookie and host not in ("127.0.0.1", "localhost", "::1"):
        err.print("[yellow]warning[/yellow] cookies without Secure on a non-loopback address: sessions can be "
                  "read on the network; put the workspace behind HTTPS instead")
    err.print(f"serving {db.database_url(database)} on http://{host}:{port}/")
    uvicorn.run(create_app(engine, secure_cookie=secure_cookie), host=host, port=port, proxy_headers=False,
                server_header=False, log_level="info")
