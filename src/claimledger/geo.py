"""Geoparsing: toponyms found and resolved to coordinates with a precision.

Toponyms come from spaCy entities (GPE/LOC/FAC, demonyms in NORP) checked against the gazetteer
(gazetteer.py), plus gazetteer names inside other entities or capitalised words the tagger missed, small
towns the document's states or nearby places vouch for, names qualified by a region or unit code
("Snetterton, Norfolk", "Horry County, SC") and facilities named like facilities ("Barclays Center").
Each name is resolved once per document (one sense per discourse) by population, the document's country
and state context, an explicit qualifier ("Tripoli, Lebanon") and nearness to the document's other places.
A facility or village the gazetteer lacks is placed where the text puts it ("X Hospital in Rome", "Brooklyn's
X Center", "Y, near Z") or at the nearest well-placed town of the document's main country
(`resolved_by` "inferred: ...").

`Place.resolved_by` reads "<how>" or "<how>; role=<role>". A role marks a toponym that is not where
something happened: `modifier` ("the Baku-based group"), `demonym` ("Turkish forces"), `title`
("Armenia's foreign minister"), `organisation` (inside an organisation's name), `dateline`.
`is_event_place(place)` is the test the allegations stage should use. A name the gazetteer cannot
place keeps lat/lon None and `resolved_by` "unresolved: <why>". The gazetteer loads once per process:
built in 6-9 s (+340 MiB) the first time, then read from a cache file under $XDG_CACHE_HOME/claimledger/ in
about 0.5 s (+143 MiB).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan

from .gazetteer import (ALIAS, COUNTRY_PRECISION, PRIMARY, UNIT_WORDS, Entry, Gazetteer,  # noqa: F401
                        distance_km, fold, gazetteer)
from .models import Place
from .nlp import doc_text, ents, per_doc
from .vocabulary import PLACE_OBJECT_VERBS

COUNTRY_PRIOR = 9.0  # a country name beats any city of that name unless the context says otherwise
CONTEXT_WEIGHT = 1.5  # a candidate in one of the document's countries
NEAR_WEIGHT = 1.5  # a candidate within 250 km of another place of the document (half that within 800 km)
QUALIFIER_WEIGHT = 5.0  # "Tripoli, Lebanon"
NOT_IN_REGION = "none in the region named"
IMPLIED, IMPLIED_PRIOR = 2, 5.0  # a reading the name implies ("Washington" the state): a small town's weight
STATE_WEIGHT = 1.0  # a candidate in a state (first-level unit) where the document's other places are
# words after a place name that make it an attribute of something else, not a location of events
MODIFIER_SUFFIXES = ("based", "born", "led", "backed", "made", "owned", "registered", "headquartered",
                     "bred", "funded", "sponsored", "allied", "aligned", "linked")
TITLE_NOUNS = {"minister", "ministry", "president", "prime", "ambassador", "embassy", "government", "army",
               "military", "forces", "force", "spokesman", "spokeswoman", "spokesperson", "official",
               "officials", "envoy", "leader", "leaders", "authorities", "parliament", "council", "mission",
               "delegation", "counterpart", "foreign", "defence", "defense", "chief", "general", "troops",
               "soldiers", "diplomat", "diplomats", "navy", "police", "media", "agency", "state", "regime",
               "administration", "ombudsman", "representative", "commander", "prosecutor", "service"}
# "Sagaing region", "Sokoto State": an admin unit the gazetteer lacks, named after its main town
ADMIN_WORDS = {"state", "province", "region", "oblast", "governorate", "district", "prefecture", "township"}
# words that make a preceding name part of a larger feature ("Morris County", "Press Street")
FEATURE_WORDS = {"county", "river", "street", "st", "road", "avenue", "lane", "boulevard", "lake", "canal",
                 "square", "park", "bridge", "island", "islands", "mountains", "mountain", "valley", "bay",
                 "airport", "station", "hospital", "church", "cathedral", "school", "college", "university",
                 "centre", "center", "stadium", "hall", "estate", "village", "township", "parish", "district",
                 "creek", "beach", "harbour", "harbor", "forest", "desert", "falls", "court", "heights", "hill",
                 "delta", "plantation", "peninsula", "gulf", "sea", "ocean", "coast", "strait", "base", "cove",
                 "lagoon", "loch", "lough", "glen", "castle", "palace", "abbey", "basilica", "chapel", "arena"}
SCANNED_LABELS = {"GPE", "LOC", "FAC", "NORP", "ORG", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "MONEY"}
UNKNOWN_OK = {"LOC", "GPE"}  # NER labels trusted enough to keep a name the gazetteer lacks
DIRECTIONS = {"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west"}
# gazetteer entries whose mentions are actors ("the Kremlin said"), not locations
POLITICAL_BODIES = {"European Union", "White House", "Kremlin", "Pentagon", "Downing Street", "Élysée Palace"}
# lower-case nouns that make "Myanmar village" a common noun phrase: the place is only the modifier
GENERIC_HEADS = {"village", "villages", "town", "towns", "city", "cities", "camp", "camps", "area", "areas",
                 "region", "district", "township", "province", "state", "border", "capital", "port", "coast",
                 "countryside", "side", "territory", "hospital", "school", "market", "base", "airport"}
# features that lie inside a town: one the gazetteer lacks is placed in the town the text puts it in
# (not universities: "Washington University" is often far from any town the story names)
LOCAL_FEATURES = {"street", "st", "road", "avenue", "lane", "boulevard", "drive", "square", "plaza", "bridge",
                  "hospital", "clinic", "church", "cathedral", "mosque", "chapel", "school", "centre", "center",
                  "stadium", "hall", "estate", "court", "courthouse",
                  "station", "market", "prison", "library", "museum", "theatre", "theater", "hotel", "tower",
                  "quarter", "embassy", "airport", "camp"}
# last words of the names of facilities, local or not ("Barclays Center", "Cornell University")
FACILITY_HEADS = LOCAL_FEATURES | {"university", "college", "institute", "academy", "campus", "park", "arena",
                                   "racecourse", "jail", "palace", "castle", "farm", "farms", "zoo", "garden",
                                   "gardens", "cemetery", "graveyard", "terminal", "port", "dam", "mine",
                                   "plant", "refinery", "base", "barracks", "furnaces", "restaurant", "inn"}
# words of generic institutions' names ("Supreme Court", "High Court", "Catholic Church", "Secondary School")
GENERIC_NAME_WORDS = {"the", "of", "and", "for", "supreme", "high", "district", "constitutional", "federal",
                      "national", "central", "catholic", "general", "city", "county", "state", "regional", "crown",
                      "magistrates", "appeals", "appeal", "circuit", "superior", "family", "juvenile", "criminal",
                      "civil", "military", "international", "royal", "grand", "main", "public", "community",
                      "medical", "secondary", "primary", "elementary", "junior", "senior", "new", "old",
                      "orthodox", "anglican", "methodist", "baptist", "presbyterian", "protestant", "islamic",
                      "grave", "crimes", "research", "social", "science", "sciences", "technology", "arts",
                      "economics", "law", "business", "management", "studies", "health", "police", "fire",
                      "children's", "women's", "memorial", "teaching", "specialist", "general", "open", "free"}
# further common nouns that name small towns
NOUN_TOWNS = {"summit", "colony", "airport", "cape", "point", "salt", "harbour", "port", "mall", "plaza"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "prof", "professor", "mx"}
BIG_CITY = 200_000  # a town this large may be named without its country
REMOTE_POP, REMOTE_KM = 50_000, 1500  # a town this small, this far from the story's other places, is doubtful
MODEL_CODE = re.compile(r"[A-Z][A-Za-z]{0,4}-\d[\w.-]*")  # "FAB-500", "Su-25", "Kh-101": weapon models


# common words that are also the names of small towns ("Police", "Union"): not toponyms on their own
COMMON_WORDS = {"police", "central", "union", "green", "alliance", "university", "centre", "center", "city",
                "west", "east", "north", "south", "western", "eastern", "northern", "southern", "state",
                "national", "international", "royal", "general", "independence", "progress", "liberty",
                "unity", "victory", "hope", "paradise", "commerce", "industry", "energy", "enterprise",
                "federal", "republic", "march", "may", "june", "august", "star", "sun", "beach", "valley",
                "commonwealth", "surprise", "gotham", "media", "capital", "metro", "global", "premier",
                "white", "black", "red", "blue", "golden", "silver", "old", "new", "great", "grand",
                "valley", "congress", "parliament", "senate", "mesa", "rehab", "wing", "coast", "delta"}



def _weapon(name: str) -> bool:
    """A weapon's model code or a named system of the munitions knowledge base, never a toponym."""
    if MODEL_CODE.fullmatch(name):
        return True
    try:
        from .munitions import lookup
        entry = lookup(name)
    except (ImportError, OSError, ValueError, KeyError):  # the KB is optional for geoparsing
        return False
    return bool(entry) and not entry.get("generic")



