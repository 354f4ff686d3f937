"""The `claimledger` command: a thin layer over the library (each command parses, calls, reports)."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import db, ingest as ingest_mod

app = typer.Typer(help="A ledger of wartime allegations and their verification status, traced to their sources.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console(stderr=True, soft_wrap=True)  # paths and reasons stay on one line

DbOption = typer.Option(None, "--db", envvar=db.ENV_VAR,
                        help="Database URL or SQLite file path [default: ./claimledger.db].")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


@db_app.command("upgrade")
def db_upgrade(database: Optional[str] = DbOption, revision: str = typer.Argument("head")) -> None:
    """Run the schema migrations."""
    engine = db.connect(database, migrate=False)
    db.upgrade(engine, revision)
    console.print(f"database at {db.database_url(database)} is at revision {revision}")


def _meta(title, outlet, author, published, url) -> dict:
    return {k: v for k, v in dict(title=title, outlet=outlet, author=author, published=published, url=url).items() if v}


def _ingest(engine, inputs: list[str], meta: dict, opts: ingest_mod.FetchOptions, encoding: str | None,
            batch_size: int = ingest_mod.BATCH_SIZE):
    with _progress() as progress:
        task = progress.add_task("ingesting", total=None)
        result = ingest_mod.ingest(engine, inputs, meta, opts, encoding, on_item=lambda _: progress.advance(task),
                                   batch_size=batch_size)
    table = Table(title="ingest", show_header=True)
    for col in ("stored", "duplicates", "errors", "warnings"):
        table.add_column(col, justify="right")
    warnings = [p for p in result.problems if p.level == "warning"]
    table.add_row(str(len(result.stored)), str(len(result.duplicates)), str(len(result.errors)), str(len(warnings)))
    console.print(table)
    for source, doc_id in result.duplicates:
        console.print(f"[yellow]duplicate[/] {source}: same content as document {doc_id}")
    for p in result.problems:
        console.print(f"[{'red' if p.level == 'error' else 'yellow'}]{p.level}[/] {p}")
    return result


@app.command()
def ingest(inputs: list[str] = typer.Argument(..., help="Files, directories, URL lists, or - for stdin."),
           database: Optional[str] = DbOption,
           title: Optional[str] = typer.Option(None, help="Title for plain-text input."),
           outlet: Optional[str] = typer.Option(None), author: Optional[str] = typer.Option(None),
           published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for plain-text input."),
           url: Optional[str] = typer.Option(None),
           encoding: Optional[str] = typer.Option(None, help="Encoding of plain-text input [default: UTF-8]."),
           max_bytes: int = typer.Option(ingest_mod.MAX_BYTES, help="Largest input accepted."),
           timeout: float = typer.Option(15.0, help="Seconds a URL may take in all (retries, redirects, body)."),
           retries: int = typer.Option(3, help="Attempts per URL."),
           batch_size: int = typer.Option(ingest_mod.BATCH_SIZE, "--batch-size", min=1,
                                          help="Documents stored per transaction (a crash loses at most one "
                                               "batch, which the next run stores).")) -> None:
    """Store documents (each once, by content) and report what could not be read."""
    engine = db.connect(database)
    opts = ingest_mod.FetchOptions(timeout=timeout, retries=retries, max_bytes=max_bytes)
    result = _ingest(engine, inputs, _meta(title, outlet, author, published, url), opts, encoding, batch_size)
    raise typer.Exit(1 if result.errors else 0)


@app.command()
def analyze(inputs: list[str] = typer.Argument(None, help="Inputs to ingest first (as for `ingest`)."),
            out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the ledger JSON here."),
            database: Optional[str] = typer.Option(None, "--db", envvar=db.ENV_VAR,
                                                   help="Database URL [default: a temporary SQLite file]."),
            all_documents: bool = typer.Option(False, "--all", help="Re-analyse every stored document."),
            published: Optional[str] = typer.Option(None, help="Publication date for plain-text input."),
            workers: int = typer.Option(1, help="Local worker processes for the analysis (one writer stores "
                                                "their results)."),
            dask: Optional[str] = typer.Option(None, "--dask", metavar="ADDRESS",
                                               help="Analyse on a Dask cluster: a scheduler address "
                                                    "(tcp://host:8786) or local:N for N local worker processes."),
            batch_size: int = typer.Option(200, "--batch-size", min=1, help="Documents stored per transaction."),
            max_bytes: int = typer.Option(ingest_mod.MAX_BYTES, help="Largest input accepted.")) -> None:
    """Ingest the inputs, run every pipeline stage, and write the ledger JSON."""
    from . import export, pipeline

    with tempfile.TemporaryDirectory(prefix="claimledger-") as tmp:
        engine = db.connect(database or f"sqlite:///{Path(tmp) / 'ledger.db'}")
        problems = []
        ids = None
        if inputs:
            result = _ingest(engine, inputs, _meta(None, None, None, published, None),
                             ingest_mod.FetchOptions(max_bytes=max_bytes), None, batch_size)
            problems = result.errors
            ids = None if all_documents else sorted(set(result.stored) | {i for _, i in result.duplicates})
        with _progress() as progress:
            task = progress.add_task("analysing", total=None)
            summary = pipeline.analyze(engine, ids, only_pending=not all_documents and ids is None,
                                       progress=lambda n: progress.advance(task, n), workers=workers,
                                       dask=dask, batch_size=batch_size,
                                       on_total=lambda n: progress.update(task, total=n))
        console.print(f"analysed {summary.documents} documents: {summary.statements} statements, "
                      f"{summary.allegations} allegations, {summary.assessments} assessments, "
                      f"{summary.places} places, {summary.incidents} incidents")
        for doc_id, why in summary.skipped:
            console.print(f"[yellow]skipped[/] document {doc_id}: {why}")
        for doc_id, why in summary.failed:
            console.print(f"[red]failed[/] document {doc_id}: {why}")
        ledger = export.ledger_json(engine)
        for doc_id, title, n in _undated_without_published(ledger):
            console.print(f"[yellow]warning[/] document {doc_id} ({title}): no publication date, so {n} "
                          "allegation(s) stay undated; give --published YYYY-MM-DD to resolve relative dates")
        _write(json.dumps(ledger, ensure_ascii=False, indent=1), out)
        engine.dispose()
    raise typer.Exit(1 if problems or summary.failed else 0)


def _undated_without_published(ledger: dict) -> list[tuple]:
    """(document id, title, undated allegations) for each document with no publication date to resolve
    "on Tuesday" or "last week" against."""
    undated: dict = {}
    for a in ledger.get("allegations") or []:
        if not a.get("date"):
            undated[a.get("document_id")] = undated.get(a.get("document_id"), 0) + 1
    return [(d["id"], d.get("title") or "untitled", undated[d["id"]]) for d in ledger.get("documents") or []
            if not d.get("published") and undated.get(d["id"])]


def _write(text: str, out: Optional[Path]) -> None:
    if out is None or str(out) == "-":
        sys.stdout.write(text + "\n")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out}")


def _existing(database: Optional[str]):
    """The engine of a database that must already exist (commands that only read)."""
    try:
        return db.connect_existing(database)
    except db.DatabaseMissing as exc:
        console.print(f"[red]error[/] {exc}")
        raise typer.Exit(2)


@app.command()
def export(fmt: str = typer.Option("json", "--format", "-f",
                                   help="json | acled-csv | geojson | claimreview | timemap (a directory)"),
           out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file, or directory for timemap "
                                              "[default: stdout]."),
           org: Optional[str] = typer.Option(None, "--org", envvar="CLAIMLEDGER_ORG",
                                             help="The analysts' organisation: author of ClaimReviews of their "
                                                  "decisions."),
           base_url: Optional[str] = typer.Option(None, "--base-url", envvar="CLAIMLEDGER_BASE_URL",
                                                  help="Where the report is published: ClaimReview permalinks "
                                                       "point into it [default: report.html]."),
           database: Optional[str] = DbOption) -> None:
    """Write the ledger from the database in one of the export formats."""
    from . import export as export_mod

    if fmt not in export_mod.FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose from {', '.join(export_mod.FORMATS)}",
                                 param_hint="--format")
    chosen = export_mod.FORMATS[fmt]
    if chosen.directory and (out is None or str(out) == "-"):
        raise typer.BadParameter(f"{fmt} writes several files: give a directory with --out DIR", param_hint="--out")
    engine = _existing(database)
    result = chosen.render(export_mod.ledger_json(engine), org=org, base_url=base_url)
    if isinstance(result, dict):
        out.mkdir(parents=True, exist_ok=True)
        for name, text in result.items():
            _write(text, out / name)
    else:
        _write(result, out)


@app.command()
def report(out: Path = typer.Option(Path("report.html"), "--out", "-o"), database: Optional[str] = DbOption) -> None:
    """Write the self-contained HTML report (map, timeline, highlighted sources)."""
    from . import export as export_mod
    from . import report as report_mod

    engine = _existing(database)
    _write(report_mod.render(export_mod.ledger_json(engine)), out)


from .cli_review import audit_app, review_app  # noqa: E402  (review and audit live beside the ledger stage)

app.add_typer(review_app, name="review")
app.add_typer(audit_app, name="audit")

from .cli_web import serve, users_app  # noqa: E402  (the workspace: accounts and the web server)

app.add_typer(users_app, name="users")
app.command("serve")(serve)


if __name__ == "__main__":
    app()
