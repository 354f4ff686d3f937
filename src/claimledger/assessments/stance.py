"""What a verifier statement does with a claim: confirms, partly confirms, cannot verify, finds no evidence,
contradicts, shows the footage is old or from elsewhere, gives a verdict, or merely relays what others say.

Two layers: surface cues over the folded sentence (`REFUTE`, `POSITIVE`, ...) and grammatical cues read from
the dependency parse with the word lists in data/stance.toml (`parsed_cues`): a checking verb under negation or
an inability word ("made it impossible to verify"), what it is that could not be checked (the toll, who fired,
the claim as a whole), a claim that "remains a claim", media "filmed years earlier" or "elsewhere", a verdict
("rates the claim as false") and relaying ("the monitor relayed the rebels' demands").
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

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
    perp_gap: bool = False  # who did it could not be established (matters only for a claim naming someone)
    partial: bool = False  # "partly supports", "confirms in part"
    relay: bool = False  # the verifier passes on what others say: no finding of its own
    verdict: str = ""  # a status the verifier states in words ("rates the claim as false")
    favoured: str = ""  # "more consistent with X than with Y": the words of X (the account the evidence favours)

    def status(self) -> str | None:
        """The status these signals give, or None when the statement rates nothing."""
        if self.verdict:
            return self.verdict
        if self.relay:
            return None
        if self.refute:
            return "refuted"
        if self.contradict:
            return "refuted"  # the verifier's own evidence contradicts the claim; "disputed" is for verifiers who disagree
        positive = self.positive or self.own
        if self.part:
            return "partially_corroborated" if positive else "disputed"
        if positive and (self.insufficient or self.core_gap or self.perp_gap or self.partial):
            return "partially_corroborated"
        if positive:
            return "corroborated"
        if self.insufficient or self.core_gap or self.perp_gap:
            return "insufficient_evidence"
        return None

    def merge(self, other: "Signals") -> "Signals":
        return Signals(*(a or b for a, b in zip(self.__dict__.values(), other.__dict__.values())))

    def for_claim(self, perpetrator: str | None, words: str | None = None) -> "Signals":
        """These signals for one claim (its perpetrator, and a pattern of the words that name its act and
        weapons): not knowing who did it leaves a claim that names no one intact; evidence "more consistent
        with" something else than the claim refutes it."""
        out = dict(self.__dict__)
        if self.perp_gap and not perpetrator:
            out["perp_gap"] = False
        if self.favoured:
            fits = bool(words) and re.search(rf"\b(?:{words})", self.favoured) is not None
            out["positive"], out["refute"] = self.positive and fits, self.refute or not fits
        return Signals(**out)


def rate(text: str, content: str | None = None, speaker: str | None = None, parsed=None,
         content_parsed=None) -> Signals:
    """What a verifier's sentence says about a claim (general English cues), `content` being what the
    verifier is reported to have said and `speaker` its name (for relaying).

    >>> rate("The monitors said they could not verify the ministry's account.").status()
    'insufficient_evidence'
    """
    t = _fold(text)
    s = parsed_cues(text, content, speaker, parsed, content_parsed)
    s.refute = s.refute or any(re.search(p, t) for p in REFUTE)
    s.contradict = s.contradict or any(re.search(p, t) for p in CONTRADICT)
    for p in INSUFFICIENT:
        for m in re.finditer(p, t):
            obj = t[m.end():m.end() + 90]
            obj = re.split(r"[;]|\bbut\b|\bwhile\b", obj)[0]
            if _CLAIM_OBJECT.match(obj.strip()):
                s.insufficient = True
            elif CORE_DETAIL.search(obj):
                s.core_gap = True
            elif _AGENT.search(obj):
                s.perp_gap = True
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
    if s.relay and (s.insufficient or s.core_gap or s.perp_gap or s.refute or s.contradict or s.part):
        s.relay = False  # "received reports of killings but could not verify them" rates what it relays
    return s




# --- cues read from the parse ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The stance word lists (data/stance.toml), as sets."""
    raw = tomllib.loads(resources.files("claimledger").joinpath("data/stance.toml").read_text(encoding="utf-8"))
    return {k: (set(v) if isinstance(v, list) else v) for k, v in raw.items()}


@lru_cache(maxsize=1024)
def _parse(text: str):
    from ..nlp import base_model

    return base_model()(text)


def _lemma(tok) -> str:
    return tok.lemma_.lower()


def _is(tok, words: set) -> bool:
    """Whether a token is one of `words` by lemma or by form (the small model's lemmas slip: "rates" -> "rat")."""
    low = tok.lower_
    return (tok.lemma_.lower() in words or low in words
            or any(low.endswith(x) and low[:-len(x)] in words for x in ("s", "es", "d", "ed", "ing")))


def _blocked(tok, lex: dict) -> bool:
    """Whether a checking verb is negated or governed by an inability word: "could not verify", "unable to
    confirm", "made it impossible to verify", "failed to establish", "no way to verify"."""
    t = tok
    for _ in range(4):
        if any(c.dep_ == "neg" or (c.dep_ == "det" and _lemma(c) == "no") for c in t.children):
            return True
        if t is not tok and _lemma(t) in lex["inability"]:
            return True
        if t.dep_ not in ("xcomp", "ccomp", "acomp", "oprd", "acl", "relcl", "advcl", "auxpass", "aux") or t.head is t:
            return False
        t = t.head
    return False


