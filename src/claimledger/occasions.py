"""When and through what channel a statement was made: dates in the attribution words, "the next day"
counted from an earlier date, the occasion a statement continues, and the medium ("in a video", "on Telegram")."""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, timedelta

from spacy.tokens import Doc

from .attribution import _Raw, _subject, _subtree
from .nlp import doc_text as _text
from .nlp import per_doc
from .models import Span
from .spanindex import SpanIndex
from .speakers import PRONOUNS
from .time import find_dates

CHANNELS = [
    ("press conference", re.compile(r"\b(?:press|news) (?:conference|briefing)\b", re.I)),
    ("interview", re.compile(r"\binterview\b", re.I)),
    ("statement", re.compile(r"\b(?:statement|communiqu[eé]|press release)\b", re.I)),
    ("video", re.compile(r"\bvideo\b", re.I)),
    ("television", re.compile(r"\b(?:television|televised|TV|broadcast)\b")),
    ("Facebook", re.compile(r"\bFacebook\b")),
    ("Telegram", re.compile(r"\bTelegram\b")),
    ("Twitter", re.compile(r"\bTwitter\b|\btweet", re.I)),
    ("X", re.compile(r"\bon X\b")),
    ("Instagram", re.compile(r"\bInstagram\b")),
    ("telephone", re.compile(r"\b(?:tele)?phone\b", re.I)),
    ("report", re.compile(r"\breport\b", re.I)),
]
LEADING_DATE = re.compile(r"(?:(?:late|early|earlier)\s+)?(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                          r"Saturday|Sunday|yesterday|today|last\s+week)(?:\s+(?:morning|afternoon|evening|night))?"
                          r",?\s+(?=\w)")
ANAPHORIC_DAYS = re.compile(r"\b(?:the\s+(?P<next>next|following)\s+day|the\s+day\s+(?P<before>before)|"
                            r"(?P<same>at\s+the\s+time|that\s+day|the\s+same\s+day))\b", re.I)


def _when(text: str, r: _Raw, published: date | None, quotes: list[tuple[int, int]] = ()) -> tuple[str | None, Span | None]:
    """The date the statement was made: a date in the attribution words, or "the next day"/"at the time"
    counted from the last date mentioned before the cue."""
    for s, e in r.zone:
        for m in find_dates(text, published, s, e):
            return m.value, m.span
    for s, e in r.zone:
        m = ANAPHORIC_DAYS.search(text, s, e)
        if not m:
            continue
        last = next((d for d in _dates_before(r.cue.doc, published, min(m.start(), r.cue.idx))
                     if not SpanIndex.of(quotes).inside(d.span.start)), None)  # a quote's "today" is the speaker's
        if last is None:
            continue
        value = last.value
        if len(value) == 10 and not m.group("same"):
            shift = 1 if m.group("next") else -1
            value = (date.fromisoformat(value) + timedelta(days=shift)).isoformat()
            if published and value > published.isoformat():
                continue
        return value, Span.of(text, m.start(), m.end())
    return None, None


def _dates_before(doc: Doc, published: date | None, end: int):
    """The document's dates ending by `end`, latest first (found once per document)."""
    found = per_doc(doc, f"dates {published}", lambda d: find_dates(_text(d), published))
    ends = per_doc(doc, f"date ends {published}", lambda d: [x.span.end for x in found])
    return (found[i] for i in range(bisect_right(ends, end) - 1, -1, -1))


