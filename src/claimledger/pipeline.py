"""Runs the stages over stored documents: statements, places, allegations, assessments, then incidents.

Analysing a document is pure (`analyze_rows`: text in, `DocumentResult` out) and may run in this process,
in worker processes or on a Dask cluster (`parallel`); storing is done here, by one writer, in batches
(`store_results`): a crash loses at most the batch in hand, and a re-run of the pending documents redoes
exactly that batch, replacing machine results idempotently (analyst edits are kept). A document that fails,
whatever the error (memory and recursion included), is marked failed with the reason and the others go on;
a long one is analysed part by part (see `parts`), here in the writer, its records spooled to a file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Iterator, NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Engine

from . import allegations as allegation_stage
from . import assessments, db, geo, incidents, narration, parts, statements
from .models import Allegation, Assessment, Statement, as_dict, from_dict
from .nlp import reflow, restore_spans

# bump when any stage's output changes, so runs record which extractor made what
EXTRACTOR_VERSION = "0.3.0"
BATCH_SIZE = 200  # documents stored per transaction: a crash loses at most this many documents' work


class Pending(NamedTuple):
    """A stored document to analyse (plain, so it pickles cheaply to worker processes)."""
    id: int
    text: str
    published: date | None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None

    def reporter(self) -> str:
        return narration.reporter(self.outlet, self.url, self.title, self.id)


@dataclass
class DocumentResult:
    document_id: int
    statements: list[Statement] = field(default_factory=list)
    places: list = field(default_factory=list)
    allegations: list[Allegation] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None  # why the document could not be analysed

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in parts.KINDS}

    def records(self, kind: str) -> Iterator[dict]:
        """The records of one kind as stored (places get their ids here)."""
        if kind == "places":
            return (dict(as_dict(p), id=f"D{self.document_id}.P{i}") for i, p in enumerate(self.places, 1))
        return (as_dict(x) for x in getattr(self, kind))


@dataclass
class AnalysisSummary:
    documents: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    statements: int = 0
    allegations: int = 0
    assessments: int = 0
    places: int = 0
    incidents: int = 0

    def add(self, result: DocumentResult | parts.Spool) -> None:
        error = getattr(result, "error", None)
        if error is not None:
            self.failed.append((result.document_id, error))
            return
        self.documents += 1
        n = result.counts()
        self.statements += n["statements"]
        self.places += n["places"]
        self.allegations += n["allegations"]
        self.assessments += n["assessments"]


def analyze_parsed(spacy_doc, document_id: int, published: date | None,
                   reported_by: str | None = None) -> DocumentResult:
    """All per-document stages on one parsed document (pure: no database). `reported_by` is the outlet
    that narrates the document (see narration.reporter)."""
    p = f"D{document_id}."
    stmts = statements.extract(spacy_doc, published=published, prefix=p + "S")
    places = geo.find_places(spacy_doc)
    algs = allegation_stage.extract(spacy_doc, stmts, places, published=published, prefix=p + "A")
    asmts = assessments.assess(spacy_doc, stmts, algs, prefix=p + "V", places=places)
    # the outlet's own account, after the verifiers have weighed the attributed claims
    algs += narration.extract(spacy_doc, stmts, places, published=published, prefix=p + "A", first=len(algs) + 1,
                              reported_by=reported_by or narration.reporter(None, document_id=document_id))
    for rec in (*stmts, *places, *algs, *asmts):
        rec.document_id = document_id
    return DocumentResult(document_id, stmts, places, algs, asmts)


def why(exc: BaseException) -> str:
    """A failure as stored in `analysis_note`: "MemoryError", "ValueError: a stage broke"."""
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")[:2000]


def analyze_rows(nlp, rows: list[Pending], batch_size: int = 16) -> Iterator[DocumentResult]:
    """One plain result per short row (pure: no database; long rows are the writer's, `analyze_long`); a
    document whose parse or stages raise gets a result with `error`, so one bad document never stops the
    others."""
    for row, parsed in _parse_all(nlp, rows, batch_size):
        try:
            if isinstance(parsed, BaseException):
                raise parsed
            yield _analyzed(parsed, row.text, row.id, row.published, row.reporter())
        except Exception as exc:  # MemoryError and RecursionError too
            yield DocumentResult(row.id, error=why(exc))


def _english(language: str | None) -> bool:
    return language in (None, "", "en", "und")


def analyze(engine: Engine, document_ids: Iterable[int] | None = None, *, only_pending: bool = False,
            progress: Callable[[int], None] | None = None, batch_size: int = BATCH_SIZE, workers: int = 1,
            dask: str | None = None, on_total: Callable[[int], None] | None = None) -> AnalysisSummary:
    """Analyse stored documents (all, the given ids, or only those never analysed) and re-cluster.

    `workers` > 1 analyses in that many local processes; `dask` ("local:N" or a scheduler address) on a
    Dask cluster. Either way this process alone stores the results, `batch_size` documents a transaction,
    and analyses the long documents itself, part by part. `on_total` is told how many documents were
    selected, `progress` each time some are done."""
    from . import parallel

    summary = AnalysisSummary()
    d = db.documents.c
    q = select(d.id, d.language, func.length(d.text).label("chars"))
    if document_ids is not None:
        q = q.where(d.id.in_(list(document_ids)))
    if only_pending:
        q = q.where(d.analysis_status == "pending")
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(d.id)).all()
    if on_total:
        on_total(len(rows))
    foreign = [(r.id, f"not English (detected language: {r.language})") for r in rows if not _english(r.language)]
    if foreign:
        _mark(engine, "skipped", foreign)
        summary.skipped.extend(foreign)
        if progress:
            progress(len(foreign))
    english = [r for r in rows if _english(r.language)]
    batch: list[DocumentResult] = []
    seen: set[int] = set()  # a partition retried after a worker died may deliver a document again
    short = [r.id for r in english if (r.chars or 0) <= parts.LONG_TEXT]
    for result in parallel.results(engine, short, workers=workers, dask=dask):
        if result.document_id in seen:
            continue
        seen.add(result.document_id)
        batch.append(result)
        if progress:
            progress(1)
        if len(batch) >= batch_size:
            _flush(engine, batch, summary)
    _flush(engine, batch, summary)
    for r in english:
        if (r.chars or 0) > parts.LONG_TEXT:
            _analyze_long_stored(engine, r.id, summary)
            if progress:
                progress(1)
    summary.incidents = recluster(engine)
    return summary


def _flush(engine: Engine, batch: list[DocumentResult], summary: AnalysisSummary) -> None:
    for r in store_results(engine, batch):
        summary.add(r)
    batch.clear()


def _analyze_long_stored(engine: Engine, document_id: int, summary: AnalysisSummary) -> None:
    """Analyse and store one long document here (its spooled results stay in this process)."""
    with engine.connect() as conn:
        (row,) = load_pending(conn, [document_id])
    try:
        result = analyze_long(statements.pipeline(), row.text, row.id, row.published, row.reporter())
    except Exception as exc:  # MemoryError and RecursionError too
        result = DocumentResult(row.id, error=why(exc))
    try:
        for r in store_results(engine, [result]):
            summary.add(r)
    finally:
        if isinstance(result, parts.Spool):
            result.close()


def mark_failed(engine: Engine, document_id: int, exc: BaseException) -> str:
    """Record why a document failed (its status becomes "failed", so later runs of pending documents pass it
    by); the reason is returned. A failure to record it is part of the reason, never a crash of the run."""
    reason = why(exc)
    try:
        _mark(engine, "failed", [(document_id, reason)])
    except Exception as again:
        reason += f" (and the failure could not be recorded: {type(again).__name__})"
    return reason


def load_pending(conn, ids: list[int]) -> list[Pending]:
    """The texts (and what names their reporter) of the given documents, in id order."""
    d = db.documents.c
    return [Pending(r.id, r.text, r.published, r.outlet, r.url, r.title) for r in conn.execute(
        select(d.id, d.text, d.published, d.outlet, d.url, d.title).where(d.id.in_(ids)).order_by(d.id))]


def _parse_all(nlp, rows: list[Pending], batch_size: int):
    """(row, Doc) for each short row, in order, batched through nlp.pipe (soft wraps of hard-wrapped text
    read as spaces, nlp.reflow, so a sentence wrapped across lines is parsed as one); (row, exception) for a
    row the parser failed on, or a long one (`analyze_long` is for those). A failure inside a batch sends
    the rest through one at a time, so it costs only its own document."""
    short = [r for r in rows if len(r.text) <= parts.LONG_TEXT]
    done = 0
    try:
        for doc, i in nlp.pipe(((reflow(r.text), i) for i, r in enumerate(short)), as_tuples=True,
                               batch_size=batch_size):
            yield short[i], doc
            done = i + 1
    except Exception:
        for r in short[done:]:
            try:
                doc = nlp(reflow(r.text))
            except Exception as exc:
                yield r, exc
            else:
                yield r, doc
    for r in rows:
        if len(r.text) > parts.LONG_TEXT:
            yield r, ValueError(f"longer than {parts.LONG_TEXT} characters: analysed in parts by the writer")


def _analyzed(spacy_doc, text: str, document_id: int, published: date | None,
              reported_by: str | None) -> DocumentResult:
    """analyze_parsed on a Doc parsed from `text` reflowed; spans re-sliced from `text` itself."""
    result = analyze_parsed(spacy_doc, document_id, published, reported_by)
    return restore_spans(result, text) if spacy_doc.text != text else result


def analyze_long(nlp, text: str, document_id: int, published: date | None,
                 reported_by: str | None = None) -> parts.Spool:
    """A long document analysed part by part, its records spooled with offsets into the whole text."""
    spool = parts.Spool(document_id)
    try:
        for offset, piece in parts.chunks(text, parts.PART_CHARS):
            spool.add(_analyzed(nlp(reflow(piece)), piece, document_id, published, reported_by), offset)
    except BaseException:
        spool.close()
        raise
    return spool


def store_results(engine: Engine, results: list[DocumentResult | parts.Spool]) -> list[DocumentResult | parts.Spool]:
    """Store a batch of results in one transaction, replacing the documents' earlier machine results, and
    log it as one audit entry; returns the results as stored. Should the batch fail, each document is
    stored on its own, and one that still fails is marked failed with the reason."""
    if not results:
        return []
    try:
        with engine.begin() as conn:
            _store(conn, results)
        return results
    except Exception as exc:
        if len(results) > 1:
            return [r for one in results for r in store_results(engine, [one])]
        if getattr(results[0], "error", None) is not None:
            raise  # not even the failure can be stored: the database itself is the problem
        reason = f"could not store: {type(exc).__name__}: {db.short_error(exc).split(': ', 1)[-1]}"
        return store_results(engine, [DocumentResult(results[0].document_id, error=reason)])


def _store(conn, results: list[DocumentResult | parts.Spool]) -> None:
    from .audit import append_event, batch_records, watch

    ok = [r for r in results if getattr(r, "error", None) is None]
    failed = [r for r in results if getattr(r, "error", None) is not None]
    w = watch(conn, batch_records([r.document_id for r in ok]))  # re-analysis rewrites: log what changed
    runs: dict[int, int] = {}
    counts = {r.document_id: r.counts() for r in ok}
    if ok:
        now = db.utcnow()
        made = conn.execute(db.analysis_runs.insert().returning(db.analysis_runs.c.id, db.analysis_runs.c.document_id),
                            [dict(document_id=r.document_id, extractor_version=EXTRACTOR_VERSION,
                                  counts=counts[r.document_id], started_at=now, finished_at=now) for r in ok])
        runs = {doc_id: run_id for run_id, doc_id in made}
    for kind in ("statements", "allegations", "assessments", "places"):
        db.replace_machine_records_many(conn, getattr(db, kind),
                                        {r.document_id: (runs[r.document_id], r.records(kind)) for r in ok})
    _mark(conn, "analyzed", [(r.document_id, None) for r in ok])
    _mark(conn, "failed", [(r.document_id, r.error[:2000]) for r in failed])
    docs = {str(r.document_id): {"run_id": runs[r.document_id], **counts[r.document_id]} for r in ok}
    one = str(results[0].document_id) if len(results) == 1 else None
    append_event(conn, "claimledger", "analyze", "document", one,
                 {"extractor_version": EXTRACTOR_VERSION, "documents": docs,
                  "failed": {str(r.document_id): r.error for r in failed}}, watch=w)


def _mark(target, status: str, notes: list[tuple[int, str | None]]) -> None:
    """Set the analysis status (and note) of documents, in one statement; `target` is an engine or a connection."""
    if not notes:
        return
    stmt = (update(db.documents).where(db.documents.c.id == bindparam("doc_id"))
            .values(analysis_status=status, analysis_note=bindparam("note")))
    params = [{"doc_id": i, "note": note} for i, note in notes]
    if isinstance(target, Engine):
        with target.begin() as conn:
            conn.execute(stmt, params)
    else:
        target.execute(stmt, params)


def save_result(engine: Engine, result: DocumentResult | parts.Spool) -> None:
    """Store one document's results in one transaction (see `store_results`)."""
    store_results(engine, [result])


def load_all(conn) -> tuple[list[Statement], list[Allegation], list[Assessment], list[dict]]:
    """What re-clustering needs: the documents, allegations and assessments, and the statements these cite
    (only those: the rest, most of a long document's, are never looked at)."""
    docs = [dict(r._mapping) for r in conn.execute(
        select(db.documents.c.id, db.documents.c.title, db.documents.c.outlet, db.documents.c.published,
               db.documents.c.url, db.documents.c.text).order_by(db.documents.c.id))]
    algs = [from_dict(Allegation, d) for d in db.iter_records(conn, db.allegations)]
    asmts = [from_dict(Assessment, d) for d in db.iter_records(conn, db.assessments)]
    cited = {s for x in (*algs, *asmts) for s in x.statement_ids}
    stmts = [from_dict(Statement, d) for d in db.iter_records(conn, db.statements) if d.get("id") in cited]
    return stmts, algs, asmts, docs


def recluster(engine: Engine) -> int:
    """Cluster every stored allegation into incidents and replay the analysts' decisions onto them.

    The corpus is read and clustered outside any lock; only storing takes the incident lock, so an analyst
    can keep editing meanwhile (their decision is replayed when the result is stored)."""
    with engine.connect() as conn:
        stmts, algs, asmts, docs = load_all(conn)
    machine = incidents.cluster(algs, asmts, stmts, docs)
    records = {(kind, r.id) for kind, rs in (("statement", stmts), ("allegation", algs), ("assessment", asmts))
               for r in rs}
    return incidents.store(engine, machine, algs, asmts, records)
