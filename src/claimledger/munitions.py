"""The munitions knowledge base: weapon systems, their category, origin, cluster capability and treaty status.

`data/munitions.json` is compiled from public references (each entry names its `source`). Generic mentions
("cluster bombs", "artillery", "drones") are entries too (`generic: true`), so every mention maps to a category;
aircraft and helicopters are `platform` entries: they tell how an attack was delivered but are not weapons.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .models import Span, Weapon

PROHIBITED_CATEGORIES = ("cluster munition", "incendiary", "chemical weapon")


def _fold(name: str) -> str:
    """Case, dash and space folding so "Tochka U", "Tochka-U" and "tochka-u" are one key."""
    return re.sub(r"[\s\-‐-―]+", " ", name.lower()).strip()


@lru_cache(maxsize=1)
def entries() -> tuple[dict, ...]:
    """Every knowledge-base entry (loaded once)."""
    raw = resources.files("claimledger").joinpath("data/munitions.json").read_text(encoding="utf-8")
    return tuple(json.loads(raw)["entries"])


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, dict], re.Pattern]:
    """Folded name -> entry (first entry wins, so specific systems beat generic aliases) and one regex."""
    by_name: dict[str, dict] = {}
    for entry in entries():
        for name in (entry["name"], *entry.get("aliases", ())):
            by_name.setdefault(_fold(name), entry)
    # longest names first so the regex alternation prefers "300mm Smerch rocket artillery systems" to "Smerch"
    names = sorted(by_name, key=len, reverse=True)
    parts = [r"[\s\-‐-―]+".join(re.escape(w) for w in n.split(" ")) for n in names]
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)
    return by_name, pattern


def lookup(name: str) -> dict | None:
    """The entry a name or alias refers to, or None."""
    return _index()[0].get(_fold(name))


def is_prohibited(entry: dict | None) -> bool:
    """True for weapons a treaty bans outright: cluster munitions, incendiaries, chemicals, anti-personnel mines.

    A launcher that merely can fire cluster warheads (Smerch, Iskander) is not, though its `cluster` flag is set."""
    if not entry:
        return False
    return entry.get("category") in PROHIBITED_CATEGORIES or any("Ottawa" in t for t in entry.get("treaty", ()))


def find_weapons(text: str, start: int = 0, end: int | None = None, platforms: bool = False) -> list[Weapon]:
    """Weapon mentions in text[start:end], longest match first, with exact spans; platforms only when asked."""
    end = len(text) if end is None else end
    out = []
    for s, e, name, entry in (_matches(text) if len(text) > 400 else _scan(text, start, end)):
        if s < start or e > end or (entry.get("platform") and not platforms):
            continue
        out.append(Weapon(name=name, span=Span.of(text, s, e), kb_id=entry["id"],
                          category=entry["category"], cluster=bool(entry.get("cluster"))))
    return out


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(re.findall(r"\w+", name)[0] for name in _index()[0] if re.search(r"\w", name))


def _scan(text: str, start: int = 0, end: int | None = None) -> tuple[tuple[int, int, str, dict], ...]:
    """Mentions in text[start:end]: the big alternation is tried only where a word opens some name."""
    end = len(text) if end is None else end
    pattern, first, out, pos = _index()[1], _first_words(), [], start
    for w in _WORD.finditer(text, start, end):
        if w.start() < pos or w.group(0).lower() not in first:
            continue
        m = pattern.match(text, w.start(), end)
        if m and (entry := lookup(m.group(0))) is not None:
            out.append((m.start(), m.end(), m.group(0), entry))
            pos = m.end()
    return tuple(out)


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4)
def _matches(text: str) -> tuple[tuple[int, int, str, dict], ...]:
    """Every mention in a document, scanned once: the stages ask about many stretches of it."""
    return _scan(text)


def delivery(weapon: Weapon) -> str | None:
    """How a weapon is usually delivered, as an act: shelling, airstrike, missile_strike or drone_strike."""
    entry = next((e for e in entries() if e["id"] == weapon.kb_id), None)
    return entry.get("delivery") if entry else None