def _what(tok) -> str:
    """The words of what a checking verb is about: its object or clause, or for a passive its subject."""
    parts = [c for c in tok.children if c.dep_ in ("dobj", "ccomp", "nsubjpass", "attr", "csubj", "csubjpass")]
    if not parts:  # "unable to verify" on its own: the subject of the governing word ("the toll ... unable")
        parts = [c for c in tok.children if c.dep_ in ("prep", "advcl")]
    return " ".join(" ".join(w.text for w in c.subtree) for c in parts).lower()


_AGENT = re.compile(r"\b(?:who|whose|whom|responsib\w*|perpetrat\w*|culprits?|attribut\w*|blame|which\s+(?:side|party|"
                    r"force|forces|group|army)|(?:operat|fir|launch|dropp|fly|flew|flown)\w*\s+(?:the|it|them))\b")


# what cannot be verified is the report itself: "reports that...", "the claims of...", "these accounts"
_CLAIM_OBJECT = re.compile(r"(?:the\s+|these\s+|those\s+|such\s+|any\s+|local\s+|media\s+)*(?:reports?|claims?|allegations?|"
                           r"accounts?|assertions?|accusations?|them|it|this|that)\b(?!\s+(?:toll|figures?|number))")


def _gap(s: Signals, what: str, doc_tok=None) -> None:
    """Record what could not be verified: a core detail, who did it, the weapon's make, or the claim."""
    from .text import _fold as fold

    w = fold(what)
    if _CLAIM_OBJECT.match(w):
        s.insufficient = True  # "could not verify reports that ten were killed": the claim as a whole
    elif CORE_DETAIL.search(w):
        s.core_gap = True
    elif _AGENT.search(w) or (doc_tok is not None and any(t.ent_type_ in ("NORP", "ORG", "GPE") and t.dep_ == "nsubj"
                                                            for t in doc_tok.subtree)):
        s.perp_gap = True
    elif WEAPON_DETAIL.search(w):
        pass  # the weapon's type is open, the event itself is not in doubt
    else:
        s.insufficient = True


def _media_displaced(tok, lex: dict) -> bool:
    """ "the video was filmed years earlier", "shot elsewhere", "taken in another country", "had not been filmed
    in the town", "posted before the attack": media made at another time or place than the claim says."""
    if _lemma(tok) not in lex["media_verbs"] or tok.dep_ in ("acl", "relcl", "amod"):
        return False  # "satellite images taken the day before" describe the verifier's own evidence
    # the media under scrutiny is the subject of a passive ("the clip was filmed"), or of "appeared"
    if not any(c.dep_ in ("nsubjpass", "nsubj") and _lemma(c) in lex["media_nouns"] | {"it", "they"}
               for c in tok.children) or not (_lemma(tok) == "appear" or any(c.dep_ == "auxpass" for c in tok.children)):
        return False
    for c in tok.children:
        if c.dep_ == "advmod" and _is(c, lex["earlier_words"] | {"elsewhere"}):
            return True
        if c.dep_ == "prep" and _lemma(c) in ("before", "prior"):
            return True
        if c.dep_ == "prep" and _lemma(c) in ("in", "at"):
            if any(d.dep_ in ("det", "amod") and _lemma(d) in lex["elsewhere_words"]
                   for p in c.children for d in p.children):
                return True
            if any(ch.dep_ == "neg" for ch in tok.children):
                return True  # "was not filmed in the town"
    return False


def _verdict(tok, lex: dict) -> str:
    """ "rates the claim as false", "judged it misleading": the status a verdict word gives."""
    if not _is(tok, lex["verdict_verbs"]) or tok.pos_ != "VERB":
        return ""
    words = []
    for c in tok.children:
        if c.dep_ == "prep" and _lemma(c) == "as":
            words += [" ".join(w.text for w in p.subtree).lower() for p in c.children]
        elif c.dep_ in ("oprd", "acomp", "ccomp", "xcomp") or (
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "as" for m in c.children)):
            words.append(" ".join(w.text for w in c.subtree if w.dep_ != "mark").lower())
    for w in words:
        if w in lex["verdicts"] and not _is(tok, {"find"}):
            return lex["verdicts"][w]
    return ""


def _relays(content: str | None, lex: dict, speaker: str | None = None, parsed=None) -> bool:
    """ "the rebels demanded a ceasefire", "some 40 fighters died, according to local sources": what a
    verifier passes on from others, not a finding of its own."""
    if not content:
        return False
    doc = parsed if parsed is not None else _parse(content)
    for tok in doc:
        if _is(tok, lex["according_to"]) and not any(_lemma(w) in ("its", "our", "their", "own")
                                                          for w in tok.subtree):
            return True
        if tok.dep_ == "ROOT" and _is(tok, lex["party_speech_verbs"] | lex["relay_verbs"]):
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            said_by = " ".join(w.lower_ for w in subj[0].subtree) if subj else ""
            if subj and _lemma(subj[0]) not in ("it", "we", "i", "they", "researcher", "investigator") \
                    and not (speaker and (said_by in speaker.lower() or speaker.lower() in said_by)):
                return True
    return False


