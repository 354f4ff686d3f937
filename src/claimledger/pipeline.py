"""Runs the stages over stored documents: statements, places, allegations, assessments, then incidents.

Each document is analysed and committed on its own, so a crash loses at most the document in hand and
a re-run replaces machine results idempotently (analyst edits are kept).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from . import allegations as allegation_stage
from . import assessments, db, geo, incidents, narration, statements
from .models import Allegation, Assessment, Statement, as_dict, from_dict
from .nlp import reflow, restore_spans

# bump when any stage's output changes, so runs record which extractor made what
EXTRACTOR_VERSION = "0.3.0"


@dataclass
class DocumentResult:
    document_id: int
    statements: list[Statement] = field(default_factory=list)
    places: list = field(default_factory=list)
    allegations: list[Allegation] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    skipped: str | None = None


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


def _english(language: str | None) -> bool:
    return language in (None, "", "en", "und")


def analyze(engine: Engine, document_ids: Iterable[int] | None = None, *, only_pending: bool = False,
            progress: Callable[[int], None] | None = None, batch_size: int = 16, workers: int = 1) -> AnalysisSummary:
    """Analyse stored documents (all, the given ids, or only those never analysed) and re-cluster.

    `workers` > 1 parses in that many processes (spaCy's n_process); stages and storage stay here."""
    summary = AnalysisSummary()
    q = select(db.documents.c.id, db.documents.c.text, db.documents.c.published, db.documents.c.language,
               db.documents.c.outlet, db.documents.c.url, db.documents.c.title)
    if document_ids is not None:
        q = q.where(db.documents.c.id.in_(list(document_ids)))
    if only_pending:
        q = q.where(db.documents.c.analysis_status == "pending")
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(db.documents.c.id)).all()
    english = [r for r in rows if _english(r.language)]
    for r in rows:
        if not _english(r.language):
            note = f"not English (detected language: {r.language})"
            with engine.begin() as conn:
                conn.execute(update(db.documents).where(db.documents.c.id == r.id)
                             .values(analysis_status="skipped", analysis_note=note))
            summary.skipped.append((r.id, note))
            if progress:
                progress(1)
    nlp = statements.pipeline()
    reporters = {r.id: narration.reporter(r.outlet, r.url, r.title, r.id) for r in english}
    texts = {r.id: r.text for r in english}
    for spacy_doc, (doc_id, published) in _parse_all(nlp, english, batch_size, workers):
        try:
            result = analyze_parsed(spacy_doc, doc_id, published, reporters[doc_id])
            if spacy_doc.text != texts[doc_id]:  # parsed with its soft wraps as spaces
                result = restore_spans(result, texts[doc_id])
            save_result(engine, result)
        except Exception as exc:  # one bad document must not stop the batch
            summary.failed.append((doc_id, f"{type(exc).__name__}: {exc}"))
            with engine.begin() as conn:
                conn.execute(update(db.documents).where(db.documents.c.id == doc_id)
                             .values(analysis_status="failed", analysis_note=str(exc)[:2000]))
        else:
            summary.documents += 1
            summary.statements += len(result.statements)
            summary.places += len(result.places)
            summary.allegations += len(result.allegations)
            summary.assessments += len(result.assessments)
        if progress:
            progress(1)
    summary.incidents = recluster(engine)
    return summary


LONG_TEXT = 100_000  # characters; longer documents are parsed in paragraph-aligned chunks


def _parse_all(nlp, rows, batch_size: int, workers: int):
    """(Doc, (id, published)) for each row, in order: short texts batched through nlp.pipe, long ones
    chunked by paragraphs so memory stays bounded and offsets stay exact; soft wraps of hard-wrapped text
    are read as spaces (nlp.reflow), so a sentence wrapped across lines is parsed as one."""
    short = [r for r in rows if len(r.text) <= LONG_TEXT]
    yield from nlp.pipe(((reflow(r.text), (r.id, r.published)) for r in short), as_tuples=True,
                        batch_size=batch_size, n_process=max(1, workers))
    for r in rows:
        if len(r.text) > LONG_TEXT:
            yield statements.parse(nlp, reflow(r.text), LONG_TEXT), (r.id, r.published)


def save_result(engine: Engine, result: DocumentResult) -> None:
    """Store one document's results in one transaction, replacing its earlier machine results."""
    from .audit import append_event, document_records, watch

    counts = {"statements": len(result.statements), "places": len(result.places),
              "allegations": len(result.allegations), "assessments": len(result.assessments)}
    with engine.begin() as conn:
        w = watch(conn, document_records(result.document_id))  # re-analysis rewrites: log what changed
        run_id = conn.execute(db.analysis_runs.insert().values(
            document_id=result.document_id, extractor_version=EXTRACTOR_VERSION, counts=counts,
            finished_at=db.utcnow())).inserted_primary_key[0]
        for table, records in ((db.statements, result.statements), (db.allegations, result.allegations),
                               (db.assessments, result.assessments)):
            db.replace_machine_records(conn, table, result.document_id, run_id, [as_dict(x) for x in records])
        places = [dict(as_dict(p), id=f"D{result.document_id}.P{i}") for i, p in enumerate(result.places, 1)]
        db.replace_machine_records(conn, db.places, result.document_id, run_id, places)
        conn.execute(update(db.documents).where(db.documents.c.id == result.document_id)
                     .values(analysis_status="analyzed", analysis_note=None))
        append_event(conn, "claimledger", "analyze", "document", str(result.document_id),
                     {"run_id": run_id, "extractor_version": EXTRACTOR_VERSION, **counts}, watch=w)


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
