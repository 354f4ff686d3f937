"""What was harmed: the targets an act is said to have hit, and casualty figures, with their spans.

Targets are nouns of general news English ("residential districts", "a hospital", "military positions")
with a kind: civilians | settlement | facility | infrastructure | military. Casualty figures are killed and
injured counts as min/max: "killing at least 12" → killed 12..None; "more than 2,000" → 2001..None;
"dozens" → 24..None; "a ten-year-old boy killed" → 1..1; "between 10 and 15" → 10..15; "a family of five" → 5..5.
Exact figures give min == max; one figure counts once.
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


_NUM = (r"\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
        r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety")
_QTY = (r"(?P<mod>at\s+least|more\s+than|over|up\s+to|about|around|nearly|almost|some|as\s+many\s+as)?\s*"
        rf"(?:between\s+(?P<rlo>{_NUM})\s+and\s+|(?P<rlo2>\d[\d,]*)\s*(?:to|-|\u2013)\s*)?"  # "between 10 and 15"
        r"(?P<num>\d[\d,]*|a\s+dozen|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
        r"seventy|eighty|ninety|hundred|several|dozens|scores|hundreds|thousands)")
_PERSON = (r"(?P<who>(?:of\s+)?(?:(?!(?:and|or|of|in|at|on|\d[\d,]*(?![\w\-]))\b)[\w\-]+\s+){0,3}?"
           r"(?:civilians?|people|persons|children|child|boys?|girls?|women|woman|men|man|"
           r"residents?|soldiers?|fighters?|workers?|employees?|members|villagers|worshippers|students|patients|"
           r"journalists?|medics?|doctors?|infants?|babies|toddlers?|family|families|officers?|policemen|"
           r"police|troops|servicemen|personnel|guards?|militants?|insurgents?|passengers|pilgrims|shoppers|"
           r"bystanders|victims|others))")
_KILLED = (r"(?P<kind>killed|dead|died|killing|kills|kill|neutrali[sz]ed|wounded|wounding|injured|injuring|injuries|"
           r"hospitali[sz]ed|hurt)")
CASUALTY_PATTERNS = (
    re.compile(rf"\b{_KILLED}\s+(?:of\s+)?{_QTY.replace('(?P<mod>', '(?P<mod0>', 1)}(?:\s+{_PERSON})?\b", re.I),
    re.compile(rf"\b{_QTY}\s+(?:(?:wounded|injured|dead)\s+)?{_PERSON}(?:[^.;]{{0,40}}?)\b{_KILLED}\b", re.I),
    re.compile(rf"\b{_QTY}\s+(?P<kind2>wounded|injured|dead)\s+{_PERSON}", re.I),
    re.compile(rf"\b{_QTY}\s+(?:others\s+|more\s+)?(?:were|was|had\s+been|have\s+been)\s+(?:also\s+)?{_KILLED}\b",
               re.I),  # "dozens were wounded"
    re.compile(rf"\band\s+{_QTY}\s+(?:others\s+|more\s+)?{_KILLED}\b", re.I),  # "four killed and 12 injured"
)


def casualties(text: str, start: int = 0, end: int | None = None) -> Casualties | None:
    """Killed and injured counts (min/max) with their spans; the first figure of each kind wins."""
    end = len(text) if end is None else end
    cas = Casualties()
    window = text[start:end]
    found = False
    used: list[tuple[int, int]] = []
    for pat in CASUALTY_PATTERNS:
        for m in pat.finditer(window):
            if any(m.start("num") < e and s < m.end("num") for s, e in used):
                continue  # one figure counts once: "killed 10 fighters and that no civilians were hurt"
            g = m.groupdict()
            kind = (g.get("kind2") or g.get("kind") or "").lower()
            killed = kind in ("killed", "dead", "died", "killing", "kills", "kill") or kind.startswith("neutrali")
            num = re.sub(r"\s+", " ", g["num"])
            value, exact = _number(num)
            if value is None:
                continue
            size = re.match(rf"\s+of\s+({_NUM})\b", window[m.end("who"):], re.I) if g.get("who") else None
            if size and g["who"].lower().split()[-1] == "family":  # "a family of five"
                num = size.group(1)
                value, exact = _number(num)
            who_last = ((g.get("who") or "").lower().split() or [""])[-1]
            if num.lower() in ("a", "an", "one") and (not who_last or who_last.endswith("s") or who_last in PLURALS):
                continue  # "a school and four people": "a" counts nobody
            mod = (g.get("mod") or g.get("mod0") or "").lower().split(" ")[0]
            lo, hi = value, (value if exact and not mod else None)
            if g.get("rlo") or g.get("rlo2"):
                lo = _number(g.get("rlo") or g.get("rlo2"))[0]
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
            if re.search(r"(?<!no )(?:civilian|child|boy|girl|women|woman|resident|villager|worker|employee|famil|"
                         r"infant|bab)",
                         who + " " + tail.split(";")[0]):
                cas.civilian = True
            found = True
            used.append((m.start("num"), m.end("num")))
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
                "courtyard ward university kindergarten site sites warehouse warehouses hotel hotels restaurant "
                "restaurants cafe shops stores mall church churches mosques",
    "infrastructure": "infrastructure infrastructures plant plants reservoir dam bridge airport airports station "
                      "port pipeline grid",
}
CIVILIAN_TARGETS = {w: kind for kind, words in _KINDS.items() for w in words.split()}
MILITARY_TARGETS = {"positions", "position", "targets", "target", "bases", "base", "depots", "depot",
                    "posts", "objectives", "formations", "troops", "soldiers", "units", "convoy", "barracks",
                    "fighters", "militants", "terrorists", "insurgents", "rebels", "headquarters", "launchers",
                    "centre", "center", "centres", "centers", "hideouts", "hideout", "checkpoint", "checkpoints",
                    "patrol", "patrols", "outpost", "outposts"}
ARMS = {"weapons", "arms", "ammunition", "munitions", "drones", "missiles", "rockets", "shells", "explosives",
        "fighters", "militants"}
# words that make a camp or a centre a military one: "terrorist training camps", "a command centre"
MILITARY_MODIFIERS = {"training", "terrorist", "terrorists", "militant", "military", "command", "rebel", "army",
                      "weapons", "ammunition", "arms", "insurgent", "control", "logistics"}


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
        mods = {c.lower_ for c in tok.lefts if c.dep_ in ("amod", "compound", "nmod")}
        if (kind is None and low in MILITARY_TARGETS and tok.pos_ == "NOUN") or (
                kind and mods & MILITARY_MODIFIERS and "civilian" not in mods):
            kind = "military"
        if kind in ("facility", "infrastructure") and any(  # "a warehouse storing drones"
                c.dep_ == "acl" and c.lemma_ in ("store", "house", "contain", "hold", "hide") and any(
                    g.lower_ in ARMS for g in c.subtree) for c in tok.rights):
            kind = "military"
        if low in ("centre", "center", "centres", "centers") and kind == "military" and not mods & MILITARY_MODIFIERS:
            continue  # "a health centre", "the city centre": neither a military target nor a named one
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
