"""Sides: whom a speaker speaks for, which states an article is about, and whether two names are one doer.

General rules over names, demonyms and the document's places; the allegation stage asks them when it fills in
and compares perpetrators.
"""
from __future__ import annotations

import re

from . import actors
from .gazetteer import country_name
from .models import Place, Statement


def speaker_actor(st: Statement) -> str | None:
    """The party a speaker speaks for: registry actor or side, else a country in the name or role."""
    sp = st.speaker
    return (sp.side or actors.country_in(" ".join(x for x in (sp.name, sp.role or "") if x))
            or (sp.actor if sp.kind == "party" else None)
            or (sp.name if sp.type in ("government", "armed_group")  # not "an army officer", "its media office"
                and not re.match(r"(?:an?|its|their|his|her)\s", sp.name, re.I) else None))


def belligerents(text: str) -> list[str]:
    """Countries most named in sentences about attacks, most named first (a general guess at the two sides)."""
    counts: dict[str, int] = {}
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if actors.ATTACK.search(sentence):
            for word in re.findall(r"[A-Z][A-Za-z\-]+", sentence):
                c = actors.country_in(word)
                if c:
                    counts[c] = counts.get(c, 0) + 1
    return [c for c, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= 2]


def country_of(places: list[Place]) -> list[str]:
    """The country most of the document's places lie in, when no belligerent is named: whose forces "the
    military" are."""
    codes = [p.country for p in places if p.country and p.lat is not None]
    if not codes:
        return []
    best = max(set(codes), key=codes.count)
    name = country_name(best)
    return [name] if name and codes.count(best) * 2 > len(codes) else []


def stem(name: str | None) -> set[str]:
    """5-letter stems of a name's meaningful words, for comparing perpetrators ("Armenian forces" ~ "Armenia")."""
    stop = {"the", "of", "forces", "force", "army", "military", "government", "troops", "side", "units", "unit",
            "soldiers", "s", "and", "or", "regime", "authorities", "aircraft"}
    words = [w for w in re.findall(r"[a-z0-9]+", (name or "").lower()) if w not in stop and len(w) > 2]
    country = actors.country_in(name or "")
    stems = {w[:5] for w in words}
    caps = re.findall(r"\b([A-Z])[a-z]+", name or "")
    if len(caps) >= 2:  # "Rapid Support Forces" ~ "RSF fighters"
        stems.add("".join(caps).lower())
    if country:
        stems.add(country.lower()[:5])
    if name and (actor := actors.lookup(name)):  # "M23 fighters" ~ "March 23 Movement": one registry actor
        stems.add("@" + actor.name.lower())
    return stems


def same_perpetrator(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return not a and not b
    return bool(stem(a) & stem(b)) or strip_the(a) == strip_the(b)  # "the army" ~ "army"


def strip_the(name: str) -> str:
    return re.sub(r"^the\s+", "", name.lower()).strip()


def side_of(st: Statement) -> str | None:
    sp = st.speaker
    return sp.side or actors.country_in(" ".join(x for x in (sp.name, sp.role or "") if x))


def same_side(a: Statement, b: Statement) -> bool:
    """Same speaker, or speakers of one side (unknown sides do not disagree; a verifier sides with no one)."""
    if stem(a.speaker.name) & stem(b.speaker.name) or "independent_verifier" in (a.speaker.kind, b.speaker.kind):
        return True
    sa, sb = side_of(a), side_of(b)
    return sa == sb or not (sa and sb)


def states_own(st: Statement, state: str) -> bool:
    """An officer or official of that state ("an army officer", "a spokesman for the military government")
    telling of its forces' act: a self-claim."""
    sp = st.speaker
    if sp.kind not in ("unknown", "party") or sp.type == "armed_group" or (sp.side and sp.side != state):
        return False
    words = set(re.findall(r"[a-z]+", f"{sp.name} {sp.role or ''}".lower()))
    return bool(words & (actors.MILITARY_WORDS | {"junta", "government"})) and not words & actors.ARMED_GROUP_WORDS


def opponent(st: Statement, belligerents: list[str]) -> str | None:
    """"the enemy" in a party's mouth: the other of the document's two main belligerents."""
    own = speaker_actor(st)
    if not own or own not in belligerents[:2]:
        return None
    others = [b for b in belligerents[:2] if b != own]
    return others[0] if others else None
