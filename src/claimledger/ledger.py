"""Assessments by independent verifiers (the analyst review of incidents lives in `review`).

`assess` reads what verifier statements say about the document's allegations with general English
rules: which allegation a statement concerns (its own finding, "that report", "the claims by X",
shared places, weapons and perpetrators, "the camp", continuity with the verifier's previous statement,
else the document's main event) and how it rates it (found/verified/geolocated, could not verify, old
footage, contradicts, no evidence that one part happened...). A finding about an event the document
reports no claim of is kept unlinked, with its places, act and weapons, for `incidents` to match.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field, replace

from .allegations import SELF_CLAIM
from .gazetteer import country_name
from .models import Allegation, Assessment, Span, Statement, Weapon
from .nlp import doc_text

# --- verifiers -----------------------------------------------------------------------------------------

# well-known verifying organisations and how news copy abbreviates them (general knowledge)
VERIFIERS = {
    "Amnesty International": ("amnesty international", "amnesty"),
    "Human Rights Watch": ("human rights watch", "hrw"),
    "Bellingcat": ("bellingcat",),
    "Airwars": ("airwars",),
    "Conflict Armament Research": ("conflict armament research",),
    "Mwatana for Human Rights": ("mwatana",),
    "Syrian Archive": ("syrian archive",),
    "Centre for Information Resilience": ("centre for information resilience", "center for information resilience"),
    "OHCHR": ("office of the un high commissioner for human rights", "ohchr", "un human rights office"),
    "UN Human Rights Monitoring Mission": ("human rights monitoring mission", "hrmmu"),
    "OPCW": ("opcw", "organisation for the prohibition of chemical weapons",
             "organization for the prohibition of chemical weapons"),
    "Physicians for Human Rights": ("physicians for human rights",),
    "Syrian Observatory for Human Rights": ("syrian observatory",),
    "ACLED": ("acled",),
    "Forensic Architecture": ("forensic architecture",),
}

NO_INCIDENT_ACTS = {"threat", "planned_attack", "genocidal_intent"}


@lru_cache(maxsize=4096)  # a verifier's sentence is folded once for every allegation it is compared with
def _fold(text: str | None) -> str:
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _known_verifier(text: str | None) -> str | None:
    t = f" {_fold(text)} "
    for name, aliases in VERIFIERS.items():
        if any(re.search(rf"\b{re.escape(a)}\b", t) for a in aliases):
            return name
    return None


# "X, an open-source investigation group": a role that makes the speaker an organisation of its own
_ORG_ROLE = re.compile(r"(?:an?|the)\s+(?:(?!at\b|with\b|of\b|for\b|from\b)[\w\-]+\s+){0,4}(?:group|organi[sz]ation|"
                       r"collective|watchdog|ngo|project|network|lab|laboratory|monitor|initiative|consortium|"
                       r"institute|agency|charity)$")


def verifier_name(stmt: Statement, previous: str | None = None) -> str:
    """The organisation a verifier statement speaks for: a known organisation named in the speaker's
    actor, name or role; else (a researcher "at the group") the verifier of the previous statement."""
    sp = stmt.speaker
    for text in (sp.actor, sp.name, sp.role):
        found = _known_verifier(text)
        if found:
            return found
    generic = re.match(r"(?i)(the|its|this|a|an|he|she|it|they|we)\b", sp.name or "") is not None
    if previous and (sp.type == "person" and not _ORG_ROLE.match(_fold(sp.role)) or generic):
        return previous
    return sp.actor or sp.name


# --- text helpers ----------------------------------------------------------------------------------------

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


# --- how a verifier rates a claim --------------------------------------------------------------------------

_NEG = r"(?:n['\u2019]t|not|never)"
INSUFFICIENT = [
    rf"\b(?:could|can|did|does|do|was|were|is|are|has|had|have)\s*{_NEG}\s+(?:yet\s+)?(?:been\s+)?(?:able\s+to\s+)?"
    r"(?:independently\s+)?(?:verify|confirm|corroborate|establish|determine|substantiate|authenticate)",
    r"\bunable to (?:independently )?(?:verify|confirm|corroborate|establish|determine|substantiate)",
    r"\b(?:not|insufficient|no|without)\s+(?:have\s+|had\s+|has\s+|find\s+|found\s+)?(?:sufficient\s+|enough\s+|conclusive\s+)?"
    r"evidence\s+to\s+(?:corroborate|confirm|support|verify|substantiate)",
    r"\binsufficient evidence\b",
    r"\bnot (?:yet )?allow(?:s|ed)? (?:for )?(?:a )?conclusive",
    r"\binconclusive\b",
    r"\bcannot be (?:independently )?(?:verified|confirmed)",
    r"\bno way (?:to|of) (?:independently )?(?:verify|verifying|confirm|confirming)",
]
# what an "unable to verify" is about: a core part of the accusation, or only the weapon's type
CORE_DETAIL = re.compile(r"\b(?:toll|casualt\w*|dead|deaths?|killed|injur\w*|wounded|targets?|victims|civilians?|"
                         r"number|numbers|figures?|intent\w*|deliberate\w*)\b")
WEAPON_DETAIL = re.compile(r"\b(?:munitions?|weapons?|type|calibre|caliber|warheads?|ammunition|model|make)\b")
REFUTE = [
    r"\b(?:was|were|is|are)\s+not\s+new\b",
    r"\b(?:old|older|archival|recycled|years-old|months-old)\s+(?:footage|videos?|images?|photos?|photographs?|pictures?)",
    r"\b(?:footage|videos?|images?|photos?|photographs?|pictures?)\b[^.]{0,80}?\b(?:had|has|have)\s+(?:first\s+)?"
    r"(?:been|appeared)\s+(?:published|posted|uploaded|broadcast|shared|filmed|taken|online)",
    r"\b(?:predates?|pre-dates?)\b",
    r"\b(?:filmed|taken|recorded|shot)\s+(?:in|at)\s+(?:a\s+different|another|an\s+unrelated)",
    r"\b(?:shows?|showed|depicts?|depicted)\b[^.]{0,80}?\b(?:in|from)\s+(?:a\s+different|another|an\s+unrelated)",
    r"\bnot\s+(?:filmed|taken|recorded|shot)\s+(?:in|at)\b",
    r"\b(?:nobody|no\s+one|no-one|none of the (?:residents|witnesses))\b[^.]{0,40}?\b(?:heard|saw|seen|knew|aware|recall)",
    r"\bno\s+(?:sign|signs|trace|traces|evidence|indication|record)\s+(?:of|that)\s+(?:an?\s+|any\s+|the\s+)?"
    r"(?:strike|airstrike|air strike|attack|shelling|bombing|explosions?|damage|craters?|impact)",
    r"\b(?:fabricated|staged|doctored|misattributed|manipulated|falsified)\b",
    r"\bdid\s+not\s+(?:happen|take\s+place|occur)\b",
]
# "saw no evidence that the bakery was torched": one part of the claim is contradicted
PART_REFUTE = re.compile(r"\b(?:(?:found|find|finds|saw|seen|see|was|were|is|there\s+is|there\s+was)\s+)?no\s+"
                         r"(?:\w+\s+)?(?:evidence|signs?|indications?|traces?)\s+(?:that|of)\s+")
_WHOLE_EVENT = re.compile(r"(?:an?\s+|any\s+|the\s+)?(?:strike|airstrike|air strike|attack|shelling|bombing|explosions?|"
                          r"damage|craters?|impact|(?:legitimate\s+)?(?:military|combatants?|fighters|armed|soldiers|troops))\b")
CONTRADICT = [r"\bcontradict(?:s|ed|ing)?\b", r"\binconsistent with\b", r"\bat odds with\b",
              r"\b(?:does|did|do)\s+not\s+match\b"]
POSITIVE = [
    r"\b(?:found|has|had|have|gathered|collected|obtained|holds?)\s+(?:(?!no\b)\w+\s+){0,2}evidence\b",
    r"\bverified\b", r"\bverifies\b", r"\bconfirm(?:s|ed)\b", r"\bgeolocat\w*", r"\bcorroborat(?:ed|es|ing)\b",
    r"\bconsistent with\b",
    r"\bsupport(?:s|ed)?\s+(?:the|their|its|these|those)\s+(?:claims?|accounts?|allegations?|reports?)",
    r"\bidentified\b", r"\bdocumented\b",
    r"\b(?:analy[sz]ed|reviewed|examined|authenticated)\s+(?:(?:\d+|\w+)\s+){0,2}(?:videos?|footage|photos?|photographs?|images?|pictures?)",
    r"\b(?:locations?|landmarks?|buildings?|it|they|footage|videos?|images?)\s+(?:closely\s+)?matched\b",
    r"\bsatellite\s+(?:imagery|images|photos|pictures)\b[^.;]{0,40}?\b(?:show|showed|shows|reveal\w*)",
    r"\bno\s+(?:evidence|traces?|signs?|indications?)\s+of\s+(?:any\s+)?(?:legitimate\s+)?(?:military|combatants?|"
    r"fighters|armed|soldiers|troops)",
    r"\bappears?\s+to\s+have\s+been\s+(?:used|fired|dropped|launched)",
]
_NEGATED = re.compile(rf"(?:{_NEG}|\bno\b|\bunable\b|\binsufficient\b|\bwithout\b|\bnor\b)[^.,;]{{0,40}}$")


@dataclass
class Signals:
    positive: bool = False
    refute: bool = False
    contradict: bool = False
    insufficient: bool = False  # the claim as a whole could not be verified
    core_gap: bool = False  # a core part (toll, targets) could not be verified
    own: bool = False  # the verifier is the sole source of the allegation: its own finding
    part: str = ""  # the words of a contradicted part ("the bakery was torched on purpose")

    def status(self) -> str | None:
        """The status these signals give, or None when the statement rates nothing."""
        if self.refute:
            return "refuted"
        if self.contradict:
            return "disputed"
        positive = self.positive or self.own
        if self.part:
            return "partially_corroborated" if positive else "disputed"
        if positive and (self.insufficient or self.core_gap):
            return "partially_corroborated"
        if positive:
            return "corroborated"
        if self.insufficient or self.core_gap:
            return "insufficient_evidence"
        return None

    def merge(self, other: "Signals") -> "Signals":
        return Signals(*(a or b for a, b in zip(self.__dict__.values(), other.__dict__.values())))


def rate(text: str) -> Signals:
    """What a verifier's words say about a claim (general English cues)."""
    t = _fold(text)
    s = Signals()
    s.refute = any(re.search(p, t) for p in REFUTE)
    s.contradict = any(re.search(p, t) for p in CONTRADICT)
    for p in INSUFFICIENT:
        for m in re.finditer(p, t):
            obj = t[m.end():m.end() + 90]
            obj = re.split(r"[;]|\bbut\b|\bwhile\b", obj)[0]
            if CORE_DETAIL.search(obj):
                s.core_gap = True
            elif WEAPON_DETAIL.search(obj):
                pass  # the weapon's type is open, the event itself is not in doubt
            else:
                s.insufficient = True
    for m in PART_REFUTE.finditer(t):
        if not _WHOLE_EVENT.match(t, m.end()):  # the whole event is handled by REFUTE/POSITIVE
            s.part = re.split(r"[;,]|\band that\b|\bbut\b", t[m.end():m.end() + 120])[0].strip()
    for p in POSITIVE:
        for m in re.finditer(p, t):
            if m.group(0).startswith("no "):
                s.positive = True  # "no evidence of military objectives" supports the civilian claim
            elif not _NEGATED.search(t[max(0, m.start() - 40):m.start()]):
                s.positive = True
    return s


