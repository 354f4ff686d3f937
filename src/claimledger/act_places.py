"""Where an alleged act happened: the places in its stretch of text, else in its sentence, else the town or
region that "the city" / "the region" points back to. Places the place finder got wrong for this purpose
(a weapon, a demonym, the speaker's base) are left out.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from . import munitions
from .nlp import doc_text
from .models import Place, Statement


def sentences(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character range of the sentences overlapping [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return start, end
    text = doc_text(doc)  # a headline the parser joined to the first sentence stays out
    lo = max(span[0].sent.start_char, text.rfind("\n", 0, start) + 1)
    hi = text.find("\n", end)
    return min(start, lo), max(end, min(span[-1].sent.end_char, hi if hi >= 0 else len(text)))


def tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """Tokens lying wholly inside [start, end)."""
    span = doc.char_span(max(0, start), min(end, len(doc_text(doc))), alignment_mode="contract")
    return list(span) if span is not None else []


def event_places(doc: Doc, places: list[Place], start: int, end: int, st: Statement,
                 guesses: bool = False) -> list[Place]:
    """Places inside [start, end) that are not the speaker's base or title ("the Kyiv-based group");
    `guesses`: also places the gazetteer lacks, set at the nearest town named."""
    text = doc_text(doc)
    mention = st.speaker.mention
    out = []
    for p in places:
        if not (start <= p.start and p.end <= end):
            continue
        if mention and mention.start <= p.start < mention.end:
            continue
        if not locates(p, guesses) or munitions.lookup(p.name) or _names_people(doc, p):
            continue  # a weapon ("FAB-500") or a demonym ("Russian") the place finder took for a toponym
        if re.match(r"[\-\u2010\u2011]based\b", text[p.end:p.end + 7]) or (
                re.search(r"\b(?:from|in)\s+$", text[max(0, p.start - 6):p.start]) and _near_cue(st, p)):
            continue
        if ORIGIN.search(text[max(start, p.start - 60):p.start]):
            continue  # "fired from the Kursk region", "from positions north of X": where the fire came from
        out.append(p)
    return out


# "fired from X", "from positions north of X": where the fire came from, not where it struck
ORIGIN = re.compile(r"(?:\b(?:fired|launched|shot|released|came|coming|flown)\b[^.,;]{0,25}\bfrom\s+|\bfrom\s+"
                    r"(?:[\w'\u2019\-]+\s+){0,3}(?:positions?|territory|bases?|airspace)\s+)(?:[\w'\u2019\-]+\s+){0,4}$")


def _names_people(doc: Doc, p: Place) -> bool:
    toks = tokens(doc, p.start, p.end)
    return len(toks) == 1 and p.precision == "country" and (toks[0].pos_ == "ADJ" or toks[0].ent_type_ == "NORP")


def guessed(p: Place) -> bool:
    """A place the gazetteer lacks, set at the nearest town the text names (geo.py says so)."""
    return "nearest town named" in (p.resolved_by or "")


def locates(p: Place, guesses: bool = False) -> bool:
    """geo.py marks toponyms that only qualify something ("Azeri officials", "the Baku-based group")."""
    if guessed(p) and not guesses:
        return False  # a guess at where an unknown feature lies: only when nothing better is named
    role = (p.resolved_by or "").partition("role=")[2]
    if not role:
        return True
    # a town inside a long name is more often a parser slip than an organisation ("the civilians of Ganja")
    return role == "organisation" and p.precision in ("town", "district", "facility")


LOCATIVE = re.compile(r"\b(?:in|at|near|outside|around|into|on|of)\s+(?:the\s+)?(?:(?:village|town|city|hamlet|"
                      r"settlement|district|area)\s+of\s+)?$", re.I)


def _located_at(text: str, p: Place) -> bool:
    """A guessed place that a locative preposition puts the act at ("near Smalltown", "in the village of
    Smalltown"), not a name that merely looks like a town ("told Smalltown Radio")."""
    return guessed(p) and bool(LOCATIVE.search(text[max(0, p.start - 40):p.start]))


def _near_cue(st: Statement, p: Place) -> bool:
    """A place right after the reporting verb ("told reporters from Stepanakert") is where the speaker was."""
    cue = st.cue_span
    return bool(cue) and 0 <= p.start - cue.end <= 60 and not (st.content.start <= p.start < st.content.end)


def _fine(places: list[Place]) -> list[Place]:
    return [p for p in places if p.precision != "country"]


def act_places(doc: Doc, places: list[Place], f0: int, f1: int, st: Statement, s0: int, s1: int,
               series: bool = False, others: tuple[tuple[int, int], ...] = ()) -> list[Place]:
    """Where the act happened: places in its stretch, else in its sentence, else the town or region that
    "the city" / "the region" points back to, else (in a `series` of one actor's acts) the place of the act told
    just before; countries only when nothing finer is named."""
    text = doc_text(doc)
    c0, c1 = st.content.start, st.content.end
    found = event_places(doc, places, f0, f1, st)
    if not _fine(found):  # a fragment: "..., referring to an attack on the city of X"
        found += [p for p in event_places(doc, places, s0, s1, st) if not (c0 <= p.start < c1)
                  and not any(lo <= p.start < hi for lo, hi in others)  # another statement's place
                  and not (st.cue_span and p.end <= st.cue_span.start < c0)]  # "In Kyiv, X told ... that"
    anaphor = re.search(r"\b(?:the|this) (city|town|village|region|area)\b(?! of [A-Z])", text[s0:s1], re.I)
    if anaphor and not _fine(found):
        if anaphor.group(1).lower() in ("region", "area"):  # the article's region, even as in "Karabakh Armenians"
            found += [p for p in places if p.end <= s0 and p.precision == "region" and p.lat is not None][-1:]
        else:  # the last town named in this paragraph or the one before
            breaks = [m.end() for m in re.finditer(r"\n\s*", text[:s0])]
            lo = breaks[-2] if len(breaks) >= 2 else 0
            towns = [p for p in places if p.end <= s0 and p.precision in ("town", "district", "facility")
                     and locates(p)]
            found += [p for p in towns if lo <= p.start][-1:] or sorted(  # else the town the article is about
                [p for p in towns if p.precision != "facility"],
                key=lambda p: -sum(q.name == p.name for q in towns))[:1]
    if not _fine(found) and series and c0 < f0:  # "stormed a camp near X, looting stores": the act told just before
        found += _fine(event_places(doc, places, c0, f0, st))[-1:]
    if not [p for p in _fine(found) if p.lat is not None]:  # "a strike near Smalltown": placed by its neighbour
        found += [p for p in event_places(doc, places, f0, f1, st, guesses=True) if _located_at(text, p)][:1] or [
            p for p in event_places(doc, places, s0, s1, st, guesses=True) if _located_at(text, p)
            and not any(lo <= p.start < hi for lo, hi in others)][:1]
    found = _fine(found) or found
    return [p for i, p in enumerate(found) if p.name.lower() not in {q.name.lower() for q in found[:i]}]


def close(pa: list[Place], pb: list[Place], km: float = 10.0) -> bool:
    from .geo import distance_km

    return any(distance_km(p.lat, p.lon, q.lat, q.lon) <= km for p in pa for q in pb
               if None not in (p.lat, p.lon, q.lat, q.lon))
