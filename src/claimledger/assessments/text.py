"""Text helpers shared by the assessment steps: folding, sentence bounds, name stems, weapon mentions."""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=4096)  # a verifier's sentence is folded once for every allegation it is compared with
def _fold(text: str | None) -> str:
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()

NEG = r"(?:n['\u2019]t|not|never)"


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence(s) holding text[start:end] (paragraph breaks and .!? end sentences)."""
    left = max(text.rfind("\n", 0, start), *(text.rfind(p, 0, start) for p in (". ", "? ", "! ")))
    left = 0 if left < 0 else left + 1
    m = re.compile(r"[.!?][\"'\u201d\u2019]?(\s|$)|\n").search(text, end)
    right = m.end() if m else len(text)
    return left, right


def _stem_match(a: str | None, b: str | None, n: int = 4) -> bool:
    """Whether two names share a meaningful word stem ("Azeri" ~ "Azerbaijan", "Syrian" ~ "Syria")."""
    stop = {"the", "of", "and", "or", "forces", "force", "army", "government", "military", "troops", "side",
            "ministry", "office", "de", "facto", "authorities", "units", "regime", "human", "rights", "said"}
    ta = [t for t in re.findall(r"[a-z]+", _fold(a)) if t not in stop and len(t) >= 3]
    tb = [t for t in re.findall(r"[a-z]+", _fold(b)) if t not in stop and len(t) >= 3]
    return any(x[:n] == y[:n] for x in ta for y in tb)


GENERIC_WEAPON_WORDS = {"bomb", "bombs", "missile", "missiles", "rocket", "rockets", "shell", "shells", "munition",
                        "munitions", "weapon", "weapons", "drone", "drones", "strike", "strikes", "systems", "system",
                        "artillery", "aircraft", "made", "heavy", "guided", "explosive", "laden"}


def _weapon_mentioned(weapon_name: str, text: str) -> bool:
    name = _fold(weapon_name)
    if name and name in text:
        return True
    words = [w for w in re.findall(r"[a-z0-9\-]+", name) if w not in GENERIC_WEAPON_WORDS and len(w) >= 4]
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)