# --- which allegation a verifier statement concerns -------------------------------------------------------

_ANAPHOR_ONE = re.compile(r"\b(?:that|this|the|such)\s+(?:report|claim|account|allegation|accusation|assertion|"
                          r"figure)\b|\b(?:verify|confirm|corroborate|substantiate|support)\s+it\b")
_ANAPHOR_MEDIA = re.compile(r"\b(?:that|this|the|these|those)\s+(?:same\s+)?(?:video|videos|footage|images|photos|clip)\b")
_ANAPHOR_MANY = re.compile(r"\b(?:these|those|the|such)\s+(?:reports|claims|accounts|allegations|accusations)\b|"
                           r"\b(?:verify|confirm|corroborate|substantiate|support)\s+them\b")
_PARTY_BEFORE = re.compile(r"\b([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)(?:['\u2019]s?)?\s+(?:reports?|claims?|accounts?|"
                           r"allegations?|accusations?)\b")
_PARTY_AFTER = re.compile(r"\b(?:reports?|claims?|accounts?|allegations?|accusations?)\s+(?:by|of|from|made\s+by)\s+"
                          r"(?:the\s+)?(?:[a-z\-]+\s+){0,2}([A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})")


@dataclass
class _Context:
    text: str
    by_id: dict[str, Statement]
    allegations: list[Allegation]
    first_source: dict[str, int] = field(default_factory=dict)  # allegation id -> start of its first source
    toponyms: list[tuple[str, float, float]] = field(default_factory=list)  # name pattern, lat, lon
    points: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # text -> toponyms it names

    def sources(self, alg: Allegation) -> list[Statement]:
        return [self.by_id[s] for s in alg.statement_ids if s in self.by_id]


