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

from . import audit, checkpoint, db, review
from .models import STATUSES

review_app = typer.Typer(help="Analyst review of incidents: list, show, status, merge, split, attach evidence.",
                         no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log: verify it and the records against it, sign checkpoints, "
                             "read it.", no_args_is_help=True)
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


def _run(database: Optional[str], action, refused: tuple[type[Exception], ...] = (review.ReviewError,)):
    """Run `action(conn)` in one transaction; a refused change rolls back and exits 1 with the reason."""
    engine = db.connect(db.database_url(database))
    try:
        with engine.begin() as conn:
            return action(conn)
    except refused as exc:
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
    """Set an incident's status (an analyst decision, replayed onto every re-clustering)."""
    if status not in STATUSES:
        raise typer.BadParameter(f"{status!r} is not one of: {', '.join(STATUSES)}", param_hint="STATUS")
    why = _need(rationale)
    v = _run(database, lambda conn: review.set_status(conn, incident_id, status, why, _actor(actor), expect_version))
    out.print(f"{incident_id}: {status} (version {v})")


@review_app.command("merge")
def review_merge(target: str, sources: List[str] = typer.Argument(..., help="Incidents to fold into TARGET."),
                 rationale: Optional[str] = RationaleOption, expect_version: Optional[int] = VersionOption,
                 database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Merge incidents into TARGET (their allegations move; they are deleted; replayed on re-clustering)."""
    why = _need(rationale)
    v = _run(database, lambda conn: review.merge(conn, target, sources, why, _actor(actor), expect_version))
    out.print(f"merged {', '.join(sources)} into {target} (version {v})")


@review_app.command("split")
def review_split(incident_id: str, allegations: List[str] = typer.Argument(..., help="Allegation ids to move out."),
                 rationale: Optional[str] = RationaleOption, expect_version: Optional[int] = VersionOption,
                 database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Move allegations out of an incident into a new one (replayed on re-clustering)."""
    why = _need(rationale)
    new = _run(database, lambda conn: review.split(conn, incident_id, allegations, why, _actor(actor), expect_version))
    out.print(f"moved {', '.join(allegations)} from {incident_id} into {new}")


@review_app.command("attach")
def review_attach(record_id: str, files: List[Path] = typer.Argument(..., help="Evidence files."),
                  record_type: str = typer.Option("incident", "--type", help=" | ".join(review.RECORD_TABLES)),
                  rationale: Optional[str] = typer.Option(None, "--rationale", "-r", help="What it shows (optional)."),
                  max_bytes: int = typer.Option(review.MAX_EVIDENCE_BYTES, help="Largest evidence file accepted."),
                  database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Attach evidence files to a record (stored once by SHA-256)."""
    if record_type not in review.RECORD_TABLES:
        raise typer.BadParameter(f"{record_type!r} is not one of: {', '.join(review.RECORD_TABLES)}", param_hint="--type")
    who = _actor(actor)
    digests = _run(database, lambda conn: [review.attach_evidence(conn, f, record_type, record_id, who, rationale,
                                                                  max_bytes) for f in files])
    for f, d in zip(files, digests):
        out.print(f"{f.name}: sha256 {d}")


@audit_app.command("verify")
def audit_verify(checkpoints: List[Path] = typer.Option([], "--checkpoint", "-c",
                                                      help="A checkpoint file (`audit checkpoint`); repeatable. Also "
                                                           "detects a cut tail, an emptied log, a recomputed chain "
                                                           "and a replaced database."),
                 public_key: Optional[Path] = typer.Option(None, "--public-key",
                                                           help="The key the checkpoints must be signed by (KEY.pub)."),
                 expect_head: Optional[str] = typer.Option(None, "--expect-head",
                                                          help="A head hash recorded earlier (`audit head`): also "
                                                               "detects entries removed from the end."),
                 database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Check the audit chain and every record against it; names each edited, deleted, inserted or reordered
    entry and each record changed outside the log (exit 1 if any)."""
    try:
        trusted = checkpoint.load_public_hex(public_key) if public_key else None
        marks = [checkpoint.read(p, trusted) for p in checkpoints]
    except checkpoint.CheckpointError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    engine = db.connect(db.database_url(database))
    try:
        with engine.connect() as conn:
            problems = audit.verify(conn) + audit.verify_records(conn)
            unhashed = bool(problems) and not audit.logged_state(conn)
            for mark in marks:
                problems += checkpoint.check(conn, mark)
            n, _, head = audit.head(conn)
            if expect_head and not any(r == expect_head for r in _hashes(conn)):
                problems.append(audit.Problem(n + 1, f"expected head {expect_head[:12]}… is no longer in the log: "
                                                     f"entries were removed from its end or rewritten"))
    finally:
        engine.dispose()
    if problems:
        for p in problems[:SHOW]:
            err.print(f"[red]{'record' if p.record else f'entry {p.seq}'}:[/red] {p.reason}", highlight=False,
                      soft_wrap=True)
        if len(problems) > SHOW:
            err.print(f"… and {len(problems) - SHOW} more")
        err.print(f"audit log: {len(problems)} problem(s) in {n} entries")
        if unhashed:
            err.print("no entry records the state of a record: if this ledger was made before records were hashed, "
                      "run `claimledger audit baseline` once", soft_wrap=True)
        raise typer.Exit(1)
    signed = "".join(f"; matches the checkpoint of {m['at']} (entry {m['seq']}, key "
                     f"{checkpoint.fingerprint(m['public_key'])})" for m in marks)
    out.print(f"audit log intact: {n} entries, head {head}; every record matches it{signed}", highlight=False,
              soft_wrap=True)


SHOW = 50  # problems printed; the count says how many more


def _hashes(conn):
    from sqlalchemy import select

    return conn.execute(select(db.audit_log.c.hash)).scalars()


@audit_app.command("head")
def audit_head(database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Print the entry count and the last hash (keep it elsewhere to detect truncation later)."""
    engine = db.connect(db.database_url(database))
    with engine.connect() as conn:
        n, _, head = audit.head(conn)
    engine.dispose()
    out.print(f"{n} {head}")


KeyOption = typer.Option(..., "--key", "-k", help="Ed25519 private key file (PEM); its public key is KEY.pub.")


@audit_app.command("keygen")
def audit_keygen(key: Path = KeyOption, database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Make a signing key for checkpoints: KEY (private, mode 0600) and KEY.pub."""
    try:
        pub = checkpoint.keygen(key)
    except checkpoint.CheckpointError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    print_key = checkpoint.fingerprint(checkpoint.load_public_hex(pub))
    out.print(f"wrote {key} (private, keep it safe) and {pub}; key {print_key}", highlight=False, soft_wrap=True)


@audit_app.command("checkpoint")
def audit_checkpoint(key: Path = KeyOption,
                     out_file: Path = typer.Option(..., "--out", "-o", help="Where to write the signed checkpoint."),
                     database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Write the log's head (sequence number, hash, count, time) signed with KEY (made if absent).

    Keep or publish the file outside the database; `audit verify --checkpoint FILE` checks the log against it."""
    try:
        if not key.exists():
            checkpoint.keygen(key)
            err.print(f"made a new signing key {key} (and {key}.pub)", highlight=False)
        signer = checkpoint.load_private(key)
        if key.stat().st_mode & 0o077:
            err.print(f"[yellow]warning:[/yellow] {key} can be read by others (chmod 600 it)", highlight=False,
                      soft_wrap=True)
    except checkpoint.CheckpointError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    body = _run(database, lambda conn: checkpoint.make(conn, signer))
    checkpoint.write(out_file, body)
    out.print(f"checkpoint {out_file}: entry {body['seq']}, head {body['hash']}, {body['count']} entries, "
              f"key {checkpoint.fingerprint(body['public_key'])}", highlight=False, soft_wrap=True)


@audit_app.command("baseline")
def audit_baseline(database: Optional[str] = DbOption, actor: Optional[str] = AsOption) -> None:
    """Log the state of every record the log has never recorded (a ledger made before records were hashed).

    A record the log already knows is never re-logged, so an edit made outside the log stays visible."""
    out.print(f"logged the state of {_run(database, lambda conn: audit.baseline(conn, _actor(actor)))} records")


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
    table = Table("seq", "at", "actor", "action", "record", "records", "change")
    for r in rows:
        change = dict(r.change) if isinstance(r.change, dict) else {"change": r.change}
        state = change.pop("state", None) or {}
        table.add_row(str(r.seq), r.at[:19], r.actor, r.action, f"{r.record_type or ''} {r.record_id or ''}".strip(),
                      str(len(state)), json.dumps(change, ensure_ascii=False)[:120])
    out.print(table)
