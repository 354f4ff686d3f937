"""Runs the stages over stored documents: statements, places, allegations, assessments, then incidents.

Analysing a document is pure (`analyze_rows`: text in, `DocumentResult` out) and may run in this process,
in worker processes or on a Dask cluster (`parallel`); storing is done here, by one writer, in batches
(`store_results`): a crash loses at most the batch in hand, and a re-run of the pending documents redoes
exactly that batch, replacing machine results idempotently (analyst edits are kept).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Iterator, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine

from . import allegations as allegation_stage
from . import db, geo, incidents, ledger, statements
from .models import Allegation, Assessment, Statement, as_dict, from_dict

# bump when any stage's output changes, so runs record which extractor made what
EXTRACTOR_VERSION = "0.2.0"
BATCH_SIZE = 200  # documents stored per transaction: a crash loses at most this many documents' work


class Pending(NamedTuple):
    """A stored document to analyse (plain, so it pickles cheaply to worker processes)."""
    id: int
    text: str
    published: date | None


@dataclass
class DocumentResult:
    document_id: int
    statements: list[Statement] = field(default_factory=list)
    places: list = field(default_factory=list)
    allegations: list[Allegation] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None  # why the document could not be analysed


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

    def add(self, result: DocumentResult) -> None:
        if result.error is not None:
            self.failed.append((result.document_id, result.error))
            return
        self.documents += 1
        self.statements += len(result.statements)
        self.places += len(result.places)
        self.allegations += len(result.allegations)
        self.assessments += len(result.assessments)


def analyze_parsed(spacy_doc, document_id: int, published: date | None) -> DocumentResult:
    """All per-document stages on one parsed document (pure: no database)."""
    p = f"D{document_id}."
    stmts = statements.extract(spacy_doc, published=published, prefix=p + "S")
    places = geo.find_places(spacy_doc)
    algs = allegation_stage.extract(spacy_doc, stmts, places, published=published, prefix=p + "A")
    asmts = ledger.assess(spacy_doc, stmts, algs, prefix=p + "V", places=places)
    for rec in (*stmts, *places, *algs, *asmts):
        rec.document_id = document_id
    return DocumentResult(document_id, stmts, places, algs, asmts)


def analyze_rows(nlp, rows: list[Pending], batch_size: int = 16) -> Iterator[DocumentResult]:
    """One result per row (pure: no database); a document whose stages raise gets a result with `error`,
    so one bad document never stops the others."""
    for spacy_doc, (doc_id, published) in _parse_all(nlp, rows, batch_size):
        try:
            yield analyze_parsed(spacy_doc, doc_id, published)
        except Exception as exc:
            yield DocumentResult(doc_id, error=f"{type(exc).__name__}: {exc}")


def _english(language: str | None) -> bool:
    return language in (None, "", "en", "und")


def analyze(engine: Engine, document_ids: Iterable[int] | None = None, *, only_pending: bool = False,
            progress: Callable[[int], None] | None = None, batch_size: int = BATCH_SIZE, workers: int = 1,
            dask: str | None = None, on_total: Callable[[int], None] | None = None) -> AnalysisSummary:
    """Analyse stored documents (all, the given ids, or only those never analysed) and re-cluster.

    `workers` > 1 analyses in that many local processes; `dask` ("local:N" or a scheduler address) on a
    Dask cluster. Either way this process alone stores the results, `batch_size` documents a transaction.
    `on_total` is told how many documents were selected, `progress` each time some are done."""
    from . import parallel

    summary = AnalysisSummary()
    q = select(db.documents.c.id, db.documents.c.language)
    if document_ids is not None:
        q = q.where(db.documents.c.id.in_(list(document_ids)))
    if only_pending:
        q = q.where(db.documents.c.analysis_status == "pending")
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(db.documents.c.id)).all()
    if on_total:
        on_total(len(rows))
    foreign = [(r.id, f"not English (detected language: {r.language})") for r in rows if not _english(r.language)]
    if foreign:
        _mark(engine, "skipped", foreign)
        summary.skipped.extend(foreign)
        if progress:
            progress(len(foreign))
    english = [r.id for r in rows if _english(r.language)]
    batch: list[DocumentResult] = []
    seen: set[int] = set()  # a partition retried after a worker died may deliver a document again
    for result in parallel.results(engine, english, workers=workers, dask=dask):
        if result.document_id in seen:
            continue
        seen.add(result.document_id)
        batch.append(result)
        if progress:
            progress(1)
        if len(batch) >= batch_size:
            _flush(engine, batch, summary)
    _flush(engine, batch, summary)
    summary.incidents = recluster(engine)
    return summary


def _flush(engine: Engine, batch: list[DocumentResult], summary: AnalysisSummary) -> None:
    for r in store_results(engine, batch):
        summary.add(r)
    batch.clear()


def load_pending(conn, ids: list[int]) -> list[Pending]:
    """The texts of the given documents, in id order."""
    d = db.documents.c
    return [Pending(r.id, r.text, r.published) for r in
            conn.execute(select(d.id, d.text, d.published).where(d.id.in_(ids)).order_by(d.id))]


LONG_TEXT = 100_000  # characters; longer documents are parsed in paragraph-aligned chunks


def _parse_all(nlp, rows, batch_size: int):
    """(Doc, (id, published)) for each row: short texts batched through nlp.pipe, long ones chunked by
    paragraphs so memory stays bounded and offsets stay exact."""
    short = [r for r in rows if len(r.text) <= LONG_TEXT]
    yield from nlp.pipe(((r.text, (r.id, r.published)) for r in short), as_tuples=True, batch_size=batch_size)
    for r in rows:
        if len(r.text) > LONG_TEXT:
            yield statements.parse(nlp, r.text, LONG_TEXT), (r.id, r.published)


def store_results(engine: Engine, results: list[DocumentResult]) -> list[DocumentResult]:
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
        if results[0].error is not None:
            raise  # not even the failure can be stored: the database itself is the problem
        why = f"could not store: {type(exc).__name__}: {exc}"
        return store_results(engine, [DocumentResult(results[0].document_id, error=why)])


def _store(conn, results: list[DocumentResult]) -> None:
    from .audit import append_event, batch_records, watch

    ok = [r for r in results if r.error is None]
    w = watch(conn, batch_records([r.document_id for r in ok]))  # re-analysis rewrites: log what changed
    runs: dict[int, int] = {}
    counts = {r.document_id: {"statements": len(r.statements), "places": len(r.places),
                              "allegations": len(r.allegations), "assessments": len(r.assessments)} for r in ok}
    if ok:
        now = db.utcnow()
        made = conn.execute(db.analysis_runs.insert().returning(db.analysis_runs.c.id, db.analysis_runs.c.document_id),
                            [dict(document_id=r.document_id, extractor_version=EXTRACTOR_VERSION,
                                  counts=counts[r.document_id], started_at=now, finished_at=now) for r in ok])
        runs = {doc_id: run_id for run_id, doc_id in made}
    for table, key in ((db.statements, "statements"), (db.allegations, "allegations"),
                       (db.assessments, "assessments"), (db.places, "places")):
        by_doc = {}
        for r in ok:
            records = [as_dict(x) for x in getattr(r, key)]
            if key == "places":
                records = [dict(p, id=f"D{r.document_id}.P{i}") for i, p in enumerate(records, 1)]
            by_doc[r.document_id] = (runs[r.document_id], records)
        db.replace_machine_records_many(conn, table, by_doc)
    _mark(conn, "analyzed", [(r.document_id, None) for r in ok])
    _mark(conn, "failed", [(r.document_id, r.error[:2000]) for r in results if r.error is not None])
    docs = {str(r.document_id): {"run_id": runs[r.document_id], **counts[r.document_id]} for r in ok}
    one = str(results[0].document_id) if len(results) == 1 else None
    append_event(conn, "claimledger", "analyze", "document", one,
                 {"extractor_version": EXTRACTOR_VERSION, "documents": docs,
                  "failed": {str(r.document_id): r.error for r in results if r.error is not None}}, watch=w)


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


def save_result(engine: Engine, result: DocumentResult) -> None:
    """Store one document's results in one transaction (see `store_results`)."""
    store_results(engine, [result])


def load_all(conn) -> tuple[list[Statement], list[Allegation], list[Assessment], list[dict]]:
    docs = [dict(r._mapping) for r in conn.execute(
        select(db.documents.c.id, db.documents.c.title, db.documents.c.outlet, db.documents.c.published,
               db.documents.c.url, db.documents.c.text).order_by(db.documents.c.id))]
    stmts = [from_dict(Statement, d) for d in db.load_records(conn, db.statements)]
    algs = [from_dict(Allegation, d) for d in db.load_records(conn, db.allegations)]
    asmts = [from_dict(Assessment, d) for d in db.load_records(conn, db.assessments)]
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