def _is_verifier(stmt: Statement | None) -> bool:
    return stmt is not None and stmt.speaker.kind == "independent_verifier"


def _speaker_text(stmt: Statement) -> str:
    sp = stmt.speaker
    return " ".join(x for x in (sp.name, sp.actor, sp.side, sp.role) if x)


def _by_party(ctx: _Context, sentence: str, before: int) -> list[Allegation] | None:
    """Allegations made by the party a sentence names ("Azeri accusations", "the claims by X"), or None
    when it names none. Threats, plans and the party's claims against itself are left out."""
    party = None
    for m in _PARTY_BEFORE.finditer(sentence):
        if m.group(1).lower() not in {"the", "these", "those", "such", "its", "their", "his", "her"}:
            party = m.group(1)
    m = _PARTY_AFTER.search(sentence)
    if m:
        party = m.group(1)
    if not party:
        return None
    out = []
    for alg in ctx.allegations:
        srcs = ctx.sources(alg)
        if alg.act in NO_INCIDENT_ACTS or ctx.first_source.get(alg.id, 0) > before:
            continue
        if _stem_match(party, alg.perpetrator):
            continue
        if any(not _is_verifier(s) and _stem_match(party, _speaker_text(s)) for s in srcs):
            out.append(alg)
        elif alg.perpetrator and all(not s.speaker.side for s in srcs) and any(
                _stem_match(party, country_name(p.country)) for p in alg.places):
            out.append(alg)  # a speaker of unknown side accusing another of an attack on the party's soil
    return out or None


