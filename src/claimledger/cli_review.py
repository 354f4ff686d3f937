"""`claimledger review ...` and `claimledger audit ...`: thin wrappers over the review functions in
`review` and the audit chain in `audit`. Bad input exits 2 (usage) or 1 (refused), and changes nothing."""
from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import audit, db, review
from .models import STATUSES

review_app = typer.Typer(help="Analyst review of incidents: list, show, status, merge, split, attach evidence.",
                         no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log: verify it, read it.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", envvar=db.ENV_VAR, help="Database URL or SQLite file [default: ./claimreview.db].")
AsOption = typer.Option(None, "--as", help="Acting analyst, recorded in the audit log [default: your OS user].")
RationaleOption = typer.Option(None, "--rationale", "-r", help="Why (required; kept in the audit log).")
VersionOption = typer.Option(None, "--expect-version",
                             help="The version you reviewed; the change is refused if someone changed it since.")


def _actor(name: Optional[str]) -> str:
    return name or getpass.getuser()


def _need(rationale: Optional[str]) -> str:
    if not rationale or not rationale.strip():
        raise typer.BadParameter("a rationale is required (--rationale TEXT)", param_hint="--rationale")
    return rationale


def _run(database: Optional[str], action):
    """Run `action(conn)` in one transaction; a refused change rolls back and exits 1 with the reason."""
    engine = db.connect(db.database_url(database))
    try:
        with engine.begin() as conn:
            return action(conn)
    except review.ReviewError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    finally:
        engine.dispose()


@review_app.command("list")
def review_list(all_: bool = typer.Option(False, "--all", help="Every incident, not only those needing review."),
                as_json: bool = typer.Option(False, "--json"), database: Optional[str] = DbOption,
                actor: Optional[str] = AsOption) -> None:
    """Incidents needing review, and why."""
    rows = _run(database, lambda conn: review.needs_review(conn, include_all=all_))
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("id", "status", "by", "v", "place", "date", "allegations", "why")
    for r in rows:
        table.add_row(r["id"], r["status"], r["status_source"], str(r["version"]), r["place"] or "", r["date"] or "",
                      ", ".join(r["allegation_ids"]), "; ".join(r["reasons"]))
    out.print(table)


@review_app.command("show")
def review_show(incident_id: str, database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """One incident as JSON: members, status, reasoning, rationale, version, evidence."""
    out.print_json(json.dumps(_run(database, lambda conn: review.show(conn, incident_id)), default=str))


@review_app.command("status")
def review_status(incident_id: str, status: str = typer.Argument(..., help=" | ".join(STATUSES)),
                  rationale: Optional[str] = RationaleOption, expect_version: Optional[int] = VersionOption,
                  database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Set an incident's status (analyst decision, kept through re-clustering)."""
    if status not in STATUSES:
        raise typer.BadParameter(f"{status!r} is not one of: {', '.join(STATUSES)}", param_hint="STATUS")
    why = _need(rationale)
    v = _run(database, lambda conn: review.set_status(conn, incident_id, status, why, _actor(actor), expect_version))
    out.print(f"{incident_id}: {status} (version {v})")


@review_app.command("merge")
def review_merge(target: str, sources: List[str] = typer.Argument(..., help="Incidents to fold into TARGET."),
                 rationale: Optional[str] = RationaleOption, expect_version: Optional[int] = VersionOption,
                 database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Merge incidents into TARGET (their allegations move; they are deleted)."""
    why = _need(rationale)
    v = _run(database, lambda conn: review.merge(conn, target, sources, why, _actor(actor), expect_version))
    out.print(f"merged {', '.join(sources)} into {target} (version {v})")


@review_app.command("split")
def review_split(incident_id: str, allegations: List[str] = typer.Argument(..., help="Allegation ids to move out."),
                 rationale: Optional[str] = RationaleOption, expect_version: Optional[int] = VersionOption,
                 database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Move allegations out of an incident into a new one."""
    why = _need(rationale)
    new = _run(database, lambda conn: review.split(conn, incident_id, allegations, why, _actor(actor), expect_version))
    out.print(f"moved {', '.join(allegations)} from {incident_id} into {new}")


@review_app.command("attach")
def review_attach(record_id: str, files: List[Path] = typer.Argument(..., help="Evidence files."),
                  record_type: str = typer.Option("incident", "--type", help=" | ".join(review.RECORD_TABLES)),
                  max_bytes: int = typer.Option(review.MAX_EVIDENCE_BYTES, help="Largest evidence file accepted."),
                  database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Attach evidence files to a record (stored once by SHA-256)."""
    if record_type not in review.RECORD_TABLES:
        raise typer.BadParameter(f"{record_type!r} is not one of: {', '.join(review.RECORD_TABLES)}", param_hint="--type")
    who = _actor(actor)
    digests = _run(database, lambda conn: [review.attach_evidence(conn, f, record_type, record_id, who, max_bytes)
                                           for f in files])
    for f, d in zip(files, digests):
        out.print(f"{f.name}: sha256 {d}")


@audit_app.command("verify")
def audit_verify(expect_head: Optional[str] = typer.Option(None, "--expect-head",
                                                          help="A head hash recorded earlier (`audit head`): also "
                                                               "detects entries removed from the end."),
                 database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Check the audit chain; names every edited, deleted, inserted or reordered entry (exit 1 if any)."""
    engine = db.connect(db.database_url(database))
    try:
        with engine.connect() as conn:
            problems = audit.verify(conn)
            n, head = _head(conn)
            if expect_head and not any(r == expect_head for r in _hashes(conn)):
                problems.append(audit.Problem(n + 1, f"expected head {expect_head[:12]}… is no longer in the log: "
                                                     f"entries were removed from its end or rewritten"))
    finally:
        engine.dispose()
    if problems:
        for p in problems:
            err.print(f"[red]entry {p.seq}:[/red] {p.reason}")
        err.print(f"audit log: {len(problems)} problem(s) in {n} entries")
        raise typer.Exit(1)
    out.print(f"audit log intact: {n} entries, head {head}")


def _head(conn) -> tuple[int, str]:
    from sqlalchemy import func, select

    n = conn.execute(select(func.count()).select_from(db.audit_log)).scalar() or 0
    head = conn.execute(select(db.audit_log.c.hash).order_by(db.audit_log.c.seq.desc()).limit(1)).scalar()
    return n, head or audit.GENESIS


def _hashes(conn):
    from sqlalchemy import select

    return conn.execute(select(db.audit_log.c.hash)).scalars()


@audit_app.command("head")
def audit_head(database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Print the entry count and the last hash (keep it elsewhere to detect truncation later)."""
    engine = db.connect(db.database_url(database))
    with engine.connect() as conn:
        n, head = _head(conn)
    engine.dispose()
    out.print(f"{n} {head}")


@audit_app.command("log")
def audit_log(limit: int = typer.Option(50, "--limit", "-n"), record: Optional[str] = typer.Option(None, "--record"),
              database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """The latest audit entries (newest last), optionally for one record id."""
    from sqlalchemy import select

    engine = db.connect(db.database_url(database))
    q = select(db.audit_log).order_by(db.audit_log.c.seq.desc()).limit(limit)
    if record:
        q = q.where(db.audit_log.c.record_id == record)
    with engine.connect() as conn:
        rows = list(conn.execute(q))[::-1]
    engine.dispose()
    table = Table("seq", "at", "actor", "action", "record", "change")
    for r in rows:
        table.add_row(str(r.seq), r.at[:19], r.actor, r.action, f"{r.record_type or ''} {r.record_id or ''}".strip(),
                      json.dumps(r.change, ensure_ascii=False)[:120])
    out.print(table)