# ---------------------------------------------------------------- mentions


@dataclass
class Mention:
    start: int
    end: int
    name: str
    role: str | None = None
    demonym: bool = False
    strict: bool = False  # found outside a place entity: needs a well-known referent
    qualifier: str | None = None  # "Tripoli, Lebanon": the qualifying name
    qualifies: str | None = None  # "Lebanon" in "Tripoli, Lebanon": the place it names the region of
    part: bool = False  # a word of a longer name ("Stonewall" in "Stonewall Golf Club")
    settlement: bool = False  # a village the gazetteer lacks, where the grammar says place ("in Toomevara")


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token range without a leading article and trailing possessive/punctuation."""
    while start < end and doc[start].lower_ in ("the", "a", "an") or (start < end and doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "\u2019s", "'")):
        end -= 1
    return start, end


def _generic_head(doc: Doc, g: Gazetteer, i: int, j: int) -> int:
    """End of the name when the span ends in a common noun the name modifies ("Myanmar village" ->
    "Myanmar"); the gazetteer's own longer names ("Donetsk region") stay whole."""
    if j - i > 1 and doc[j - 1].is_lower and doc[j - 1].lower_ in GENERIC_HEADS and not _known(g, doc[i:j].text):
        head = doc[i:j - 1].text
        if fold(head) in g.demonyms or any(e.precision == COUNTRY_PRECISION for e, _ in g.lookup(head)):
            return j - 1
    return j


def _known(g: Gazetteer, name: str) -> bool:
    return name in g.abbreviations or g.key(name) in g.index or fold(name) in g.demonyms


def _sub_spans(g: Gazetteer, doc: Doc, start: int, end: int, strict: bool,
               min_pop: int = 100_000) -> list[tuple[int, int]]:
    """Longest gazetteer names inside a token range, left to right."""
    out, i = [], start
    while i < end:
        for j in range(min(end, i + 7), i, -1):  # "Democratic People's Republic of Korea": 6 tokens
            toks = doc[i:j]
            if not toks[0].text[:1].isupper() or toks[-1].is_punct:
                continue
            if strict and not _strict_ok(g, toks.text, min_pop):
                continue
            if (i, j) != (start, end) and fold(toks.text) in COMMON_WORDS:
                continue
            if _known(g, toks.text):
                out.append((i, j))
                i = j - 1
                break
        i += 1
    return out