RELATIVE_DAY = re.compile(r"\b(?:today|yesterday|tonight|overnight|this (?:morning|afternoon|evening)|Monday|Tuesday|"
                          r"Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)
CHANNEL_NP = re.compile(r"\b(?:in|on|during)\s+(?:a|an|the|its|his|her|their)\s+(?:(?:televised|recorded|online|"
                        r"press|joint|separate)\s+)?(video|statement|interview|post|briefing|broadcast|address|speech)\b",
                        re.I)


def _assign_dates(doc: Doc, raws: list[_Raw], published: date | None, quotes, spans: dict) -> None:
    """Each statement's date: its own attribution words, else the occasion it continues (the statement it
    shares a speaker, document or relayer with), else the reporting context the article set up."""
    text = _text(doc)
    last_by: dict[str, _Raw] = {}
    ordered = sorted(raws, key=lambda x: x.cue.idx)  # in text order, so a statement can take an earlier one's date
    for k, r in enumerate(ordered):
        r.date, spans[id(r)] = _when(text, r, published, quotes)
        if r.in_quote is not None and spans[id(r)] is not None and RELATIVE_DAY.search(spans[id(r)].text):
            r.date, spans[id(r)] = None, None  # a quoted document's "today" is its own day, not the article's
        prev = last_by.get(r.speaker.name) if r.speaker else None
        if prev is not None and _paragraph_breaks(text, prev.cue.idx, r.cue.idx) > 1:
            prev = None  # only a speaker's statement in this or the previous paragraph continues the occasion
        for other in (r.date_from, r.inherited, r.reported_by if isinstance(r.reported_by, _Raw) else None, prev):
            if r.date is None and other is not None and other.date:
                r.date = other.date
        if r.date is None:
            r.date = _context_date(doc, r, published, quotes, (ordered[j] for j in range(k - 1, -1, -1)
                                                               if ordered[j].date and ordered[j].cue.idx < r.cue.idx))
        if r.speaker and r.in_quote is None:
            last_by[r.speaker.name] = r
    # a speaker the article quotes on a single dated occasion made its other statements then too
    by_actor: dict[str, set[str]] = {}
    for r in ordered:
        if r.date and r.speaker and r.in_quote is None:
            by_actor.setdefault(r.speaker.actor or r.speaker.name, set()).add(r.date)
    for r in ordered:
        dates = by_actor.get(r.speaker.actor or r.speaker.name, set()) if r.speaker else set()
        if r.date is None and len(dates) == 1:
            r.date = next(iter(dates))
        outer = r.reported_by if isinstance(r.reported_by, _Raw) else None
        if r.date is None and outer is not None and outer.date:
            r.date = outer.date


def _paragraph_breaks(text: str, start: int, end: int) -> int:
    """How many runs of line breaks lie in text[start:end], counting no further than two."""
    at = text.find("\n", start, end)
    if at < 0:
        return 0
    while at < end and text[at] == "\n":
        at += 1
    return 1 if text.find("\n", at, end) < 0 else 2


def _context_date(doc: Doc, r: _Raw, published, quotes, dated) -> str | None:
    """The occasion set up just before: "SANA said nothing on Thursday. It quoted ..." (a pronoun subject takes
    the time of the sentence before), or "X, in a video, urged ... . X asserted ..." (the same kind of document
    as an earlier dated statement's)."""
    text = _text(doc)
    sent = r.cue.sent
    subj = _subject(r.cue)
    prev = doc[sent.start - 1].sent if sent.start > 0 else None
    if subj is not None and subj.lower_ in PRONOUNS and prev is not None and "\n" not in text[prev.end_char:sent.start_char]:
        skip = [_subtree(c) for c in prev.root.children if c.dep_ in ("ccomp", "xcomp")]
        for d in find_dates(text, published, prev.start_char, prev.end_char):
            if not any(a <= d.span.start < b for a, b in skip) and not SpanIndex.of(quotes).inside(d.span.start):
                return d.value
    if r.speaker is None or not r.speaker.name or r.speaker.name == "unknown":
        return None
    surname = r.speaker.name.split()[-1]
    lo = text.rfind("\n", 0, r.cue.idx) + 1
    for m in CHANNEL_NP.finditer(text, lo, sent.end_char):
        intro = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if intro is None or surname not in intro.sent.text:
            continue
        noun = m.group(1).lower()
        back = lo
        while back > 0 and text[back - 1] == "\n":
            back -= 1
        back = text.rfind("\n", 0, back) + 1  # this paragraph and the one before
        for d in dated:  # latest first
            if d.cue.idx < back:
                break
            if any(noun in text[a:b].lower() for a, b in d.zone):
                return d.date
    return None


def _channel(text: str, r: _Raw) -> str | None:
    words = " ".join(text[s:e] for s, e in r.zone)
    if r.cue.lemma_.lower() == "tweet":
        return "Twitter"
    for name, pattern in CHANNELS:
        if pattern.search(words):
            return name
    return None
