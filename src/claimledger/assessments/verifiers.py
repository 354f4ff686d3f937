"""Who is a verifier, and which organisation a verifier statement speaks for."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from ..models import Statement
from .text import NEG as _NEG, _fold, sentence_around

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


def verifier_name(stmt: Statement, previous: str | None = None, context: str = "") -> str:
    """The organisation a verifier statement speaks for: a known organisation named in the speaker's
    actor, name or role; else (a researcher "at the group") the verifier of the previous statement; else,
    for a pronoun ("it details..."), the investigating body named in `context` (the text just before)."""
    sp = stmt.speaker
    for text in (sp.actor, sp.name, sp.role):
        found = _known_verifier(text)
        if found:
            return found
    generic = re.match(r"(?i)(the|its|this|a|an|he|she|it|they|we)\b", sp.name or "") is not None
    if previous and (sp.type == "person" and not _ORG_ROLE.match(_fold(sp.role)) or generic):
        return previous
    if _PRONOUN.fullmatch(sp.name or "") and context:
        body = body_named(context)
        if body:
            return body
    return sp.actor or sp.name


_PRONOUN = re.compile(r"(?i)it|they|this|the report|the study|the inquiry")
_BODY_NAME = re.compile(r"(?:the\s+)?((?:[A-Z][\w\-]*|of|on|for|the)(?:\s+(?:[A-Z][\w\-]*|of|on|for|the)){1,8}"
                        r"(?:\s+\([A-Z][\w]*\))?)")


def body_named(text: str) -> str | None:
    """The last investigating body or known verifier named in `text` ("The report by the UN Commission of
    Inquiry (CoI) on Syria makes grim reading" -> "UN Commission of Inquiry (CoI) on Syria")."""
    found = None
    for m in _BODY_NAME.finditer(text):
        name = m.group(1).strip()
        if investigating_body(name) or _known_verifier(name):
            found = _known_verifier(name) or name
    return found


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


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    raw = resources.files("claimledger").joinpath("data/verifiers.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


def _finding_cues() -> set[str]:
    from .stance import lexicon

    return set(lexicon()["finding_cues"])


def investigating_body(name: str | None) -> bool:
    """Whether an organisation's name makes it an investigating body ("the UN Board of Inquiry", "a panel of
    experts", "the fact-check desk")."""
    t = f" {_fold(name)} "
    return any(f" {w}" in t for w in _vocabulary()["body_words"])


def expert_role(role: str | None) -> bool:
    """Whether a person's role makes them an independent expert on the evidence ("a forensic pathologist",
    "an explosives officer who reviewed the footage")."""
    t = _fold(role)
    return bool(t) and any(w in t for w in _vocabulary()["expert_roles"])


def _rates_unplaced(s: Statement, text: str) -> bool:
    """An unplaced organisation whose finding verb introduces a rating ("Factline found the clip was
    misattributed"): a verifier speaking for itself (a government or an armed group is not taken on this)."""
    from .stance import rate

    if s.speaker.kind != "unknown" or s.speaker.type in ("government", "armed_group") \
            or _PRONOUN.fullmatch(s.speaker.name or ""):
        return False
    start, end = sentence_around(text, s.content.start, s.content.end)
    return rate(text[start:end], s.content.text, s.speaker.name).status() is not None


def promote_verifiers(text: str, statements: list[Statement]) -> dict[str, str]:
    """Ids of statements by a verifier's staff that the speaker stage left unclassified: "said X, a
    researcher at the group" after a verifier spoke, a person speaking for a known verifier, or a
    non-party source using verification language ("satellite images showed", "could not confirm"), an
    investigating body ("the Board of Inquiry") or an independent expert ("a forensic pathologist").
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
        if not s.id:
            continue
        if investigating_body(s.speaker.name) or investigating_body(s.speaker.actor) or (
                s.speaker.type == "person" and expert_role(s.speaker.role)):
            out[s.id] = "language"  # an inquiry, a panel or an independent expert speaks for itself
            selves.add(s.speaker.name)
            last_verifier = True
            continue
        if s.speaker.kind in ("party", "third_party"):
            continue
        cue = _fold(s.cue)
        finding_cue = any(cue == w or cue.rstrip("sd") == w.rstrip("e") or cue.startswith(w[:-1]) and len(cue) <= len(w) + 2
                          for w in _finding_cues())
        if finding_cue and (s.speaker.kind == "independent" or _rates_unplaced(s, text) or (
                _PRONOUN.fullmatch(s.speaker.name or "") and body_named(text[max(0, s.content.start - 400):s.content.start]))):
            out[s.id] = "language"  # "the UN confirmed reports that...", "it documents the destruction of..."
            selves.add(s.speaker.name)
            last_verifier = True
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