def _strict_ok(g: Gazetteer, name: str, min_pop: int = 100_000) -> bool:
    """A name found without NER support: only countries, demonyms, shipped places or big cities."""
    k = fold(name)
    if k in g.demonyms:
        return True
    if (len(k) <= 3 and not name.isupper()) or k in COMMON_WORDS:
        return False
    for e, kind in g.lookup(name):
        if kind == ALIAS and " " not in k and e.source == "geonames":
            continue  # one-word alternate names of cities are mostly surnames and foreign words
        if e.source in ("csc", "county"):  # a unit: a major one, or named with its kind ("Walker County")
            if kind == PRIMARY and (e.precision == "region" or k.split()[-1] in UNIT_WORDS | {"parish"}):
                return True
            continue
        if e.source != "geonames" and kind == PRIMARY:
            return True
        if e.precision == "town" and e.population >= (min_pop if kind == PRIMARY else max(min_pop, 500_000)):
            return True
    return False


def _role(doc: Doc, span: SpacySpan, in_org: bool, demonym: bool) -> str | None:
    """Why this toponym is not an event location (None when it may be one)."""
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.text in ("-", "\u2010", "\u2013") and span.end + 1 < len(doc):
        if doc[span.end + 1].lower_ in MODIFIER_SUFFIXES:
            return "modifier"
    if in_org:
        return "organisation"
    if demonym:
        return "demonym"
    head = span.root
    if head.dep_ in ("poss", "compound", "amod") and head.head.lower_ in TITLE_NOUNS:
        return "title"
    return "dateline" if _dateline(doc, span.start, span.end) else None


def _dateline(doc: Doc, i: int, j: int) -> bool:
    """An upper-case name opening a line before a dash, comma or bracket ("KHARKIV, Ukraine (Reuters) -")."""
    span = doc[i:j]
    line_start = doc_text(doc).rfind("\n", 0, span.start_char) + 1
    return (not doc_text(doc)[line_start:span.start_char].strip() and span.text.isupper() and len(span.text) > 3
            and doc[j:j + 3].text.startswith(("(", "-", "\u2014", "\u2013", ",")))


def _locative(doc: Doc, i: int) -> bool:
    """The word before is a locative preposition ("in Slidell", "near Nelson")."""
    if i > 1 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in (",", "city", "town", "village", "suburb"):
        return True  # "Jane Roe, of Hayes", "the town of Bakhmut"
    return i > 0 and doc[i - 1].lower_ in ("in", "at", "near", "from", "outside", "into", "across", "around",
                                           "towards", "toward", "through", "inside", "to")


def _cued(doc: Doc, i: int, j: int) -> bool:
    """The grammar marks the name as a place: after a locative preposition, or the object of an attack."""
    root = doc[i:j].root
    return _locative(doc, i) or (root.dep_ == "dobj" and root.head.lemma_ in PLACE_OBJECT_VERBS) or _dateline(doc, i, j)


def _extend(doc: Doc, g: Gazetteer, i: int, j: int) -> tuple[int, int]:
    """A longer shipped name around the span ("Donetsk region", "Zaporizhzhia nuclear plant",
    "southern Lebanon")."""
    text = doc_text(doc)

    def shipped(a: int, b: int) -> bool:
        name = text[doc[a].idx:doc[b - 1].idx + len(doc[b - 1])]
        if name not in g.abbreviations and g.key(name) not in g.index:
            return False  # most spans: no name at all, so no entries to build
        return any(e.source != "geonames" for e, _ in g.lookup(name))

    if i > 0 and doc[i - 1].lower_ in DIRECTIONS and shipped(i - 1, j):
        i -= 1
    for j2 in range(min(len(doc), j + 3), j, -1):  # "Washington, D.C." too
        if (not doc[j2 - 1].is_punct and shipped(i, j2)  # the cheap test first: most spans extend to nothing
                and all(t.is_alpha or t.text == "," or "." in t.text and not t.is_punct for t in doc[j:j2])):
            return i, j2
    if j < len(doc) and doc[j].lower_ in ADMIN_WORDS and _admin_base(g, doc[i:j + 1].text):
        return i, j + 1
    return i, j


def _admin_base(g: Gazetteer, name: str) -> list[tuple[Entry, int]]:
    """Towns an unknown "<Town> region" is named after (its coordinates stand for the region's)."""
    words = name.split()
    if len(words) < 2 or words[-1].lower() not in ADMIN_WORDS or _known(g, name):
        return []
    base = g.lookup(" ".join(words[:-1]))
    if any(e.precision != "town" for e, _ in base):
        return []  # "Colorado State", "U.S. state": the name of a larger unit, not a town's
    return [(e, k) for e, k in base if k == PRIMARY]


