"""What was harmed: the targets an act is said to have hit, and casualty figures, with their spans.

Targets are nouns of general news English ("residential districts", "a hospital", "military positions")
with a kind: civilians | settlement | facility | infrastructure | military. Casualty figures are killed and
injured counts as min/max: "killing at least 12" → killed 12..None; "more than 2,000" → 2001..None;
"dozens" → 24..None; "a ten-year-old boy killed" → 1..1. Exact figures give min == max.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from .models import Casualties, Span, Target

WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
                "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                "hundred": 100, "a dozen": 12, "dozen": 12}
# vague plurals: a lower bound only
VAGUE_NUMBERS = {"several": 3, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "many": 2,
                 "numerous": 2}


PLURALS = {"people", "children", "women", "men", "persons", "families", "members"}


def _number(word: str) -> tuple[int | None, bool]:
    """(value, exact) for "12", "2,000", "five", "a", "dozens"."""
    low = word.lower()
    if re.fullmatch(r"\d[\d,]*", low):
        return int(low.replace(",", "")), True
    if low in WORD_NUMBERS:
        return WORD_NUMBERS[low], True
    if low in VAGUE_NUMBERS:
        return VAGUE_NUMBERS[low], False
    return None, False


_QTY = (r"(?P<mod>at\s+least|more\s+than|over|up\s+to|about|around|nearly|almost|some|as\s+many\s+as)?\s*"
        r"(?P<num>\d[\d,]*|a\s+dozen|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
        r"seventy|eighty|ninety|hundred|several|dozens|scores|hundreds|thousands)")
_PERSON = (r"(?P<who>(?:(?!(?:and|or|of|in|at|on|\d+)\b)[\w\-]+\s+){0,3}?"
           r"(?:civilians?|people|persons|children|child|boys?|girls?|women|woman|men|man|"
           r"residents?|soldiers?|fighters?|workers?|employees?|members|villagers|worshippers|students|patients|"
           r"journalists?|medics?|doctors?|infants?|babies|toddlers?|family|families))")
_KILLED = (r"(?P<kind>killed|dead|died|killing|kills|kill|wounded|wounding|injured|injuring|injuries|"
           r"hospitali[sz]ed|hurt)")
CASUALTY_PATTERNS = (
    re.compile(rf"\b{_KILLED}\s+{_QTY.replace('(?P<mod>', '(?P<mod0>', 1)}(?:\s+{_PERSON})?\b", re.I),
    re.compile(rf"\b{_QTY}\s+(?:(?:wounded|injured|dead)\s+)?{_PERSON}(?:[^.;]{{0,40}}?)\b{_KILLED}\b", re.I),
    re.compile(rf"\b{_QTY}\s+(?P<kind2>wounded|injured|dead)\s+{_PERSON}", re.I),
)


def casualties(text: str, start: int = 0, end: int | None = None) -> Casualties | None:
    """Killed and injured counts (min/max) with their spans; the first figure of each kind wins."""
    end = len(text) if end is None else end
    cas = Casualties()
    window = text[start:end]
    found = False
    for pat in CASUALTY_PATTERNS:
        for m in pat.finditer(window):
            g = m.groupdict()
            kind = (g.get("kind2") or g.get("kind") or "").lower()
            killed = kind in ("killed", "dead", "died", "killing", "kills", "kill")
            num = re.sub(r"\s+", " ", g["num"])
            value, exact = _number(num)
            if value is None:
                continue
            who_last = ((g.get("who") or "").lower().split() or [""])[-1]
            if num.lower() in ("a", "an", "one") and (not who_last or who_last.endswith("s") or who_last in PLURALS):
                continue  # "a school and four people": "a" counts nobody
            mod = (g.get("mod") or g.get("mod0") or "").lower().split(" ")[0]
            lo, hi = value, (value if exact and not mod else None)
            if mod in ("more", "over"):
                lo = value + 1
            elif mod in ("up", "nearly", "almost"):
                lo, hi = None, value
            who = (g.get("who") or "").lower()
            if killed and cas.killed_min is None and cas.killed_max is None:
                cas.killed_min, cas.killed_max = lo, hi
            elif not killed and cas.injured_min is None and cas.injured_max is None:
                cas.injured_min, cas.injured_max = lo, hi
            else:
                continue
            tail = window[m.end():m.end() + 40].lower()  # "six people, including a child"
            if re.search(r"civilian|child|boy|girl|women|woman|resident|villager|worker|employee|famil|infant|bab",
                         who + " " + tail.split(";")[0]):
                cas.civilian = True
            found = True
            cas.spans.append(Span.of(text, start + m.start(), start + m.end()))
    if re.search(r"\bcivilian (?:casualties|deaths|victims)\b", window, re.I):
        cas.civilian, found = True, True
        m = re.search(r"\bcivilian (?:casualties|deaths|victims)\b", window, re.I)
        cas.spans.append(Span.of(text, start + m.start(), start + m.end()))
    return cas if found else None


_KINDS = {
    "civilians": "civilians civilian people population residents children women families",
    "settlement": "city cities town towns village villages capital settlement settlements neighbourhood neighborhood "
                  "area areas district districts quarter homes home houses house buildings building blocks "
                  "apartments objects street",
    "facility": "hospital hospitals clinic school schools market markets mosque church bakery shelter camp camps "
                "courtyard ward university kindergarten",
    "infrastructure": "infrastructure infrastructures plant plants reservoir dam bridge airport airports station "
                      "port pipeline grid",
}
CIVILIAN_TARGETS = {w: kind for kind, words in _KINDS.items() for w in words.split()}
MILITARY_TARGETS = {"positions", "position", "targets", "target", "bases", "base", "depots", "depot",
                    "posts", "objectives", "formations", "troops", "soldiers", "units", "convoy", "barracks"}


def verb_like(tok: Token) -> bool:
    """A present-tense act verb the tagger took for a plural noun: "X deliberately targets the ..."."""
    if tok.pos_ != "NOUN" or tok.lower_ not in ("targets", "attacks", "strikes", "shells", "bombs", "hits", "raids"):
        return False
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    prev = tok.nbor(-1) if tok.i > 0 else None
    return bool(nxt is not None and nxt.pos_ in ("DET", "PROPN") and prev is not None
                and (prev.pos_ in ("ADV", "PROPN") or prev.lower_.endswith("ly")))


def targets(doc: Doc, text: str, start: int, end: int) -> list[Target]:
    """Target nouns in text[start:end] (text is doc.text, passed in because spaCy rebuilds it per access)."""
    out, seen = [], set()
    span = doc.char_span(start, end, alignment_mode="contract")
    for tok in span if span is not None else []:
        low = tok.lower_
        kind = CIVILIAN_TARGETS.get(low)
        if kind is None and low in MILITARY_TARGETS and tok.pos_ == "NOUN":
            kind = "military"
        if kind is None or tok.pos_ not in ("NOUN", "PROPN") or verb_like(tok):
            continue
        if tok.dep_ in ("compound",) and tok.head.lower_ in CIVILIAN_TARGETS:
            continue
        s = min(c.idx for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod")) if any(
            c.dep_ in ("amod", "compound", "nmod") for c in tok.lefts) else tok.idx
        s = max(s, start)
        e = tok.idx + len(tok)
        if (s, e) in seen or text[s:e].lower() in seen:
            continue
        seen.update({(s, e), text[s:e].lower()})
        if kind == "military" and "civilian" in text[s:e].lower():
            kind = "civilians"
        out.append(Target(name=text[s:e], span=Span.of(text, s, e), kind=kind))
    return out
