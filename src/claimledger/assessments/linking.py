"""Which allegation a verifier statement concerns."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..allegations import SELF_CLAIM
from ..gazetteer import country_name
from ..models import Allegation, Statement
from ..vocabulary import NO_INCIDENT_ACTS, WEEKDAYS
from .text import GENERIC_WEAPON_WORDS, _fold, _stem_match, _weapon_mentioned, sentence_around
from .verifiers import VERIFICATION_LANGUAGE

# --- which allegation a verifier statement concerns -------------------------------------------------------

_ANAPHOR_ONE = re.compile(r"\b(?:that|this|the|such)\s+(?:report|claim|account|allegation|accusation|assertion|"
                          r"figure)\b|\b(?:verify|confirm|corroborate|substantiate|support)\s+it\b")
_ANAPHOR_MEDIA = re.compile(r"\b(?:that|this|the|these|those)\s+(?:same\s+|most\s+(?:\w+\s+){1,2}|\w+-\w+\s+)?"
                            r"(?:video|videos|footage|images?|photos?|photographs?|pictures?|clips?)\b")
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


_POSSESSOR = re.compile(r"\b(?:the|this|that)\s+((?:[a-z\-]+\s+){0,2}[a-z\-]+)['\u2019]s?\s+(?:own\s+)?(?:claims?|accounts?|"
                        r"reports?|statements?|versions?|allegations?|accusations?|figures?|assertions?)\b")
_STATE_WORDS = {"government", "authorities", "state", "regime", "administration"}


def by_possessor(ctx: _Context, sentence: str, before: int) -> list[Allegation]:
    """Allegations whose source a possessive names: "the government's claim", "the ministry's account",
    "the army's figures". The possessor's head noun must be a word of the source's name or role (a
    government speaker, or state-run media, answers to "the government")."""
    out = []
    for m in _POSSESSOR.finditer(_fold(sentence)):
        head = m.group(1).split()[-1]
        for alg in ctx.allegations:
            if alg.act in NO_INCIDENT_ACTS or ctx.first_source.get(alg.id, 0) > before:
                continue
            for src in ctx.sources(alg):
                words = set(re.findall(r"[a-z\-]+", _fold(_speaker_text(src))))
                if not _is_verifier(src) and (head in words or head.rstrip("s") in words or (
                        head in _STATE_WORDS and (src.speaker.type == "government" or "state" in words
                                                  or "state-run" in words or "state-owned" in words))):
                    out.append(alg)
                    break
    return out


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
             "attack_on_civilians": r"civilians?|residential", "killing": r"killed|killings?|murder\w*|executions?|deaths?|shot dead",
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
    from ..geo import distance_km

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


def _weekday_agreement(value: str | None, content: str) -> int:
    """+1 when the statement's weekday ("on Tuesday") is the allegation's day, -1 when it is another."""
    named = {i for i, d in enumerate(WEEKDAYS) if re.search(rf"\b{d}\b", content)}
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
        # the claim told in the paragraph that shows the media ("A photo ... is shared as showing the
        # shelling. The governor said ..."), else the one told just before it
        p0 = ctx.text.rfind("\n", 0, m.start()) + 1
        p1 = ctx.text.find("\n", m.end())
        p1 = len(ctx.text) if p1 < 0 else min(p1, pos)
        told = [a for a in ctx.allegations if a.act not in NO_INCIDENT_ACTS and p0 <= ctx.first_source.get(a.id, -1) < p1]
        if told:
            return [min(told, key=lambda a: ctx.first_source[a.id])]
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
_TOLL = re.compile(r"\b(?:the|that|this|those|these)\s+(?:\w+\s+)?(?:figures?|toll|numbers?|count|wounds|injuries|"
                   r"bodies|victims)\b|"
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


_ANAPHORIC_EVENT = re.compile(r"\b(?:the|that|this|these|those|both|either|the\s+two|the\s+three)\s+(?:same\s+|reported\s+|"
                              r"alleged\s+)?([a-z\-]+)\b")


_REPORTS_OF = re.compile(r"\b(?:reports?|allegations?|claims?|accounts?|accusations?)\s+of\s+(?:the\s+)?([a-z\-]+)\b")


def by_event_noun(ctx: _Context, content: str, before: int, exclude: list[Allegation],
                  sentence: str = "") -> list[Allegation]:
    """For "confirmed both killings", "verified the arrests", "reports of killings ... could not verify them":
    the latest earlier claim of that kind of act (one placed where the sentence says first)."""
    nouns = [m.group(1) for m in _ANAPHORIC_EVENT.finditer(_fold(content))]
    nouns += [m.group(1) for m in _REPORTS_OF.finditer(_fold(sentence))]
    points = _mentioned_points(ctx, sentence) if sentence else []
    for noun in nouns:
        acts = {act for act, pat in ACT_WORDS.items() if act != "attack_on_civilians" and re.fullmatch(pat, noun)}
        cands = [a for a in _event_claims(ctx, before, exclude) if a.act in acts]
        cands = [a for a in cands if _place_hit(a, points, _fold(sentence))] or cands
        if cands:
            return [max(cands, key=lambda a: _source_end_before(ctx, a, before))]
    return []


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
        if len(earlier) > 1 and _ANAPHOR_MEDIA.search(_fold(content)):  # "the video": the claim that showed it
            earlier = [a for a in earlier if a in _media_antecedent(ctx, start)] or earlier
        # a tie goes to the claims already reported (verifiers answer claims), and among those to one
        # reported in the same passage, just before
        near = [a for a in earlier if 0 <= start - _source_end_before(ctx, a, start) <= 400]
        if near:
            earlier = [max(near, key=lambda a: _source_end_before(ctx, a, start))]
        found += earlier
    folded = _fold(sentence)
    named = [a for a in by_possessor(ctx, sentence, start) if a not in own]
    if named:  # an explicit reference to a source's claim outweighs shared places and words
        found = relayed + [a for a in named if a not in relayed]
    if not found:
        if _ANAPHOR_MANY.search(folded) or _PARTY_AFTER.search(sentence):
            found = _by_party(ctx, sentence, start) or []
        # "the video" in what the verifier said ("who reviewed the footage" describes the speaker)
        media = _ANAPHOR_MEDIA.search(_fold(content))
        if not found and media:
            found = _media_antecedent(ctx, start)
        if not found and (_ANAPHOR_ONE.search(folded) or media):
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
    if not found and not own and rated:
        found = by_event_noun(ctx, content, start, own, sentence)
    if not found and not own and rated and _TOLL.search(folded):
        found = _toll_claim(ctx, start, own)
    if not found and not own and rated and not _PARTY_AFTER.search(sentence) and not _GENERAL.search(folded) and (
            _DEFINITE_EVENT.search(folded) or VERIFICATION_LANGUAGE.search(_fold(content))):
        found = main_event(ctx, start, own)
    return own + [a for a in found if a in relayed or not act_conflict(a, content)], bool(own)


# kinds of act that cannot be one another: a finding about detentions is not about a bombing
_FAMILIES = {"detention": "detention", "displacement": "displacement", "looting": "looting"}
_FAMILY_WORDS = {"detention": r"detain\w*|detention\w*|arrest\w*|abduct\w*|disappear\w*|imprison\w*|custody",
                 "displacement": r"displace\w*|expel\w*|expulsions?|evict\w*|forced\s+(?:out|to\s+flee)",
                 "looting": r"loot\w*|pillag\w*|plunder\w*",
                 "violence": r"strikes?|airstrikes?|bomb\w*|shell\w*|missiles?|rockets?|drones?|artillery|mortars?|"
                             r"explosions?|blasts?|craters?|shot|shooting|gunfire|fired"}


def act_conflict(alg: Allegation, content: str) -> bool:
    """Whether a verifier's words name only kinds of act the allegation is not: detentions, displacement or
    looting against a strike, or the reverse ("the group documented 40 arrests" is not about an airstrike)."""
    c = _fold(content)
    named = {f for f, pat in _FAMILY_WORDS.items() if re.search(rf"\b(?:{pat})", c)}
    return bool(named) and _FAMILIES.get(alg.act, "violence") not in named