ACT_WORDS = {"airstrike": r"air ?strikes?|aircraft|warplanes?|bomb\w*", "shelling": r"shell\w*|mortars?|artillery",
             "drone_strike": r"drones?", "missile_strike": r"missiles?|rockets?",
             "attack_on_civilians": r"civilians?|residential", "killing": r"killed|killing",
             "use_of_prohibited_weapon": r"cluster|chemical|incendiary|banned", "detention": r"detain\w*|arrest\w*",
             "displacement": r"displace\w*|expel\w*", "looting": r"loot\w*"}


SPECIFIC = ("facility", "town", "district", None)  # places precise enough to tell claims apart
RELAY_CUES = {"reported", "reports", "report", "claimed", "claims", "claim", "alleged", "alleges", "accused", "accuses"}


def _mentioned_points(ctx: _Context, text: str) -> list[tuple[float, float]]:
    """Coordinates of the document's resolved toponyms that `text` names (any spelling used for them); once
    per text, not once per allegation it is compared with."""
    if text not in ctx.points:
        t = _fold(text)
        ctx.points[text] = [(lat, lon) for pat, lat, lon in ctx.toponyms if re.search(pat, t)]
    return ctx.points[text]


def _place_hit(alg: Allegation, points: list[tuple[float, float]], names_text: str) -> bool:
    from .geo import distance_km

    for p in alg.places:
        if p.precision not in SPECIFIC:
            continue
        if p.name and re.search(rf"\b{re.escape(_fold(p.name))}\b", names_text):
            return True
        if p.lat is not None and p.lon is not None and any(distance_km(p.lat, p.lon, la, lo) <= 10 for la, lo in points):
            return True
    return False


def _overlap(alg: Allegation, sentence: str, content: str, ctx: _Context) -> int:
    """How much a verifier sentence shares with an allegation: places (most when inside the statement's
    content; "Khankendi" matches "Stepanakert" by coordinates), weapons, act, targets, perpetrator and
    the allegation's source."""
    t, c = _fold(sentence), _fold(content)
    score = 0
    if _place_hit(alg, _mentioned_points(ctx, content), c):
        score += 2
    elif _place_hit(alg, _mentioned_points(ctx, sentence), t):
        score += 1
    if any(_weapon_mentioned(w.name, t) for w in alg.weapons):
        score += 2
    if any(not _is_verifier(s) and len(s.speaker.name or "") > 3 and re.search(
            rf"\b(?:by|from)\s+(?:the\s+)?{re.escape(_fold(s.speaker.name))}|{re.escape(_fold(s.speaker.name))}'s?\s+"
            r"(?:claims?|reports?|videos?|footage|account|statement)", t) for s in ctx.sources(alg)):
        score += 2
    if not score:
        return 0  # act, target and perpetrator words alone are too common to link on
    if alg.act in ACT_WORDS and re.search(rf"\b(?:{ACT_WORDS[alg.act]})\b", c):
        score += 1
    if any(w not in GENERIC_WEAPON_WORDS and re.search(rf"\b{re.escape(w)}\b", c)
           for tg in alg.targets for w in re.findall(r"[a-z]{4,}", _fold(tg.name))):
        score += 1
    if alg.perpetrator and _stem_match(alg.perpetrator, sentence, 5):
        score += 1
    return score + _weekday_agreement(alg.date, c)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_agreement(value: str | None, content: str) -> int:
    """+1 when the statement's weekday ("on Tuesday") is the allegation's day, -1 when it is another."""
    named = {i for i, d in enumerate(_WEEKDAYS) if re.search(rf"\b{d}\b", content)}
    if not named or not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return 0
    from datetime import date

    return 1 if date.fromisoformat(value).weekday() in named else -1


def _source_end_before(ctx: _Context, alg: Allegation, pos: int) -> int:
    ends = [s.content.end for s in ctx.sources(alg) if not _is_verifier(s) and s.content.end <= pos]
    return max(ends) if ends else -1


def _nearest_before(ctx: _Context, pos: int) -> list[Allegation]:
    """The event allegation whose (non-verifier) source ends last before `pos`."""
    cands = [(a, _source_end_before(ctx, a, pos)) for a in ctx.allegations if a.act not in NO_INCIDENT_ACTS]
    best = max(cands, key=lambda x: x[1], default=(None, -1))
    return [best[0]] if best[1] >= 0 else []


_MEDIA = re.compile(r"\b(?:video|videos|footage|images?|photos?|photographs?|pictures?|clip)\b", re.I)


def _media_antecedent(ctx: _Context, pos: int) -> list[Allegation]:
    """For "the video"/"the same footage": the claim reported just before the last earlier mention of
    footage outside verifier statements."""
    verifier_spans = [(s.content.start, s.content.end) for s in ctx.by_id.values() if _is_verifier(s)]
    for m in reversed(list(_MEDIA.finditer(ctx.text, 0, pos))):
        if any(a <= m.start() < b for a, b in verifier_spans):
            continue
        left = sentence_around(ctx.text, m.start(), m.end())[1]
        return _nearest_before(ctx, left)
    return []