def _hearsay(doc, lex: dict) -> bool:
    """ "it had received reports that the militia recruited children": a verifier telling what reached it."""
    for tok in doc:
        if _is(tok, lex["receive_verbs"]) and tok.pos_ == "VERB" and not _blocked(tok, lex) and any(
                c.dep_ == "dobj" and c.lower_ in lex["hearsay_nouns"] and not any(
                    d.dep_ == "amod" and d.lower_ in ("credible", "consistent", "corroborated") for d in c.children)
                for c in tok.children):
            return True
    return False


def parsed_cues(text: str, content: str | None = None, speaker: str | None = None, parsed=None,
                content_parsed=None) -> Signals:
    """The signals read from the parse of a verifier's sentence (word lists in data/stance.toml).

    "The fighting made it impossible to verify the reports." -> insufficient;
    "It could not establish who flew the drone." -> perp_gap; "The clip was filmed years earlier." -> refute;
    "Its analysis partly supports that account." -> positive, partial; "The group rates it as false." -> verdict.
    """
    lex = lexicon()
    s = Signals()
    doc = parsed if parsed is not None else _parse(text)  # the document's own parse of it, where there is one
    for tok in doc:
        lemma = _lemma(tok)
        if lemma in lex["verify_verbs"] and tok.pos_ in ("VERB", "AUX"):
            if _blocked(tok, lex):
                _gap(s, _what(tok), tok)
            elif any(c.dep_ == "advmod" and _lemma(c) in lex["partial_adverbs"] for c in tok.children) or any(
                    c.dep_ == "dobj" and c.pos_ == "NUM" and any(p.dep_ == "prep" and p.lower_ == "of" for p in c.children)
                    for c in tok.children) or any(
                    c.dep_ == "prep" and _lemma(c) == "in" and any(_lemma(p) == "part" for p in c.children)
                    for c in tok.children):
                s.positive = s.partial = True
        elif lemma in lex["unverified_adjectives"] and tok.dep_ in ("acomp", "attr", "oprd") \
                and _lemma(tok.head) in lex["copulas"]:
            subj = [c for c in tok.head.children if c.dep_ in ("nsubj", "csubj", "nsubjpass")]
            _gap(s, " ".join(" ".join(w.text for w in c.subtree) for c in subj), None)
        elif lemma in lex["claim_nouns"] and tok.dep_ == "attr" and _lemma(tok.head) in lex["copulas"] - {"be"} \
                and any(c.dep_ == "nsubj" and _lemma(c) in lex["claim_nouns"] for c in tok.head.children):
            s.insufficient = True  # "every claim remains a claim"
        elif _media_displaced(tok, lex):
            s.refute = True
        elif _is(tok, lex["finding_verbs"]) and tok.pos_ == "VERB" and not _blocked(tok, lex):
            s.positive = True
        elif _is(tok, lex["showing_verbs"]) and tok.pos_ == "VERB" and not _blocked(tok, lex) and any(
                c.dep_ in ("nsubj", "nsubjpass") and _lemma(c) in lex["media_nouns"]
                for c in (*tok.children, *(tok.head.children if tok.dep_ == "conj" else ()))):
            s.positive = True  # "the video shows fresh craters"
        elif _is(tok, lex["origin_verbs"]) and tok.pos_ == "VERB" and not _blocked(tok, lex) and any(
                c.dep_ in ("nsubj", "nsubjpass") and _lemma(c) in lex["evidence_nouns"] for c in tok.children):
            s.positive = True  # "the fragments came from a cluster bomb"
        elif lemma in lex["fit_adjectives"] and not _blocked(tok, lex):
            s.positive = True
            if any(c.dep_ == "advmod" and _lemma(c) == "more" for c in tok.children) and any(
                    w.lower_ == "than" for w in tok.subtree):
                with_part = [c for c in tok.children if c.dep_ == "prep" and _lemma(c) == "with"]
                words = [w.lower_ for c in with_part[:1] for w in c.subtree]
                s.favoured = " ".join(words[:words.index("than")] if "than" in words else words) or " "
        elif _is(tok, lex["false_words"]) and tok.pos_ == "VERB" and any(
                c.dep_ == "nsubjpass" and _lemma(c) in lex["media_nouns"] | lex["claim_nouns"] for c in tok.children):
            s.refute = True  # "the clip had been debunked"
        elif lemma in lex["false_words"] and (
                (tok.dep_ in ("acomp", "attr", "oprd") and any(
                    c.dep_ in ("nsubj", "nsubjpass") and _lemma(c) in lex["media_nouns"] | lex["claim_nouns"]
                    for c in tok.head.children))
                or (tok.dep_ == "amod" and _lemma(tok.head) in lex["media_nouns"])):
            s.refute = True
        elif not s.verdict:
            s.verdict = _verdict(tok, lex)
    s.relay = _relays(content, lex, speaker, content_parsed) or _hearsay(doc, lex)
    return s
