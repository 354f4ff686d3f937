"""Runs the stages over stored documents: statements, places, allegations, assessments, then incidents.

Each document is analysed and committed on its own, so a crash loses at most the document in hand and
a re-run replaces machine results idempotently (analyst edits are kept). A document that fails, whatever
the error (memory and recursion included), is marked failed with the reason and the others go on; a long
one is analysed part by part (see `parts`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Iterator

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from . import allegations as allegation_stage
from . import assessments, db, geo, incidents, narration, parts, statements
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
    for row, parsed in _parse_all(nlp, english, batch_size, workers):
        result = None
        try:  # one bad document must not stop the batch, nor keep the incidents from being rebuilt
            if isinstance(parsed, Exception):
                raise parsed
            if parsed is None:
                result = analyze_long(nlp, row.text, row.id, row.published, reporters[row.id])
            else:
                result = _analyzed(parsed, row.text, row.id, row.published, reporters[row.id])
            save_result(engine, result)
        except Exception as exc:  # MemoryError and RecursionError too
            summary.failed.append((row.id, mark_failed(engine, row.id, exc)))
        else:
            summary.documents += 1
            n = result.counts()
            summary.statements += n["statements"]
            summary.places += n["places"]
            summary.allegations += n["allegations"]
            summary.assessments += n["assessments"]
        finally:
            if isinstance(result, parts.Spool):
                result.close()
        if progress:
            progress(1)
    summary.incidents = recluster(engine)
    return summary


def mark_failed(engine: Engine, document_id: int, exc: BaseException) -> str:
    """Record why a document failed (its status becomes "failed", so later runs of pending documents pass it
    by); the reason is returned. A failure to record it is part of the reason, never a crash of the run."""
    why = f"{type(exc).__name__}: {exc}".strip().rstrip(":")[:2000]
    try:
        with engine.begin() as conn:
            conn.execute(update(db.documents).where(db.documents.c.id == document_id)
                         .values(analysis_status="failed", analysis_note=why))
    except Exception as again:
        why += f" (and the failure could not be recorded: {type(again).__name__})"
    return why


def _parse_all(nlp, rows, batch_size: int, workers: int):
    """(row, Doc) for each short row, in order, batched through nlp.pipe (soft wraps of hard-wrapped text read
    as spaces, nlp.reflow, so a sentence wrapped across lines is parsed as one); (row, None) for a long one, which
    `analyze_long` parses part by part; (row, exception) for a row the parser failed on. A failure inside a
    batch sends the rest through one at a time, so it costs only its own document."""
    short = [r for r in rows if len(r.text) <= parts.LONG_TEXT]
    done = 0
    try:
        for doc, i in nlp.pipe(((reflow(r.text), i) for i, r in enumerate(short)), as_tuples=True, batch_size=batch_size,
                               n_process=max(1, workers)):
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
            yield r, None


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


def save_result(engine: Engine, result: DocumentResult | parts.Spool) -> None:
    """Store one document's results in one transaction, replacing its earlier machine results."""
    from .audit import append_event, document_records, watch

    counts = result.counts()
    with engine.begin() as conn:
        w = watch(conn, document_records(result.document_id))  # re-analysis rewrites: log what changed
        run_id = conn.execute(db.analysis_runs.insert().values(
            document_id=result.document_id, extractor_version=EXTRACTOR_VERSION, counts=counts,
            finished_at=db.utcnow())).inserted_primary_key[0]
        for kind in ("statements", "allegations", "assessments", "places"):
            db.replace_machine_records(conn, getattr(db, kind), result.document_id, run_id, result.records(kind))
        conn.execute(update(db.documents).where(db.documents.c.id == result.document_id)
                     .values(analysis_status="analyzed", analysis_note=None))
        append_event(conn, "claimledger", "analyze", "document", str(result.document_id),
                     {"run_id": run_id, "extractor_version": EXTRACTOR_VERSION, **counts}, watch=w)


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