def _qualified(doc: Doc, g: Gazetteer, found: dict, taken: set[int], add) -> None:
    """Proper nouns before a comma and a region, state or country are places in it ("Snetterton, Norfolk");
    a unit code after a place and a comma names its state or province ("Horry County, SC", "Bridge, N.B.")."""
    persons = {(e.start, e.end) for e in ents(doc) if e.label_ == "PERSON" and len(e) > 1}
    right = {k: m for (k, _), m in found.items()}
    for c in range(1, len(doc) - 1):
        if doc[c].text != ",":
            continue
        code = doc[c + 1].text.replace(".", "")
        is_code = c + 1 not in taken and doc[c + 1].text[:1].isupper() and code.isupper() and code in g.codes
        region = right.get(c + 1)
        if not is_code and not (region and any(e.precision != "town" for e, _ in _candidates(g, region))):
            continue
        i = c
        while i > 0 and c - i < 4 and i - 1 not in taken and (
                doc[i - 1].pos_ == "PROPN" and doc[i - 1].text[:1].isupper()
                or doc[i - 1].lower_ in ("'s", "\u2019s") and i > 1 and doc[i - 2].pos_ == "PROPN"):
            i -= 1
        if i < c and (i, c) not in persons:
            add(i, c, strict=False, qualified=True)
        if is_code and (c - 1 in taken):
            add(c + 1, c + 2, strict=False, qualified=True)


def _facility(doc: Doc, i: int, j: int) -> bool:
    """Named like a facility: "Barclays Center", "University of St. Thomas", "Federal University of Technology";
    not a generic institution ("Supreme Court", "Catholic Church") that names no one place."""
    named = any(t.lower_ not in FACILITY_HEADS | GENERIC_NAME_WORDS and t.is_alpha for t in doc[i:j])
    return named and j - i > 1 and _facility_name([t.lower_ for t in doc[i:j]])


def _facility_name(words: list[str]) -> bool:
    """The (lower-case) words end in a facility's kind or open with one and "of" ("university of ...")."""
    return bool(words) and (words[-1] in FACILITY_HEADS or any(
        w in FACILITY_HEADS and v == "of" for w, v in zip(words[:2], words[1:3])))


def _hosted(doc: Doc, j: int) -> bool:
    """A place name follows after "in", "at" or a comma ("... University in Houston")."""
    k = j + 1 if j < len(doc) and doc[j].lower_ in (",", "in", "at") else j
    k += k < len(doc) and doc[k].lower_ == "in" and doc[j].text == ","
    return j < k < len(doc) and (doc[k].ent_type_ == "GPE" and doc[k].ent_iob_ == "B" or doc[k].pos_ == "PROPN")