_EVENT_NOUN = r"(?:strikes?|airstrikes?|attacks?|bombings?|bombardment|shelling|raids?|assault|incident|explosions?|blasts?)"
_PLACE_NOUN = (r"(?:village|hamlet|town|city|camp|site|sites|area|district|neighbou?rhood|market|hospital|clinic|school|building|"
               r"buildings|facility|compound|settlement|depot|plant|station|base|shelter)")
_DEFINITE = re.compile(r"\b(?:the|that|this|these|those)\s+(?:same\s+|affected\s+|targeted\s+)?"
                       r"(?!(?:the|a|an|this|that|these|those)\b)([a-z\-]+)\b")
_DEFINITE_PLACE = re.compile(rf"\b(?:the|that|this)\s+(?:same\s+|affected\s+|targeted\s+)?{_PLACE_NOUN}\b")
_DEFINITE_EVENT = re.compile(rf"\b(?:the|that|this)\s+(?:same\s+|affected\s+|targeted\s+|reported\s+)?"
                             rf"(?:{_PLACE_NOUN}|{_EVENT_NOUN})\b")
# findings about a pattern, not this event ("similar attacks", "since 2021")
_GENERAL = re.compile(r"\b(?:similar|previous|past|other|earlier|repeated(?:ly)?|patterns?|dozens of|hundreds of|"
                      r"since\s+(?:\d{4}|the\s+start))\b")
_TOLL = re.compile(r"\b(?:the|that|this|those|these)\s+(?:\w+\s+)?(?:figures?|toll|numbers?|count)\b|"
                   r"\bthe\s+number\s+of\s+(?:dead|deaths|casualties|victims|people\s+killed)\b")


def _event_claims(ctx: _Context, before: int, exclude: list[Allegation]) -> list[Allegation]:
    """Event allegations reported by someone other than a verifier before `before`, in document order."""
    return [a for a in ctx.allegations if a not in exclude and a.act not in NO_INCIDENT_ACTS and not a.denial
            and any(not _is_verifier(s) for s in ctx.sources(a)) and ctx.first_source.get(a.id, 0) < before
            and not _self_claim(ctx, a)]


def _self_claim(ctx: _Context, alg: Allegation) -> bool:
    """A party's claim of its own strike ("our forces hit a depot"): a counter-claim, never the event a
    verifier's unplaced finding is about."""
    srcs = [s for s in ctx.sources(alg) if not _is_verifier(s)]
    if alg.perpetrator_reason == SELF_CLAIM and srcs:
        return True
    return bool(alg.perpetrator and srcs) and all(
        s.speaker.kind == "party" and _stem_match(alg.perpetrator, _speaker_text(s), 5) for s in srcs)


def _target_heads(alg: Allegation) -> set[str]:
    return {w[-1] for t in alg.targets if (w := re.findall(r"[a-z\-]{3,}", _fold(t.name)))}


def _by_description(ctx: _Context, content: str, before: int, exclude: list[Allegation]) -> list[Allegation]:
    """Claims a definite description in the verifier's words refers back to ("the camp" for "a displacement
    camp"): the earlier claims whose targets share the most such nouns."""
    nouns = {m.group(1) for m in _DEFINITE.finditer(_fold(content))}
    nouns |= {n[:-1] for n in nouns if n.endswith("s")}
    scored = [(len(nouns & _target_heads(a)), a) for a in _event_claims(ctx, before, exclude)]
    top = max((sc for sc, _ in scored), default=0)
    return [a for sc, a in scored if sc == top][:1] if top else []


def main_event(ctx: _Context, before: int, exclude: list[Allegation]) -> list[Allegation]:
    """The document's main event: the earlier claim with the most (non-verifier) sources, the first on a tie."""
    cands = _event_claims(ctx, before, exclude)
    if not cands:
        return []
    n = {a.id: sum(not _is_verifier(s) for s in ctx.sources(a)) for a in cands}
    return [max(cands, key=lambda a: (n[a.id], -cands.index(a)))]


def _toll_claim(ctx: _Context, before: int, exclude: list[Allegation]) -> list[Allegation]:
    """For "the figures"/"the toll": the claim with casualties reported last before the statement."""
    cands = [a for a in _event_claims(ctx, before, exclude) if a.casualties]
    return [max(cands, key=lambda a: _source_end_before(ctx, a, before))] if cands else []


def _part_is_whole(alg: Allegation, part: str) -> bool:
    """Whether a contradicted part ("the bakery was torched") names every target of the allegation."""
    heads = _target_heads(alg)
    return bool(heads) and all(re.search(rf"\b{re.escape(h)}", part) for h in heads)


