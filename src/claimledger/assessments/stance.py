"""What a verifier statement does with a claim."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import NEG as _NEG, _fold

# --- how a verifier rates a claim --------------------------------------------------------------------------

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