def _vouched(g: Gazetteer, found: dict, spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Spans naming a small town that lies in a state the document names ("Allendale" with New Jersey) or
    within 50 km of a town it names unambiguously ("Marks Tey" beside Coggeshall)."""
    states, anchors = set(), []
    for m in found.values():
        cands = [e for e, _ in _candidates(g, m)] if not m.demonym else []
        states.update((e.country, e.admin1) for e in cands if e.admin1 and e.precision == "region")
        if len(cands) == 1 and cands[0].precision in ("town", "district"):
            anchors.append(cands[0])
    out = []
    for i, j, text in spans:
        towns = [e for e, k in g.lookup(text) if k == PRIMARY and e.precision == "town"]
        if any((e.country, e.admin1) in states or any(
                distance_km(e.lat, e.lon, a.lat, a.lon) < 50 for a in anchors if a is not e) for e in towns):
            out.append((i, j))
    return out


def _lower_words(doc: Doc) -> set[str]:
    """Words the document writes in lower case somewhere ("piano"), once per document."""
    return per_doc(doc, "lower_words", lambda d: {t.text for t in d if t.is_lower})


def _repeat_mentions(doc: Doc, g: Gazetteer, found: dict, add) -> None:
    """One sense per discourse: other occurrences of a found name are toponyms too, unless the document
    also uses it as a word ("piano") or in a person's name ("Ms Heiden")."""
    names = {doc[i:j].text: (i, j) for i, j in found}
    persons = {t for e in ents(doc) if e.label_ == "PERSON" and len(e) > 1 for t in range(e.start, e.end)}
    # a lone PERSON word is a person after a title ("Ms Heiden") or when so labelled more often than place
    labels = Counter((e.text, e.label_ in ("GPE", "LOC")) for e in ents(doc) if e.label_ in ("PERSON", "GPE", "LOC"))
    person_words = {t.lower_ for e in ents(doc) if e.label_ == "PERSON" and (len(e) > 1 or labels[e.text, False] >
                    labels[e.text, True] or e.start and fold(doc[e.start - 1].text) in HONORIFICS) for t in e}
    lower_words = _lower_words(doc)
    for name, (i0, j0) in names.items():
        k = fold(name)
        if (k in COMMON_WORDS or k in person_words or name.lower() in lower_words or k not in g.demonyms
                and not any(kind == PRIMARY or e.population >= 100_000 for e, kind in g.lookup(name))):
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", doc_text(doc)):
            span = doc.char_span(m.start(), m.end())
            if span is None or (span.start, span.end) == (i0, j0) or persons & set(range(span.start, span.end)):
                continue
            add(span.start, span.end, strict=found[(i0, j0)].strict and not found[(i0, j0)].demonym,
                in_org=False)


def _mentions(doc: Doc, g: Gazetteer) -> list[Mention]:
    """Candidate toponym spans, non-overlapping."""
    found: dict[tuple[int, int], Mention] = {}
    taken: set[int] = set()
    deferred: list[tuple[int, int]] = []  # a small town without NER support: kept if coordinated with a place
    small: list[tuple[int, int]] = []  # a small town's name inside an organisation's
    person_words = {t.lower_ for e in ents(doc) if e.label_ == "PERSON" for t in e if t.is_alpha}
    lower_words = _lower_words(doc)

    def weak(i: int, j: int) -> None:
        """A name only the gazetteer supports: kept if well known or where the grammar says place."""
        text = doc[i:j].text
        if fold(text) in COMMON_WORDS or (len(fold(text)) <= 3 and not text.isupper()):
            return
        if _strict_ok(g, text, 100_000):
            add(i, j, strict=True)
        elif _cued(doc, i, j):
            add(i, j, strict=False)
        else:
            deferred.append((i, j))

    def add(i: int, j: int, strict: bool, in_org: bool = False, part: bool = False,
            settlement: bool = False, qualified: bool = False) -> None:
        i, j = _extend(doc, g, i, j)
        if any(t in taken for t in range(i, j)) or _weapon(doc[i:j].text):
            return
        span = doc[i:j]
        if (not qualified and not _known(g, span.text) and any(t.is_alpha for t in span)
                and all(t.lower_ in person_words for t in span if t.is_alpha)):
            return  # "Modi", "Rothstein": a person's name the tagger took for a place
        dem = fold(span.text) in g.demonyms
        if not dem and (strict or _known(g, span.text)) and not _candidates(g, Mention(0, 0, span.text,
                                                                                      strict=strict)):
            return  # a known name whose every reading was filtered out
        found[(i, j)] = Mention(span.start_char, span.end_char, span.text,
                                _role(doc, span, in_org, dem), dem, strict, part=part, settlement=settlement)
        taken.update(range(i, j))

    for ent in ents(doc):
        i, j = _trim(doc, ent.start, ent.end)
        j = _generic_head(doc, g, i, j)
        if i >= j:
            continue
        text = doc[i:j].text
        if ent.label_ in ("GPE", "LOC", "FAC") and _known(g, text):
            add(i, j, strict=False)
        elif ent.label_ == "NORP" and fold(text) in g.demonyms:
            add(i, j, strict=False)
        elif ent.label_ in ("GPE", "LOC", "FAC") and doc[j - 1].lower_ in FEATURE_WORDS and j - i > 1:
            add(i, j, strict=False)  # a named feature the gazetteer lacks: a toponym without coordinates
        elif ent.label_ in SCANNED_LABELS:
            strict = ent.label_ not in ("GPE", "LOC", "FAC")
            subs = _sub_spans(g, doc, i, j, strict=strict, min_pop=20_000)
            if strict and ent.label_ != "NORP":  # small towns' names: kept if the document's places vouch
                small.extend((a, b) for a, b in _sub_spans(g, doc, i, j, strict=False) if (a, b) not in subs)
            if (not subs and ent.label_ in UNKNOWN_OK and doc[i].text[:1].isupper()
                    and (ent.label_ == "LOC" or _cued(doc, i, j) and text.replace(".", "") not in g.codes)
                    and not (j - i == 1 and (doc[i].lower_ in COMMON_WORDS or doc[i].lower_ in lower_words))):
                # a place name the gazetteer lacks: found, not resolved (a village placed later if near others)
                add(i, j, strict=False, settlement=ent.label_ == "GPE")
            elif not subs and ent.label_ == "ORG" and _known(g, text):
                weak(i, j)
            elif (ent.label_ in ("ORG", "FAC") and _facility(doc, i, j) and (not subs or _hosted(doc, j))
                  and doc[i].text[:1].isupper()):
                add(i, j, strict=False)  # "Barclays Center": placed by the town the text puts it in
                continue
            for a, b in subs:
                whole = (a, b) == (i, j)
                in_org = strict and ent.label_ != "NORP" and not whole
                if b < j and doc[b].lower_ in FEATURE_WORDS and fold(doc[a:b].text) not in g.demonyms:
                    add(a, b + 1, strict=False, in_org=in_org)  # "Walker County": not the town Walker
                else:
                    # a demonym places an organisation ("Syrian Observatory"), not a facility ("Russian Embassy")
                    dem = fold(doc[a:b].text) in g.demonyms
                    part = not whole and ent.label_ != "NORP" and (ent.label_ == "FAC" or not dem)
                    add(a, b, strict=strict, in_org=in_org, part=part)
        elif ent.label_ == "PERSON" and _known(g, text):
            weak(i, j)
    # capitalised words outside entities that the gazetteer knows well
    ent_tokens = {t for e in ents(doc) for t in range(e.start, e.end)}
    i = 0
    while i < len(doc):
        if (i in ent_tokens or i in taken or not doc[i].text[:1].isupper()
                or doc[i].pos_ not in ("PROPN", "ADJ", "NOUN") and not doc[i].is_upper):  # tags fail on capitals
            i += 1
            continue
        j = i
        while j < len(doc) and j not in ent_tokens and doc[j].text[:1].isupper() and j - i < 5:
            j += 1
        for a, b in _sub_spans(g, doc, i, j, strict=False):
            weak(a, b)
        i = j
    for i, j in deferred:  # "targets Kelbajar and Lachin": a conjunct of a place is a place
        if any(c.i in taken for c in doc[i:j].root.conjuncts):
            add(i, j, strict=False)
    _qualified(doc, g, found, taken, add)
    persons = {t for e in ents(doc) if e.label_ == "PERSON" for t in range(e.start, e.end)}
    for i, j in _vouched(g, found, [(i, j, doc[i:j].text) for i, j in deferred + small
                                    if not persons & set(range(i, j)) and doc[i:j].text not in lower_words]):
        add(i, j, strict=False, in_org=(i, j) in small)
    _repeat_mentions(doc, g, found, add)
    out = sorted(found.values(), key=lambda m: m.start)
    for a, b in zip(out, out[1:]):  # "Tripoli, Lebanon": the second name qualifies the first
        # ...unless the pair is part of a list ("Miami, Boston, New York and Detroit")
        listed = doc_text(doc)[:a.start].endswith(", ") or re.match(r",? (and|or) ", doc_text(doc)[b.end:b.end + 5])
        if doc_text(doc)[a.end:b.start] == ", " and not listed:
            a.qualifier, b.qualifies = b.name, a.name
    return out


# ---------------------------------------------------------------- resolution


def _candidates(g: Gazetteer, m: Mention) -> list[tuple[Entry, int]]:
    if m.demonym:
        return [(g.entry(g.demonyms[fold(m.name)]), PRIMARY)]
    cands = g.lookup(m.name) or _admin_base(g, m.name)
    if m.name.split()[-1].lower() not in UNIT_WORDS:  # a unit named after its town: "Riyadh" is the city
        towns = {e.country for e, k in cands if e.source == "geonames" and k == PRIMARY}
        cands = [(e, k) for e, k in cands if not (e.source == "csc" and e.country in towns)]
    if m.qualifies:  # "Spokane, Washington": the state, listed under "Washington State"
        cands = cands + g.lookup(m.name + " State")
        if not cands and m.name.replace(".", "") in g.codes:  # "Horry County, SC"
            cands = [(g.entry(i), PRIMARY) for i in g.codes[m.name.replace(".", "")]]
    elif cands:  # "Washington" may be the state where the document's places are ("Camp Murray, Wash.")
        cands = cands + [(e, IMPLIED) for e, _ in g.lookup(m.name + " State") if e.precision == "region"]
    if m.name.isupper() and len(m.name.replace(".", "")) <= 4:  # an acronym names a city only via our tables
        cands = [(e, k) for e, k in cands if e.source != "geonames"]
    if m.strict:  # no NER support: primary names, or a big city's multi-word alias ("New York")
        cands = [(e, k) for e, k in cands if k == PRIMARY or (" " in m.name and e.population >= 100_000)]
    return cands


def _prior(e: Entry, kind: int) -> float:
    if e.precision == COUNTRY_PRECISION:
        return COUNTRY_PRIOR
    if kind == IMPLIED:
        return IMPLIED_PRIOR
    score = math.log10(e.population + 10)
    if e.source == "geonames" and kind == ALIAS:
        score -= 1.0
    elif e.source != "geonames" and kind == PRIMARY:
        score += 1.0  # the shipped table's own names were chosen for news use ("White House", "Gaza")
    return score


def _qualifies(g: Gazetteer, e: Entry, qualifier: str | None) -> float:
    if not qualifier or e.precision == COUNTRY_PRECISION:
        return 0.0
    return max((_contains(q, e) for q in _regions(g, qualifier)), default=0.0)


def _regions(g: Gazetteer, name: str) -> list[Entry]:
    """The entries a qualifier may name: its gazetteer readings, or the units a code stands for ("SC")."""
    return [e for e, _ in g.lookup(name)] or [g.entry(i) for i in g.codes.get(name.replace(".", ""), ())]


def _contains(q: Entry, e: Entry) -> float:
    """How surely country or region q contains place e: 1 for its country or state (admin1), else falling
    with the distance from the region's centre (0 beyond 600 km), so the nearer of two namesakes wins."""
    if (q.country != e.country or e.precision == COUNTRY_PRECISION or q is e
            or q.precision not in ("region", "district", COUNTRY_PRECISION)):
        return 0.0
    if q.precision == COUNTRY_PRECISION:
        return 1.0
    if q.admin1 and e.admin1:
        return float(q.admin1 == e.admin1)
    return max(0.0, 1.0 - distance_km(q.lat, q.lon, e.lat, e.lon) / 600)


def _score(g: Gazetteer, e: Entry, kind: int, m: Mention, ctx: dict[str, float],
           anchors: list[tuple[str, float, float]]) -> float:
    s = _prior(e, kind)
    if e.country:
        s += CONTEXT_WEIGHT * min(1.0, ctx.get(e.country, 0.0))
        if e.admin1:
            s += STATE_WEIGHT * min(1.0, ctx.get(f"{e.country}/{e.admin1}", 0.0))
    if m.qualifier or m.qualifies:
        s += QUALIFIER_WEIGHT * max(_qualifies(g, e, m.qualifier), max(
            (_contains(e, c) for c, _ in g.lookup(m.qualifies)), default=0.0) if m.qualifies else 0.0)
    if e.precision != COUNTRY_PRECISION:
        near = [distance_km(e.lat, e.lon, lat, lon) for key, lat, lon in anchors if key != fold(m.name)]
        if near:
            d = min(near)
            s += NEAR_WEIGHT if d < 250 else NEAR_WEIGHT / 2 if d < 800 else 0.0
    return s


def _choose(g: Gazetteer, cands, m: Mention, ctx, anchors) -> Entry | None:
    if not cands:
        return None
    return max(cands, key=lambda c: _score(g, c[0], c[1], m, ctx, anchors))[0]


def _margin(cands) -> float:
    """How far the best prior leads the runner-up (a clear leader can anchor the others)."""
    priors = sorted((_prior(e, k) for e, k in cands), reverse=True)
    return priors[0] - priors[1] if len(priors) > 1 else 9.0 if priors else 0.0


def _context(chosen: list[tuple[Mention, Entry | None]], exclude: str | None = None,
             where: bool = False, states: bool = False) -> dict[str, float]:
    """Country weights of the other mentions; `where`: only those naming where things are (a demonym or
    "Russia's defence ministry" names an actor, not the document's ground); `states`: with weights of their
    first-level units too, keyed "US/IA", from the states and counties they name as places."""
    ctx: dict[str, float] = {}
    for m, e in chosen:
        if e is None or not e.country or fold(m.name) == exclude:
            continue
        if where and (m.demonym or m.role in ("title", "organisation", "modifier")):
            continue
        w = 1.0 if e.precision == COUNTRY_PRECISION or m.demonym else 0.5
        ctx[e.country] = ctx.get(e.country, 0.0) + w
        if (states and e.admin1 and e.precision in ("region", "district") and not m.demonym
                and m.role not in ("title", "organisation", "modifier")):
            ctx[f"{e.country}/{e.admin1}"] = ctx.get(f"{e.country}/{e.admin1}", 0.0) + 1.0
    return ctx


def _foreign(g: Gazetteer, e: Entry, m: Mention, ctx: dict[str, float], where: dict[str, float],
             anchors) -> bool:
    """A town in a country the document never mentions while its places are mostly in one other country
    ("Kani township" in a Myanmar story is not Kani, Japan): unless the text names its country or puts it
    near the document's other places."""
    total = sum(where.values())
    if (not total or max(where.values()) < max(1.0, 0.6 * total) or ctx.get(e.country) or e.precision != "town"
            or e.source != "geonames" or e.population >= BIG_CITY or _qualifies(g, e, m.qualifier)):
        return False
    k = fold(m.name)
    return not any(distance_km(e.lat, e.lon, lat, lon) < 250 for key, lat, lon in anchors if key != k)


def _doubtful_town(g: Gazetteer, e: Entry, m: Mention, ctx: dict[str, float], anchors) -> str | None:
    """Why a small town is a doubtful reading: named like a common word ("Summit", "Plantation": far more
    often part of a longer name), or far from every confidently placed name of the document and in a country
    it names nowhere else (more likely a namesake street or venue the gazetteer lacks)."""
    if e.source != "geonames" or e.precision != "town" or _qualifies(g, e, m.qualifier):
        return None
    k = fold(m.name)
    if e.population < BIG_CITY and k in FEATURE_WORDS | LOCAL_FEATURES | COMMON_WORDS | NOUN_TOWNS:
        return "a common noun's namesake town"
    near = [distance_km(e.lat, e.lon, lat, lon) for key, lat, lon in anchors if key != k]
    if e.population < REMOTE_POP and near and min(near) > REMOTE_KM and not ctx.get(e.country):
        return "a small town far from the document's other places"
    return None


def _place(m: Mention, e: Entry | None, how: str, vouched: bool = False) -> Place:
    role = m.role or ("organisation" if e is not None and e.name in POLITICAL_BODIES else None)
    role = f"; role={role}" if role else ""
    if e is None:
        what = " for a settlement" if m.settlement else ""
        return Place(m.name, m.start, m.end, resolved_by=f"unresolved: no gazetteer entry{what}{role}")
    if m.part and (m.demonym or e.source in ("geonames", "csc") and e.population < 100_000 and not vouched):
        # a small town's name inside a longer name is more often that longer feature's namesake
        return Place(m.name, m.start, m.end, resolved_by=f"unresolved: part of a longer name{role}")
    precision = e.precision
    if precision == "town" and fold(m.name) != fold(e.name) and m.name.split()[-1].lower() in ADMIN_WORDS:
        precision, how = "region", "named after its town"
    return Place(m.name, m.start, m.end, round(e.lat, 5), round(e.lon, 5), precision, e.country,
                 e.admin1, e.geonameid, f"{how} ({e.source}: {e.name}){role}")


def resolve_mentions(g: Gazetteer, mentions: list[Mention]) -> list[Place]:
    """One entry per distinct name: prior first, then context and nearness to the other places."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(fold(m.name), []).append(m)
    first = {k: _choose(g, _candidates(g, ms[0]), ms[0], {}, []) for k, ms in groups.items()}
    chosen = [(m, first[fold(m.name)]) for m in mentions]
    anchors = [(k, e.lat, e.lon) for k, e in first.items()
               if e is not None and e.precision != COUNTRY_PRECISION and e.population < 5e7
               and _margin(_candidates(g, groups[k][0])) >= 1.0]
    final = {}
    for k, ms in groups.items():
        ctx = _context(chosen, exclude=k, states=True)
        cands = _candidates(g, ms[0])
        # a qualified mention ("Tripoli, Lebanon") decides for the whole group
        lead = next((m for m in ms if m.qualifier), next((m for m in ms if m.qualifies), ms[0]))
        e = _choose(g, cands, lead, ctx, anchors)
        why = None
        regions = _regions(g, lead.qualifier) if lead.qualifier else []
        if (e is not None and e.precision != COUNTRY_PRECISION and regions and not _qualifies(g, e, lead.qualifier)
                and all(q.precision in ("region", "district") for q in regions)):
            e, why = None, NOT_IN_REGION  # "Rockingham, Northamptonshire": no Rockingham there in the gazetteer
        elif e is not None and e.source == "geonames" and e.population < 5000 and all(
                kind == ALIAS for c, kind in cands if c is e):
            e, why = None, "only a village's alternate name"  # too weak to place a name
        elif e is not None and (doubt := _doubtful_town(g, e, lead, ctx, anchors)):
            e, why = None, doubt
        elif e is not None and _foreign(g, e, lead, ctx, _context(chosen, exclude=k, where=True), anchors):
            e, why = None, "no candidate in the document's countries"
        # a town's name inside a longer name is kept when the document's other places vouch for it
        vouched = e is not None and (ctx.get(e.country, 0.0) >= 0.5 or any(
            distance_km(e.lat, e.lon, lat, lon) < 250 for key, lat, lon in anchors if key != k))
        final[k] = (e, len(cands), why, vouched)
    out = []
    for m in mentions:
        e, n, why, vouched = final[fold(m.name)]
        how = "demonym" if m.demonym else "only candidate" if n == 1 else "population+context"
        if e is None and n:
            out.append(Place(m.name, m.start, m.end, resolved_by=f"unresolved: {why}"
                             + (f"; role={m.role}" if m.role else "")))
        else:
            out.append(_place(m, e, how, vouched))
    return out


def _host(p: Place, places: list[Place], text: str, facility: bool) -> Place | None:
    """The place the text puts a name in: "Snetterton, Norfolk"; for a facility also "X Hospital in Rome" and
    "Brooklyn's X Center"."""
    hosts = [q for q in places if q.lat is not None and q.precision != COUNTRY_PRECISION and q is not p
             and "role=" not in q.resolved_by]
    after = min((q for q in hosts if q.start >= p.end), key=lambda q: q.start, default=None)
    between = text[p.end:after.start] if after else ""
    if after and (between in (", ", ", near ", " near ") or facility and re.fullmatch(
            r",? (?:in|at|near|outside|off) ", between)):
        return after
    if not facility:
        return None
    before = max((q for q in hosts if q.end <= p.start), key=lambda q: q.end, default=None)
    return before if before and text[before.end:p.start] in ("'s ", "\u2019s ") else None


def _solid(g: Gazetteer, t: Place, places: list[Place]) -> bool:
    """A town placed beyond doubt: its only reading, a city, or near another of the document's places."""
    if t.resolved_by.startswith("only candidate") or any(
            e.geonameid == t.geonameid and e.population >= 100_000 for e, _ in g.lookup(t.name)):
        return True
    return any(
        q.lat is not None and q.precision != COUNTRY_PRECISION and fold(q.name) != fold(t.name)
        and "role=" not in q.resolved_by and distance_km(t.lat, t.lon, q.lat, q.lon) < 250 for q in places)


UNKNOWN = ("unresolved: no gazetteer entry", f"unresolved: {NOT_IN_REGION}")


def _infer_local(g: Gazetteer, places: list[Place], text: str) -> list[Place]:
    """Named features the gazetteer lacks ("Royal Street", "Al-Shifa Hospital", "Barclays Center") placed in the
    place the text puts them in (for every mention of the name), else (not universities: "Washington
    University" is often far from any town the story names) at the nearest well-placed town the text names in
    the document's main country."""
    top = document_country_context([p for p in places if p.lat is not None and "role=" not in p.resolved_by])
    # towns (and counties) of the main country, also those named in an organisation's name ("Derry's hospital")
    towns = [p for p in places if p.precision in ("town", "district") and p.country in top[:1] and p.lat is not None
             and p.resolved_by.partition("role=")[2] in ("", "organisation") and _solid(g, p, places)]
    unknown = [p for p in places if p.lat is None and p.resolved_by.startswith(UNKNOWN)]
    hosts: dict[str, Place] = {}
    for p in unknown:
        t = _host(p, places, text, facility=_facility_name(fold(p.name).split()))
        if t is not None and (t.precision != "town" or _solid(g, t, places)):
            hosts.setdefault(fold(p.name), t)
    out = []
    for p in places:
        if p.lat is not None or not p.resolved_by.startswith(UNKNOWN):
            out.append(p)
            continue
        role = p.resolved_by.partition(";")[2]
        role = f";{role}" if role else ""
        last = fold(p.name).split()[-1] if fold(p.name) else ""
        t = hosts.get(fold(p.name))
        if t is not None:
            p = Place(p.name, p.start, p.end, t.lat, t.lon, t.precision, t.country, t.admin1, None,
                      f"inferred: in {t.name}, as the text says{role}")
        elif (last in LOCAL_FEATURES or "for a settlement" in p.resolved_by) and towns:
            t = min(towns, key=lambda t: abs(t.start - p.start))
            p = Place(p.name, p.start, p.end, t.lat, t.lon, t.precision, t.country, t.admin1, None,
                      f"inferred: in {t.name}, the nearest town named{role}")
        out.append(p)
    return out


def find_places(doc: Doc) -> list[Place]:
    """Every toponym in the document, resolved where the gazetteer allows."""
    g = gazetteer()
    return _infer_local(g, resolve_mentions(g, _mentions(doc, g)), doc_text(doc))


def is_event_place(place: Place) -> bool:
    """True when the toponym may locate an event (not a modifier, demonym, title, dateline...)."""
    return place.lat is not None and "role=" not in (place.resolved_by or "") and \
        "nearest town named" not in (place.resolved_by or "")  # a guess: shown on the map, never an event place


def document_country_context(places: list[Place]) -> list[str]:
    """ISO2 codes of the document's countries, most mentioned first."""
    return [c for c, _ in Counter(p.country for p in places if p.country).most_common()]


def resolve(name: str, context: list[str] | None = None) -> Place | None:
    """A single name resolved given the document's countries (None when the gazetteer lacks it)."""
    g = gazetteer()
    m = Mention(0, len(name), name, demonym=fold(name) in g.demonyms)
    ctx = {c: 1.0 for c in context or []}
    e = _choose(g, _candidates(g, m), m, ctx, [])
    return _place(m, e, "resolve") if e else None