def link(stmt: Statement, ctx: _Context, previous: list[Allegation] | None,
         rated: bool = True, part: bool = False) -> tuple[list[Allegation], bool]:
    """The allegations a verifier statement concerns, and whether it is their sole source (own finding).

    Without a place, weapon, source or anaphor to go on, a definite description ("the camp") picks the
    earlier claim about such a target; a rating with nothing at all to attach to concerns the document's
    main event. A contradicted part ("no evidence that the bakery was torched") also concerns the claim the
    verifier was just discussing."""
    start, end = sentence_around(ctx.text, stmt.content.start, stmt.content.end)
    sentence = ctx.text[start:end]
    relay = stmt.reported_by is not None or (stmt.cue or "").lower() in RELAY_CUES
    own = [a for a in ctx.allegations if stmt.id in a.statement_ids
           and all(_is_verifier(s) for s in ctx.sources(a))] if not relay else []
    relayed = [a for a in ctx.allegations if stmt.id in a.statement_ids and a not in own]
    found: list[Allegation] = list(relayed)
    content = ctx.text[stmt.content.start:stmt.content.end]
    scored = sorted(((_overlap(a, sentence, content, ctx), a) for a in ctx.allegations if a not in own),
                    key=lambda x: -x[0])
    top = scored[0][0] if scored else 0
    if top >= 2:
        tied = [a for sc, a in scored if sc == top and a not in found]
        earlier = [a for a in tied if ctx.first_source.get(a.id, 0) < start]
        # a finding that the strike happened speaks to the accusation, not to the striker's own account of it
        earlier = [a for a in earlier if not _self_claim(ctx, a)] or earlier
        # a tie goes to the claims already reported (verifiers answer claims), and among those to one
        # reported in the same passage, just before
        near = [a for a in earlier if 0 <= start - _source_end_before(ctx, a, start) <= 400]
        if near:
            earlier = [max(near, key=lambda a: _source_end_before(ctx, a, start))]
        found += earlier
    folded = _fold(sentence)
    if not found:
        if _ANAPHOR_MANY.search(folded) or _PARTY_AFTER.search(sentence):
            found = _by_party(ctx, sentence, start) or []
        if not found and _ANAPHOR_MEDIA.search(folded):
            found = _media_antecedent(ctx, start)
        if not found and (_ANAPHOR_ONE.search(folded) or _ANAPHOR_MEDIA.search(folded)):
            found = _nearest_before(ctx, start)
    if own and not relayed and all(a.perpetrator is None for a in own):
        # "images showed burned houses in the village": a finding about the event already reported,
        # not a new accusation (it names no perpetrator)
        back = _by_description(ctx, content, start, own) or (
            main_event(ctx, start, own) if _DEFINITE_PLACE.search(_fold(content)) else [])
        if back:
            return back, False
    if not found and not own:
        found = _by_description(ctx, content, start, own)
        if found and part and previous:
            found += [a for a in previous if a not in found]
    if not found and not own and previous is not None:
        # "she added that..." continues the verifier's previous point (an empty list: a finding about an
        # event this document does not report, which the statement goes on about)
        return list(previous), False
    if not found and not own and rated and _TOLL.search(folded):
        found = _toll_claim(ctx, start, own)
    if not found and not own and rated and not _PARTY_AFTER.search(sentence) and not _GENERAL.search(folded) and (
            _DEFINITE_EVENT.search(folded) or VERIFICATION_LANGUAGE.search(_fold(content))):
        found = main_event(ctx, start, own)
    return own + found, bool(own)


_ROLE_AT = re.compile(r"\b(?:researcher|investigator|analyst|director|head|expert|specialist|spokes\w+|official|"
                      r"member|staff)\b[^.;]{0,40}?\b(?:at|with|of|for|from)\s+(?:the\s+)?(?:group|organi[sz]ation|"
                      r"lab|watchdog|ngo|team)\b", re.I)


# words only a verifier uses about a claim: checking imagery, geolocating, failing to confirm
VERIFICATION_LANGUAGE = re.compile(
    r"\bsatellite\s+(?:imagery|images|photos|pictures)\b|\bgeolocat\w*|\bopen[- ]source\s+(?:analysis|investigat\w*)|"
    r"\b(?:analy[sz]ed|reviewed|examined|verified|authenticated)\s+(?:(?:\d+|\w+)\s+){0,2}"
    r"(?:videos?|footage|photos?|photographs?|images?|pictures?)\b|"
    rf"\b(?:could|can|has|have|had|was|were)\s*{_NEG}\s+(?:yet\s+)?(?:been\s+)?(?:able\s+to\s+)?(?:independently\s+)?"
    r"(?:verify|confirm|corroborate)\b|\bunable\s+to\s+(?:independently\s+)?(?:verify|confirm|corroborate)\b|"
    r"\bfound\s+no\s+(?:\w+\s+)?evidence\b|\bconsistent\s+with\b")


# imagery and geolocation work: a verifier's even when the speaker stage could not place the speaker
OSINT_LANGUAGE = re.compile(r"\bsatellite\s+(?:imagery|images|photos|pictures)\b[^.;]{0,60}?\b(?:show|showed|shows|reveal\w*)|"
                            r"\bgeolocat\w*|\bopen[- ]source\s+(?:analysis|investigat\w*)|"
                            r"\b(?:analy[sz]ed|examined|authenticated)\s+(?:(?:\d+|\w+)\s+){0,2}(?:videos?|footage)\b")


def promote_verifiers(text: str, statements: list[Statement]) -> dict[str, str]:
    """Ids of statements by a verifier's staff that the speaker stage left unclassified: "said X, a
    researcher at the group" after a verifier spoke, a person speaking for a known verifier, or a
    non-party source using verification language ("satellite images showed", "could not confirm").
    Maps each id to why: "staff" (speaks for the verifier before it) or "language" (speaks for itself)."""
    out: dict[str, str] = {}
    people: set[str] = set()
    selves: set[str] = set()  # sources promoted by their own words: the same name later is the same verifier
    seen_verifier = last_verifier = False
    for s in sorted(statements, key=lambda s: s.content.start):
        after_verifier, last_verifier = last_verifier, s.speaker.kind == "independent_verifier" or s.id in out
        if s.speaker.kind == "independent_verifier":
            seen_verifier = True
            continue
        if s.speaker.kind in ("party", "third_party") or not s.id:
            continue
        start, end = sentence_around(text, s.content.start, s.content.end)
        outside = text[start:s.content.start] + " " + text[s.content.end:end]
        role = " ".join(x for x in (s.speaker.role, s.speaker.actor) if x)
        words = _fold(text[s.content.start:s.content.end])
        if s.speaker.name in people or _known_verifier(role) or (seen_verifier and _ROLE_AT.search(outside + " " + role)) \
                or (after_verifier and re.match(r"(?:its|their)\s", s.speaker.name, re.I)):  # "Its reporters said"
            out[s.id] = "staff"
            people.add(s.speaker.name)
        elif s.speaker.name in selves or s.speaker.kind == "independent" and VERIFICATION_LANGUAGE.search(words) \
                or OSINT_LANGUAGE.search(words):
            out[s.id] = "language"
            selves.add(s.speaker.name)
        last_verifier = s.id in out
    return out


# --- weapons named by the verifier ------------------------------------------------------------------------

def weapon_identified(text: str, spans: list[tuple[int, int]], alg: Allegation) -> Weapon | None:
    """The weapon a verifier names where it confirms something, linked to the munitions KB: a specific
    system ("M095 DPICM") before a generic one ("barrel bombs"), else one of the allegation's weapons."""
    from . import munitions

    found = [w for start, end in spans for w in munitions.find_weapons(text, start, end)]
    specific = [w for w in found if not (munitions.lookup(w.name) or {}).get("generic")]
    if specific or found:
        return (specific or found)[0]
    for start, end in spans:
        for w in alg.weapons:
            if _weapon_mentioned(w.name, _fold(text[start:end])):
                return w
    return None


# --- assessments ------------------------------------------------------------------------------------------

# a verifier finding no military presence where a party says it struck a military target
NO_MILITARY = re.compile(r"\bno\s+(?:(?:sign|trace|evidence|indication)s?\s+of\s+(?:any\s+)?)?(?:legitimate\s+)?"
                         r"(?:soldiers|troops|fighters|combatants|military|armed\s+(?:men|groups?))\b")
RULE_OUT = re.compile(rf"\b(?:could|can|did|does)\s*{_NEG}\s+(?:rule\s+out|exclude)\b|\bno\s+independent\s+confirmation\b")


def _military_target_claims(ctx: _Context, linked: list[Allegation], before: int) -> list[Allegation]:
    """Parties' own accounts of striking where the linked claims place the event ("we hit a command post")."""
    return [a for a in ctx.allegations if a not in linked and _self_claim(ctx, a) and a.act not in NO_INCIDENT_ACTS
            and ctx.first_source.get(a.id, 0) < before
            and any(_stem_match(p.name, q.name, 5) for b in linked for p in a.places for q in b.places)]


def assess(doc, statements: list[Statement], allegations: list[Allegation], prefix: str = "V",
           places: list | None = None) -> list[Assessment]:
    """Verifier assessments of the document's allegations; ids are f"{prefix}{n}".

    One assessment per (verifier, allegation), its status from all the verifier's statements about it."""
    text = doc_text(doc) if hasattr(doc, "user_data") else str(doc)
    promoted = promote_verifiers(text, statements)
    statements = [replace(s, speaker=replace(s.speaker, kind="independent_verifier")) if s.id in promoted else s
                  for s in statements]  # copies: the caller's statements are left as they are
    ctx = _Context(text, {s.id: s for s in statements if s.id}, [a for a in allegations if a.id])
    for a in ctx.allegations:
        for p in a.places:
            if p.lat is None or p.lon is None or p.precision not in SPECIFIC:
                continue
            names = {p.name, text[p.start:p.end] if 0 <= p.start < p.end <= len(text) else None}
            ctx.toponyms += [(rf"\b{re.escape(_fold(n))}\b", p.lat, p.lon) for n in names if n and len(n) > 2]
    ctx.toponyms = list(dict.fromkeys(ctx.toponyms))  # a place many allegations share is looked for once
    for a in ctx.allegations:
        starts = [s.content.start for s in ctx.sources(a) if not _is_verifier(s)]
        ctx.first_source[a.id] = min(starts) if starts else 0
    verifier_stmts = sorted((s for s in statements if _is_verifier(s) and s.id), key=lambda s: s.content.start)
    groups: dict[tuple[str, str], list[tuple[Statement, Signals]]] = {}
    unlinked: dict[str, list[tuple[Statement, Signals]]] = {}
    prev_name, prev_links = None, {}
    for stmt in verifier_stmts:
        name = verifier_name(stmt, None if promoted.get(stmt.id) == "language" else prev_name)
        start, end = sentence_around(text, stmt.content.start, stmt.content.end)
        sig = rate(text[start:end])
        links, own = link(stmt, ctx, prev_links.get(name), sig.status() is not None, bool(sig.part))
        for alg in links:
            s = Signals(**{**sig.__dict__, "own": own and stmt.id in alg.statement_ids})
            if s.part and _part_is_whole(alg, s.part):
                s.refute = True  # the contradicted part is all this allegation claims
            groups.setdefault((name, alg.id), []).append((stmt, s))
        counter = _fold(text[start:end])
        rule_out = bool(RULE_OUT.search(counter))
        if links and (rule_out or NO_MILITARY.search(counter)):
            for alg in _military_target_claims(ctx, links, start):
                groups.setdefault((name, alg.id), []).append((stmt, Signals(refute=not rule_out,
                                                                            insufficient=rule_out)))
        if links:
            prev_links[name] = [a for a in links]
        elif sig.status() is not None and not own and (name in unlinked or name not in prev_links) \
                and not _GENERAL.search(_fold(stmt.content.text)):
            unlinked.setdefault(name, []).append((stmt, sig))
            prev_links[name] = []
        prev_name = name
    out: list[Assessment] = []
    order = {a.id: i for i, a in enumerate(ctx.allegations)}
    for (name, alg_id), items in sorted(groups.items(), key=lambda kv: (order[kv[0][1]], kv[0][0])):
        total = Signals()
        for _, s in items:
            total = total.merge(s)
        status = total.status()
        if total.refute and total.insufficient and _self_claim(ctx, ctx.allegations[order[alg_id]]):
            status = "insufficient_evidence"  # "no trace of soldiers, but troops elsewhere cannot be ruled out"
        if status is None:
            continue
        alg = ctx.allegations[order[alg_id]]
        rated = [st for st, s in items if s.status() is not None] or [items[0][0]]
        basis = rated[0].content
        spans = [sentence_around(text, st.content.start, st.content.end) for st, s in items if s.positive or s.own]
        weapon = weapon_identified(text, spans, alg) if status != "refuted" else None
        out.append(Assessment(allegation_id=alg_id, verifier=name, status=status,
                              statement_ids=[st.id for st, _ in items],
                              basis=Span.of(text, basis.start, basis.end),
                              weapon_identified=weapon.name if weapon else None, weapon=weapon,
                              id=f"{prefix}{len(out) + 1}"))
    for name, items in unlinked.items():
        found = finding(doc, text, [st for st, _ in items], places)
        total = Signals()
        for _, s in items:
            total = total.merge(s)
        if found is None or total.status() is None:
            continue
        spans = [sentence_around(text, st.content.start, st.content.end) for st, s in items if s.positive]
        weapon = weapon_identified(text, spans, Allegation([])) if total.status() != "refuted" else None
        basis = items[0][0].content
        out.append(Assessment(allegation_id="", verifier=name, status=total.status(),
                              statement_ids=[st.id for st, _ in items], basis=Span.of(text, basis.start, basis.end),
                              weapon_identified=weapon.name if weapon else None, weapon=weapon, finding=found,
                              id=f"{prefix}{len(out) + 1}"))
    return out


_ACT_ORDER = ("use_of_prohibited_weapon", "missile_strike", "drone_strike", "airstrike", "shelling", "detention",
              "displacement", "looting", "killing")


def finding(doc, text: str, items: list[Statement], places: list | None = None) -> dict | None:
    """What a verifier found about an event its document reports no claim of, for the incident stage to
    match across documents: the resolved places, act and weapons named in its sentences (None without a
    place precise enough to match on)."""
    from . import geo, munitions

    bounds = [sentence_around(text, st.content.start, st.content.end) for st in items]
    inside = lambda a, b: any(s <= a and b <= e for s, e in bounds)  # noqa: E731
    if places is None:  # the pipeline passes the document's places; geoparse only when called alone
        places = geo.find_places(doc) if hasattr(doc, "ents") else []
    places = [p for p in places
              if p.lat is not None and p.precision in SPECIFIC and inside(p.start, p.end)]
    if not places:
        return None
    words = " ".join(_fold(text[s:e]) for s, e in bounds)
    act = next((a for a in _ACT_ORDER if re.search(rf"\b(?:{ACT_WORDS[a]})\b", words)), None)
    weapons = [w.name for s, e in bounds for w in munitions.find_weapons(text, s, e)]
    seen: set = set()
    return {"act": act, "weapons": list(dict.fromkeys(weapons)),
            "places": [{"name": p.name, "lat": p.lat, "lon": p.lon, "precision": p.precision} for p in places
                       if not ((p.lat, p.lon) in seen or seen.add((p.lat, p.lon)))]}
