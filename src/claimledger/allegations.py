"""Allegations carried by statements: who is said to have done what, to whom, where, when, with what.

Rules only (spaCy dependencies plus word lists of general news English): a statement's content is split
around its act words ("shelled", "airstrike", "want to destroy", "warned"), each act gets a perpetrator
(subject, passive agent, "by X", "accused X of", a demonym modifier), and the targets, weapons, places,
date and casualties near it. Denials, general framings and verifiers' own assessments carry none.
A party's bare "troops" or "its aircraft" is its own side (a self-claim); "accused X of using human shields"
is conduct (act "other").
Allegations of one document that describe the same act are merged, keeping every source statement.
Act words and act types live in acts.py, the act's place in act_places.py, targets and casualties in harm.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Token

from . import actors, acts, munitions, quotes
from .act_places import act_places as _act_places, close as _close
from .act_places import sentences as _sentences, tokens as _tokens
from .gazetteer import gazetteer
from .nlp import doc_text as _text, ents, noun_chunks, token_at
from .harm import casualties as _casualties, targets as _harm_targets, verb_like as _verb_like
from .models import Allegation, Place, Span, Statement, Target
from .vocabulary import ACCUSE, ACTS, AGENT_NOUNS as ACTOR_WORDS, ANAPHORS as PRONOUNS, family as _family
from .sides import (belligerents as _belligerents, country_of as _country_of, opponent as _opponent, same_perpetrator,
                    same_side as _same_side, side_of as _side, speaker_actor, states_own as _states_own,
                    stem as _stem, strip_the as _strip_the)

REPORTING = {"say", "tell", "report", "claim", "state", "add", "write", "announce", "allege", "insist", "note"}
LIGHT_VERBS = {"carry", "launch", "conduct", "take", "stage", "mount", "perpetrate", "commit", "unleash", "order",
               "make", "hold"}
# assessment language: a verifier weighing a claim, not making one
HEDGES = re.compile(r"\b(?:consistent with|appears?|appeared|seem(?:s|ed)?|no evidence|not (?:yet )?(?:been )?able|"
                    r"could not|unable|cannot|did not have|verif\w*|corroborat\w*|geolocat\w*|footage|photographs?|videos?)\b",
                    re.I)
DENIAL_WORDS = re.compile(r"\b(?:fabricat\w*|baseless|unfounded|groundless|untrue|lies|fake news|disinformation|"
                          r"propaganda)\b", re.I)
VAGUE = {"the enemy", "enemy", "the forces", "forces", "the other side", "the occupiers", "occupiers",
         "the aggressor", "the adversary", "the opponent", "the attackers", "attackers"}
SELF = {"we", "us", "our", "ours"}
EVENT_NOUNS = {"offensive", "operation", "attack", "strike", "shelling", "bombardment", "assault", "campaign",
               "raid", "bombing", "airstrike", "barrage"}
# a party's bare word for its own armed body: "troops had targeted", "the air force struck"
OWN_WORDS = {"troops", "army", "military", "soldiers", "units", "unit", "air force", "navy", "aircraft",
             "warplanes", "jets", "artillery", "air defence", "air defense", "drones"}
# a statement describing evidence ("satellite images showed ...") weighs a claim rather than making one
EVIDENCE = re.compile(r"^\W*(?:the |new |its |their )?(?:satellite |commercial |drone )?(?:images?|imagery|footage|"
                      r"videos?|photos?|photographs?|analysis|pictures)\b[^.;]{0,80}?\b(?:show\w*|suggest\w*|"
                      r"indicat\w*|reveal\w*|confirm\w*)\b", re.I)


@dataclass
class _Frame:
    """One act found in one statement, before merging."""
    stmt: int  # index into the statement list
    category: str  # attack | planned | threat | killing | detention | displacement | looting | genocide | other
    triggers: list[Token]
    perp: str | None = None
    perp_span: Span | None = None
    perp_how: str = "none"  # named | self | pronoun | vague | event | none
    start: int = 0  # the stretch of text this act's details are read from
    end: int = 0
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- small helpers

def _np(tok: Token) -> tuple[int, int]:
    """Character range of a noun phrase, without relative clauses, appositions or trailing punctuation."""
    left = tok.left_edge
    right = tok
    for child in tok.rights:
        if child.dep_ in ("conj", "cc", "prep", "compound", "amod", "nummod"):
            if child.dep_ == "prep" and not (child.lower_ == "of" and any(  # "the government of Artsakh"
                    g.dep_ == "pobj" and (g.pos_ == "PROPN" or g.lower_ in ACTOR_WORDS) for g in child.children)):
                break
            right = child.right_edge if child.dep_ != "cc" else child
    start, end = left.idx, right.idx + len(right)
    text = _text(tok.doc)
    start = max(start, text.rfind("\n", start, tok.idx) + 1)
    while end > start and text[end - 1] in ",;:'\u2019\u201d\" ":
        end -= 1
    return start, end


def _strip_det(text: str, start: int, end: int) -> tuple[int, int]:
    m = re.match(r"(?:the|a|an)\s+", text[start:end], re.I)
    return (start + m.end(), end) if m else (start, end)


def _is_actor_phrase(doc: Doc, start: int, end: int) -> bool:
    """A name (proper noun, country or demonym) or a word for an armed body."""
    words = re.findall(r"[A-Za-z\-]+", _text(doc)[start:end])
    if actors.country_in(_text(doc)[start:end]):
        return True
    toks = _tokens(doc, start, end)
    if any(t.pos_ == "PROPN" for t in toks):
        return True
    return any(w.lower() in ACTOR_WORDS for w in words)


def _town(tok: Token) -> bool:
    """A place name the parser did not tag as one ("the Macomia attack"): in the gazetteer, and no actor or country."""
    return tok.pos_ == "PROPN" and not actors.lookup(tok.text) and not actors.country_in(tok.text) and \
        bool(gazetteer().lookup(tok.text))


def _actor_modifiers(tok: Token) -> tuple[int, int] | None:
    """"Azerbaijani strikes", "Syrian government helicopters", "Russia's aircraft": the actor inside."""
    if tok.dep_ == "conj" and tok.head.pos_ == "NOUN" and not any(c.dep_ in ("amod", "poss") for c in tok.lefts):
        tok = tok.head  # "Russian artillery and glide bombs": the actor of the first weapon is the second's
    # "Russian artillery and glide bombs" parsed as modifiers of "bombs": the actor one level down
    lefts = [c for left in tok.lefts for c in ([left, *left.lefts] if left.dep_ in ("nmod", "compound") and
                                                 left.pos_ == "NOUN" else [left])]
    mods = [c for c in lefts if c.dep_ in ("amod", "compound", "poss", "nmod")
            and (c.pos_ == "PROPN" or actors.country_in(c.text) or c.text.lower() in ("government",))
            and not munitions.lookup(c.text)  # "Bayraktar drones": a make, not who flew them
            and (c.ent_type_ not in ("GPE", "LOC", "FAC") or actors.country_in(c.text))  # "the Sumy strike": where
            and not _town(c)]
    if not mods:
        return None
    first, last = mods[0].left_edge, mods[-1].right_edge
    if last.text.lower() in ("drone", "artillery", "missile", "rocket", "mortar"):
        return None
    end = last.idx + len(last)
    text = _text(tok.doc)
    if text[end - 2:end] in ("'s", "\u2019s"):
        end -= 2
    start = max(first.idx, text.rfind("\n", first.idx, end) + 1)  # a headline parsed into the sentence
    return start, end


# ---------------------------------------------------------------- triggers and perpetrators

def _weapons_near(tok: Token, weapon_spans: list[tuple[int, int]]) -> bool:
    lo, hi = tok.idx - 60, tok.idx + 80
    return any(lo <= s <= hi for s, _ in weapon_spans)


def _subject(tok: Token) -> Token | None:
    """The doer of a verb or act noun: agent of a passive, "by X", subject (climbing xcomp/conj/advcl chains)."""
    for child in tok.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by" and tok.pos_ == "NOUN"):
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    if tok.pos_ == "NOUN" and tok.head.lower_ == "under":  # "came under fire from X"
        objs = [g for c in tok.head.head.children if c.dep_ == "prep" and c.lower_ == "from"
                for g in c.children if g.dep_ == "pobj"]
        objs += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "from" for g in c.children
                 if g.dep_ == "pobj"]
        return objs[0] if objs else None
    t = tok
    if tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.lower_ == "for" and tok.head.head.lemma_ in (
            "responsible", "responsibility"):  # "X were responsible for the killing of": the doer of "were"
        t = tok.head.head if tok.head.head.pos_ != "ADJ" else tok.head.head.head
        tok = t
    if tok.pos_ == "NOUN":  # "launched an attack", "took 30 students hostage": the doer of the light verb
        if tok.dep_ not in ("dobj", "oprd") or tok.head.lemma_.lower() not in LIGHT_VERBS:
            return None
        t = tok.head
    for _ in range(4):
        subj = [c for c in t.children if c.dep_ in ("nsubj", "csubj") and _same_par(c, tok)]
        if subj and not any(c.dep_ == "auxpass" for c in t.children):
            s = subj[0]
            if s.lower_ in ("which", "who", "that") and t.dep_ == "relcl":
                # "..., Ganja … Armenia, which targets": the noun right before the pronoun, not the parser's head;
                # none in "know who burned": a question, not a relative clause
                prev = s.doc[s.i - 1] if s.i and s.doc[s.i - 1].text != "," else s.doc[max(0, s.i - 2)]
                return prev if prev.pos_ in ("PROPN", "NOUN") and prev.i < s.i else None
            return s
        if t.dep_ in ("xcomp", "conj", "advcl", "pcomp") and t.head is not t and t.head.lemma_ not in REPORTING \
                and _same_par(t.head, tok):
            t = t.head
            continue
        break
    return None


def _same_par(a: Token, b: Token) -> bool:
    """No paragraph break between two tokens (the parser joins a headline to the first sentence)."""
    lo, hi = sorted((a.idx, b.idx))
    return "\n" not in _text(a.doc)[lo:hi]


def _tok_span(tok: Token) -> Span:
    return Span.of(_text(tok.doc), tok.idx, tok.idx + len(tok))


def _named(doc: Doc, start: int, end: int, how: str = "named") -> tuple[str, Span, str]:
    return _text(doc)[start:end], Span.of(_text(doc), start, end), how


def _perp_of(doc: Doc, tok: Token, st: Statement) -> tuple[str | None, Span | None, str]:
    """The perpetrator an act word names, and how it was found."""
    mod = _actor_modifiers(tok) if tok.pos_ in ("NOUN", "PROPN") else None
    if mod:
        return _named(doc, *mod)
    subj = _subject(tok)
    if subj is None and _verb_like(tok):  # the parse is broken too: the actor opening the clause
        chunks = [c for c in noun_chunks(doc) if c.end <= tok.i and c.start >= tok.sent.start]
        subj = chunks[0].root if chunks else None
    elif subj is None and tok.pos_ == "VERB" and tok.dep_ in ("ccomp", "ROOT") and not any(
            c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):  # a headline broke the parse
        lo = max(st.content.start, _text(doc).rfind("\n", 0, tok.idx) + 1)
        chunks = [c for c in noun_chunks(doc) if lo <= c.root.idx and c.root.i < tok.i]
        subj = chunks[0].root if chunks else None
    if subj is None:
        return None, None, "none"
    poss = [c.lower_ for c in subj.children if c.dep_ == "poss"]
    if subj.lower_ in SELF or poss[:1] in (["its"], ["our"], ["group"], ["ministry"], ["army"]):
        return speaker_actor(st), _tok_span(subj), "self"  # "we", "its forces", "the group's drone unit"
    if subj.lower_ in ("it", "they") and subj.idx == st.content.start and st.quote == "indirect" and (
            st.speaker.type not in ("person", "unknown")) and speaker_actor(st):
        return speaker_actor(st), _tok_span(subj), "self"  # "the ministry said it had struck ...": the speaker itself
    if subj.lower_ in PRONOUNS:
        return None, _tok_span(subj), "pronoun"
    # a weapon or an event as subject: "Artillery and drone strikes hit", "the offensive killed"
    if (kb := munitions.lookup(subj.text)) or subj.lemma_.lower() in EVENT_NOUNS:
        mod, by = _actor_modifiers(subj), _subject(subj) or _operator(subj)
        if mod:
            return _named(doc, *mod)
        if by is not None:
            return _named(doc, *_strip_det(_text(doc), *_np(by)))
        if any(c.lower_ in ("military", "army") for c in subj.lefts) or kb and kb.get("platform"):
            # "a military jet bombed", "army artillery": some state's forces
            return None, _tok_span(subj), "force"
        return (None, _tok_span(subj), "event") if subj.lemma_.lower() in EVENT_NOUNS else (None, None, "none")
    start, end = _np(subj)
    s, e = _strip_det(_text(doc), start, end)
    if _text(doc)[start:end].lower() in VAGUE or _text(doc)[s:e].lower() in VAGUE:
        return None, Span.of(_text(doc), s, e), "vague"
    return _named(doc, s, e) if _is_actor_phrase(doc, s, e) else (None, None, "none")


def _operator(weapon: Token) -> Token | None:
    """"drones flown by the army", "rockets fired by the militia": who used the weapon."""
    for c in weapon.children:
        if c.dep_ == "acl":
            for g in c.children:
                if g.dep_ == "agent":
                    return next((o for o in g.children if o.dep_ == "pobj"), None)
    return None


def _accused(doc: Doc, st: Statement, lo: int, hi: int) -> tuple[str | None, Span | None]:
    """"X accused Y of ...", "denounced Y for ...": Y, read from the statement's sentence."""
    for tok in _tokens(doc, lo, hi):
        if tok.lemma_.lower() not in ACCUSE or tok.pos_ != "VERB":
            continue
        objs = [c for c in tok.children if c.dep_ == "dobj" and c.lower_ not in ("what", "that", "it")] or [
            c for c in tok.children if c.dep_ == "nsubjpass"]  # "X were accused by Y of ..."
        if not objs:
            continue
        head = objs[0]
        if head.lower_ in PRONOUNS:
            return None, Span.of(_text(doc), head.idx, head.idx + len(head))
        if not (head.pos_ == "PROPN" or head.lower_ in ACTOR_WORDS or actors.country_in(head.text)):
            continue  # "condemned the invasion": a deed, not a doer
        s, e = _strip_det(_text(doc), *_np(head))
        more = re.match(r"\s+(?:and|or)\s+[^,.;]{1,40}?(?=\s+(?:of|for)\s)", _text(doc)[e:e + 60])
        if more:  # "accused the army and allied militias of": the parser split the pair
            e += more.end()
        if _text(doc)[s:e].lower() in ("group", "movement", "organisation", "organization"):
            s, e = _named_group_before(doc, head) or (s, e)  # "blamed the group": the group named just before
        return _text(doc)[s:e], Span.of(_text(doc), s, e)
    return None, None


def _named_group_before(doc: Doc, tok: Token) -> tuple[int, int] | None:
    """The last organisation named in the sentence before "the group" (an ORG/NORP entity that is no demonym
    and no place: "in Nabatieh")."""
    orgs = [e for e in ents(doc) if e.label_ in ("ORG", "NORP") and tok.sent.start <= e.start and e.end <= tok.i
            and not actors.country_in(e.text) and not (e.start and doc[e.start - 1].lower_ in ("in", "near", "at"))]
    return (orgs[-1].start_char, orgs[-1].end_char) if orgs else None


def _event_antecedent(doc: Doc, word: str, before: int) -> tuple[str | None, Span | None]:
    """"the offensive" → the actor of the last "Azerbaijani offensive" written before it."""
    for tok in reversed(_tokens(doc, 0, before)):
        if tok.lemma_.lower() == word:
            mod = _actor_modifiers(tok)
            if mod:
                return _text(doc)[mod[0]:mod[1]], Span.of(_text(doc), *mod)
    return None, None


# ---------------------------------------------------------------- details

def _targets(doc: Doc, start: int, end: int) -> list[Target]:
    return _harm_targets(doc, _text(doc), start, end)


def _dates(text: str, published, start: int, end: int):
    from . import time as timeparse

    return [d for d in timeparse.find_dates(text, published, start, end)
            if not (published and d.value[:10] > str(published)[:10])]


# ---------------------------------------------------------------- act

# ---------------------------------------------------------------- per statement

def _scan(doc: Doc, st: Statement, index: int, lo: int, hi: int, threat_cue: bool,
          acc: tuple[str | None, Span | None]) -> list[_Frame]:
    """One frame per act word in text[lo:hi]."""
    text = _text(doc)
    weapon_spans = [(w.span.start, w.span.end) for w in munitions.find_weapons(text, lo, hi, platforms=True)]
    mention = st.speaker.mention
    frames = []
    for tok in _tokens(doc, lo, hi):
        if mention and mention.start <= tok.idx < mention.end:
            continue
        cat = acts.category(tok, _weapons_near(tok, weapon_spans))
        if cat is None or acts.is_negated(tok) or _back_reference(tok):
            continue
        if cat == "attack" and acts.is_planned(tok):
            cat = "planned"
        perp, pspan, how = _perp_of(doc, tok, st)
        if how == "self" and cat in ("attack", "planned") and re.search(
                r"\b(?:allow|enable|can|could|will|would|able)\b", text[max(lo, tok.idx - 40):tok.idx], re.I):
            cat = "threat"  # "our missiles allow us to strike X": a stated capability is a threat
        if threat_cue and cat in ("attack", "planned"):
            cat = "threat"
        if how == "none" and re.search(r"\bresponsibility\b", text[max(lo, tok.idx - 60):tok.idx]):
            perp, pspan, how = speaker_actor(st), None, "self"  # "claimed responsibility for the attack"
        # "accused X of ...": X beats a modifier of the act noun ("the Armenian genocide" names the victims)
        if acc[0] and (how in ("none", "pronoun") or (how == "named" and tok.pos_ == "NOUN" and _subject(tok) is None)):
            perp, pspan, how = acc[0], acc[1], "named"
        f = _Frame(index, cat, [tok], perp, pspan, how, tok.idx, tok.idx)
        f.extra["doer"] = pspan.text if pspan else None
        f.extra["own_word"] = how == "named" and _is_own_word(perp)
        # "blamed X for the strike": a definite act noun points back to an act told before
        f.extra["definite"] = tok.pos_ == "NOUN" and bool(acc[0]) and perp == acc[0] and any(
            c.lower_ in ("the", "this", "that") for c in tok.children)
        frames.append(f)
    return frames


def _back_reference(tok: Token) -> bool:
    """"fled after the strikes", "since the attack": an act told before, named only to date something else."""
    return (tok.pos_ == "NOUN" and tok.dep_ == "pobj" and tok.head.lower_ in ("after", "since", "following", "before")
            and any(c.lower_ in ("the", "this", "that", "those", "these") for c in tok.children)
            and _actor_modifiers(tok) is None)


def _is_own_word(perp: str | None) -> bool:
    """"troops", "the air force": an armed body named without any owner."""
    return bool(perp) and re.sub(r"^(?:the|its|our)\s+", "", perp.lower()) in OWN_WORDS


def _context_actor(doc: Doc, lo: int, hi: int, skip: tuple[int, int]) -> tuple[str | None, Span | None]:
    """"..., as Azerbaijan launched a military operation": who launched the operation the act belongs to."""
    for tok in _tokens(doc, lo, hi):
        if skip[0] <= tok.idx < skip[1] or tok.lemma_.lower() not in (
                "launch", "begin", "start", "mount", "escalate", "continue", "conduct", "step"):
            continue
        objs = [c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in EVENT_NOUNS]
        subj = [c for c in tok.children if c.dep_ == "nsubj"]
        if objs and subj and subj[0].lower_ not in PRONOUNS:
            s, e = _strip_det(_text(doc), *_np(subj[0]))
            if _is_actor_phrase(doc, s, e):
                return _text(doc)[s:e], Span.of(_text(doc), s, e)
    return None, None


def _antecedent(doc: Doc, at: int, skip: tuple[int, int]) -> tuple[int, int] | None:
    """Whom "they" stands for: the last armed body named as subject or object in this sentence or the one before,
    not the speaker ("Insurgents who overran X are regrouping, and officials believe they intend to ...")."""
    tok = doc[token_at(doc, at)]
    lo = doc[tok.sent.start - 1].sent.start if tok.sent.start > 0 else tok.sent.start
    for t in reversed(doc[lo:tok.i]):
        if t.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj") or t.tag_ not in ("NNS", "NNPS") or \
                skip[0] <= t.idx < skip[1] or t.lower_ in PRONOUNS:
            continue
        s, e = _strip_det(_text(doc), *_np(t))
        if t.lower_ in ACTOR_WORDS and not munitions.lookup(t.text) and _is_actor_phrase(doc, s, e):
            return s, e  # an armed body, not a platform ("the helicopters came twice, and each time they ...")
    return None


def _frames(doc: Doc, st: Statement, index: int, published, belligerents: list[str],
            others: tuple[tuple[int, int], ...] = ()) -> list[_Frame]:
    """The acts one statement alleges (unmerged), or none for denials and assessments."""
    text = _text(doc)
    c0, c1 = st.content.start, st.content.end
    s0, s1 = _sentences(doc, c0, c1)
    cue = " ".join(x for x in (st.cue, st.cue_span.text if st.cue_span else "") if x).lower()
    denial = bool(re.search(r"\b(?:den(?:y|ied|ies|ying)|reject|dismiss|refut|rebuff)", cue))
    if any(m.group(0).lower() != "lies" or doc[token_at(doc, m.start())].pos_ == "NOUN"  # not "the town lies 5 km from"
           for m in DENIAL_WORDS.finditer(text, c0, c1)):
        return []
    verifier = st.speaker.kind == "independent_verifier"
    if verifier and HEDGES.search(text[c0:c1]):
        return []
    if st.speaker.kind != "party" and EVIDENCE.search(text[c0:c1]):
        return []
    threat_cue = bool(re.search(r"\b(?:warn|threat|vow|pledg)", cue))
    acc = _accused(doc, st, s0, s1)
    frames = _scan(doc, st, index, c0, c1, threat_cue, acc)
    conduct = acts.CONDUCT.search(text, c0, c1) if acc[0] else None
    if conduct:  # "accused X of using villagers as human shields": conduct, not an attack
        frames.append(_Frame(index, "other", [], acc[0], acc[1], "named", conduct.start(), conduct.start(),
                             {"conduct": True}))
    if not frames and (c1 - c0) < 0.6 * (s1 - s0):  # a fragment: the act word may sit outside it
        frames = [f for f in _scan(doc, st, index, s0, s1, threat_cue, acc)
                  if not (st.cue_span and st.cue_span.start <= f.start < st.cue_span.end)
                  and not any(lo <= f.start < hi for lo, hi in others)]  # another statement's act
        c1 = max([c1] + [s1 for f in frames if f.start >= c1])  # its details follow it
    if not frames and acc[0] and (munitions.find_weapons(text, c0, c1) or any(
            t.kind != "military" for t in _targets(doc, c0, c1))):  # "accused X of placing artillery among homes"
        frames.append(_Frame(index, "threat" if threat_cue else "other", [], acc[0], acc[1], "named", c0, c0))
    if not frames and threat_cue and st.speaker.kind not in ("independent", "independent_verifier") and re.search(
            r"\b(?:targets?|strike|attack|retaliat\w*|respond)\b", text[c0:c1], re.I):
        frames.append(_Frame(index, "threat", [], speaker_actor(st), None, "self", c0, c0))
    frames = _group(frames)
    for f in frames:
        f.extra["others"] = others
    for a, b in zip(frames, frames[1:]):  # "stormed a camp near X, looting stores": one actor's series of acts
        b.extra["series"] = bool(b.perp) and same_perpetrator(a.perp, b.perp)
    # each act reads its details from its own stretch of the content: up to the next act of another group
    marks = sorted((t.idx if f.triggers else f.start, n) for n, f in enumerate(frames) for t in (f.triggers or [0]))
    for i, f in enumerate(frames):
        f.start = min(c0, f.start) if i == 0 else f.start
        f.end = min([x for x, n in marks if x > f.start and n != i] + [max(c1, f.end)])
    for f in frames:  # "..., and that air defences had shot down drones": another reported clause, no act
        m = re.compile(r",? and that\b|;").search(text, max([f.start] + [t.idx for t in f.triggers]), f.end)
        f.end = m.start() if m else f.end
    for i, f in enumerate(frames):  # "storming a camp, looting stores and killing 23": the killing's own words
        f.extra["more"] = [(t.idx, min([x for x, n in marks if x > t.idx and n != i] + [c1]))
                           for t in f.triggers if t.idx >= f.end]
    mention = st.speaker.mention
    speaker_at = (mention.start, mention.end) if mention else (0, 0)
    for f in frames:
        if f.perp is None and f.perp_how == "event" and f.perp_span is not None:
            f.perp, f.perp_span = _event_antecedent(doc, doc[token_at(doc, f.perp_span.start)].lemma_.lower(), c0)
            f.perp_how = "named" if f.perp else "event"
        if f.perp is None and f.perp_how in ("none", "event") and f.category in ("attack", "killing"):
            f.perp, f.perp_span = _context_actor(doc, s0, s1, speaker_at)
            if f.perp:
                f.perp_how, f.extra["context"] = "named", True
        if f.perp is None and f.perp_how == "pronoun" and f.perp_span and f.perp_span.text.lower() == "they":
            ante = _antecedent(doc, f.perp_span.start, speaker_at)
            if ante is not None:
                f.perp, f.perp_span, f.perp_how = _text(doc)[ante[0]:ante[1]], Span.of(text, *ante), "antecedent"
        if f.perp_how == "vague":
            f.perp = _opponent(st, belligerents)
            f.perp_how = "opponent" if f.perp else "vague"
        if f.perp_how == "force" or (f.perp_how == "named" and _strip_the(f.perp or "") in GENERIC_FORCES):
            _state_force(f, st, belligerents)
    if denial:  # a denial alleges nothing against the denier; a counter-accusation in it still counts
        own = _side(st)
        frames = [f for f in frames if f.perp and f.perp_how == "named" and not (own and same_perpetrator(f.perp, own))]
    if verifier:
        frames = [f for f in frames if (f.perp and f.perp_how == "named") or (
            f.category == "attack" and _casualties(text, c0, c1) and re.search(r"\b(?:in|at|on) [A-Z]", text[c0:c1]))]
        for f in frames:
            f.extra["verifier"] = True
    return frames


STATE_FORCES = {"army", "military", "air force", "armed forces", "navy", "security forces", "junta", "regime"}
GENERIC_FORCES = STATE_FORCES | {"troops", "soldiers"}


def _state_force(f: _Frame, st: Statement, belligerents: list[str]) -> None:
    """"the army", "a military jet": the forces of the one state the article is about, else, in a party's mouth,
    its opponent's; left unnamed when neither is clear."""
    word = _strip_the(f.perp) if f.perp else "military"
    if len(belligerents) == 1:
        f.perp, f.perp_how = f"{belligerents[0]} {word}", "self" if _states_own(st, belligerents[0]) else "inferred"
    elif f.perp is None and (other := _opponent(st, belligerents)):
        f.perp, f.perp_how = other, "opponent"
    elif f.perp is None:
        f.perp_how = "vague"


def _group(frames: list[_Frame]) -> list[_Frame]:
    """Act words of one statement that belong together: killings fold into an attack; same category and
    perpetrator (or none) fold into the act before them."""
    attack_like = ("attack",)
    out: list[_Frame] = []
    for f in sorted(frames, key=lambda f: f.start):
        prev = out[-1] if out else None
        if prev and f.category == "killing" and any(p.category in attack_like for p in out):
            target = next(p for p in reversed(out) if p.category in attack_like)
            target.triggers += f.triggers
            continue
        if prev and prev.category == "killing" and f.category in attack_like and len(out) == 1 and (
                not prev.perp or (not f.perp and f.perp_how != "named") or same_perpetrator(prev.perp, f.perp)):
            f.triggers = prev.triggers + f.triggers
            f.start = prev.start
            f.perp = f.perp or prev.perp
            f.perp_span = f.perp_span or prev.perp_span
            out[-1] = f
            continue
        if prev and prev.category == f.category and (f.perp is None and f.perp_how != "named"
                                                     or same_perpetrator(prev.perp, f.perp)):
            prev.triggers += f.triggers
            if prev.perp is None and f.perp:
                prev.perp, prev.perp_span, prev.perp_how = f.perp, f.perp_span, f.perp_how
            continue
        out.append(f)
    return out


REASONS_NONE = {"pronoun": "unresolved pronoun", "vague": "unnamed", "event": "event without a named actor"}
REASONS = {"self": "self-claim: the speaker's own side", "opponent": "inferred: the other belligerent",
           "inferred": "inferred: the forces of the state the article is about",
           "antecedent": "named earlier in the sentence, as \"they\""}
SELF_CLAIM = REASONS["self"]  # how later stages tell a party's account of its own act


def _fill(doc: Doc, f: _Frame, st: Statement, places: list[Place], published) -> Allegation | None:
    """Targets, weapons, places, date and casualties of one act; None when too vague to keep."""
    text = _text(doc)
    c0, c1 = st.content.start, st.content.end
    s0, s1 = _sentences(doc, c0, c1)
    weapons = [w for w in munitions.find_weapons(text, f.start, f.end) if not acts.not_used(_tokens(doc, w.span.start, w.span.end), w)]
    ps = f.perp_span
    targets = [x for x in _targets(doc, f.start, f.end)  # the doers are no target: "RSF fighters set fire to"
               if not (ps and x.span.start < ps.end and ps.start < x.span.end)
               and not (x.kind == "military" and acts.is_doer(_tokens(doc, x.span.start, x.span.end), f.triggers))]
    act_targets = targets
    hit = [x for x in targets if any(x.span.start <= t.idx < x.span.end for t in acts.hit_words(f.triggers))]
    if f.category == "attack" and hit:  # what the act word governs: "targeted fighters gathering in the town"
        act_targets = hit
    elif f.category == "attack":  # civilian targets must be what the act hit, not the dead it counted
        objs = set()
        for t in f.triggers:
            for c in t.subtree:
                objs.add(c.idx)
        act_targets = [x for x in targets if x.span.start in objs or any(
            x.span.start <= i < x.span.end for i in objs)] or [x for x in targets if x.kind != "civilians"]
    act = acts.act(f.category, f.triggers, weapons, act_targets, f.extra.get("doer"))
    found = _act_places(doc, places, f.start, f.end, st, s0, s1, bool(f.extra.get("series")),
                        f.extra.get("others", ()))
    dates = next((d for lo, hi in ((f.start, f.end), (c0, c1), (s0, s1)) if (d := _dates(text, published, lo, hi))), [])
    casualties = None
    for lo, hi in [(f.start, f.end), *f.extra.get("more", ())] if f.category in ("attack", "killing", "other") else ():
        casualties = casualties or _casualties(text, lo, hi)
    if f.perp is None:
        perp_reason = REASONS_NONE.get(f.perp_how, "no perpetrator named")
        if f.perp_how == "vague" and f.perp_span:
            perp_reason += f": {f.perp_span.text}"
    else:
        perp_reason = REASONS.get(f.perp_how)
    trig = f.triggers[0] if f.triggers else None
    d = dates[0] if dates else None
    return Allegation(
        statement_ids=[st.id] if st.id else [], act=act, perpetrator=f.perp, perpetrator_span=f.perp_span,
        perpetrator_reason=perp_reason,
        act_span=Span.of(text, trig.idx, trig.idx + len(trig)) if trig is not None else None,
        targets=targets, weapons=weapons, places=found,
        date=d.value if d else None, date_precision=d.precision if d else None, date_span=d.span if d else None,
        casualties=casualties,
        confidence={"named": 0.7, "self": 0.6, "opponent": 0.4, "inferred": 0.4, "antecedent": 0.5}.get(f.perp_how, 0.3))


# ---------------------------------------------------------------- across statements

def _conflict(a: Allegation, b: Allegation, dates: bool = True) -> bool:
    """Different towns, or different days: not the same event."""
    pa = {p.name.lower() for p in a.places if p.precision != "country"}
    pb = {p.name.lower() for p in b.places if p.precision != "country"}
    if pa and pb and not (pa & pb) and not _close(a.places, b.places):
        return True
    return dates and bool(a.date and b.date and a.date_precision == "day" == b.date_precision and a.date != b.date)


def _merged_act(acts: list[str]) -> str:
    """Several statements, one act: the most told specific act; attack_on_civilians beats a weapon-only act."""
    rank = lambda a: ACTS[a].merge_rank if a in ACTS else 2  # noqa: E731
    best = max(acts, key=lambda a: (rank(a), acts.count(a), -acts.index(a)))
    return best


def _merge_into(a: Allegation, b: Allegation, acts: list[str]) -> None:
    a.statement_ids += [s for s in b.statement_ids if s not in a.statement_ids]
    a.targets += [t for t in b.targets if t.name.lower() not in {x.name.lower() for x in a.targets}]
    a.weapons += [w for w in b.weapons if w.name.lower() not in {x.name.lower() for x in a.weapons}]
    names = {p.name.lower() for p in a.places}
    a.places += [p for p in b.places if p.name.lower() not in names]
    if a.date is None and b.date:
        a.date, a.date_precision, a.date_span = b.date, b.date_precision, b.date_span
    if a.casualties is None:
        a.casualties = b.casualties
    elif b.casualties:
        c, d = a.casualties, b.casualties
        for lo, hi in (("killed_min", "killed_max"), ("injured_min", "injured_max")):
            if getattr(c, lo) is None and getattr(c, hi) is None:  # a range moves whole, never half
                setattr(c, lo, getattr(d, lo))
                setattr(c, hi, getattr(d, hi))
        c.civilian = c.civilian or d.civilian
        c.spans += d.spans
    if a.perpetrator is None and b.perpetrator:
        a.perpetrator, a.perpetrator_span = b.perpetrator, b.perpetrator_span
        a.perpetrator_reason = b.perpetrator_reason
    a.confidence = max(a.confidence, b.confidence)
    a.act = _merged_act(acts)


@dataclass
class _Group:
    """Allegations of one document found to be one act, and where they came from."""
    alg: Allegation
    stmts: list[int]
    acts: list[str]
    self_claim: bool
    verifier_only: bool
    weak: bool = False  # only act words with nothing of war around them ("hit Trump hard")
    conduct: bool = False  # conduct such as using human shields: joins only conduct


def _weak(f: _Frame, alg: Allegation) -> bool:
    return alg.act == "other" and f.category == "attack" and not (
        alg.weapons or alg.casualties or any(t.kind == "military" for t in alg.targets)
        or (f.perp_how == "self" and _told_as_done(f)))


def _is_self(f: _Frame, alg: Allegation, statements: list[Statement]) -> bool:
    """A party telling of its own act ("our forces struck", "Azerbaijan was considering bombing")."""
    st = statements[f.stmt]
    if st.speaker.kind in ("independent", "independent_verifier"):
        return False
    return f.perp_how == "self" or bool(alg.perpetrator and same_perpetrator(alg.perpetrator, _side(st) or ""))


def _joins(g: _Group, f: _Frame, alg: Allegation, statements: list[Statement]) -> bool:
    """Whether a new allegation tells the act of an earlier group again."""
    ga = g.alg
    if not same_perpetrator(ga.perpetrator, alg.perpetrator) or _family(ga.act) != _family(alg.act):
        return False
    if g.conduct != bool(f.extra.get("conduct")):
        return False
    last = statements[max(g.stmts)]
    a0, a1 = last.content.start, last.content.end
    b0, b1 = statements[f.stmt].content.start, statements[f.stmt].content.end
    if (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1):
        return True  # one statement's words inside another's: "said it struck X and accused Y of Z"
    speaker_stems = _stem(last.speaker.name) & _stem(statements[f.stmt].speaker.name)
    if _is_self(f, alg, statements) != g.self_claim and not speaker_stems:
        return False  # a party's own account and its opponent's accusation stay apart
    near = (_follows(statements, max(g.stmts), f.stmt) and (f.stmt != max(g.stmts) or _family(alg.act) != "attack")
            and _same_side(last, statements[f.stmt]) and f.perp_how != "opponent")  # a guess joins by place only
    if _conflict(ga, alg, dates=not near):
        return False
    shared_place = _shared(ga, alg)
    same_day = not ga.places and not alg.places and ga.date and ga.date == alg.date
    return bool((near and (ga.perpetrator is not None or not _fine_places(alg)))
                or (ga.act == alg.act and (shared_place or same_day)))


def _shared(a: Allegation, b: Allegation) -> bool:
    return bool({p.name.lower() for p in _fine_places(a)} & {p.name.lower() for p in _fine_places(b)}
                or _close(a.places, b.places, 3))


def _fine_places(alg: Allegation) -> list[Place]:
    return [p for p in alg.places if p.precision != "country"]


def _follows(statements: list[Statement], i: int, j: int) -> bool:
    """Statement j comes right after i, or after more of its own speaker's words ("The planes came twice,"
    said X. He said a school was destroyed.)."""
    return 0 <= j - i <= 1 or (j - i <= 3 and all(
        _stem(s.speaker.name) & _stem(statements[j].speaker.name) for s in statements[i + 1:j]))


def _resolve_and_merge(items: list[tuple[_Frame, Allegation]], statements: list[Statement],
                       belligerents: list[str]) -> list[Allegation]:
    """Pronoun and unnamed perpetrators take the previous act's; acts told twice become one allegation."""
    groups: list[_Group] = []
    for f, alg in items:
        last = groups[-1] if groups else None
        if alg.perpetrator is None and f.perp_how == "self":  # "we"/"its forces": the speaker's side, told earlier
            alg.perpetrator = next((speaker_actor(s) for s in reversed(statements[:f.stmt + 1])
                                    if _stem(s.speaker.name) & _stem(statements[f.stmt].speaker.name)
                                    and speaker_actor(s)), None)
        if (last and alg.perpetrator is None and f.perp_how in ("pronoun", "none", "event")
                and _follows(statements, max(last.stmts), f.stmt)
                and _same_side(statements[max(last.stmts)], statements[f.stmt]) and not last.conduct
                and not _conflict(last.alg, alg)
                and (f.stmt != max(last.stmts) or f.perp_how == "pronoun"
                     or _family(alg.act) != _family(last.alg.act))):
            alg.perpetrator = last.alg.perpetrator
            alg.perpetrator_reason = "inferred from the preceding statement"
            alg.confidence = min(alg.confidence, 0.5)
        target = next((g for g in reversed(groups) if _joins(g, f, alg, statements)), None)
        if target is None and alg.perpetrator and f.perp_how == "named" and not _is_self(f, alg, statements):
            # "... blamed X for the strike", "X fired rockets into the camp": the last act of this kind told
            # without a doer, now with its doer, when nothing places it elsewhere
            last_of_kind = next((g for g in reversed(groups) if _family(g.alg.act) == _family(alg.act)), None)
            if (last_of_kind and last_of_kind.alg.perpetrator is None and not last_of_kind.conduct
                    and not _conflict(last_of_kind.alg, alg) and (f.extra.get("definite") or (
                        f.stmt - max(last_of_kind.stmts) <= 4 and (not _fine_places(alg) or _shared(last_of_kind.alg, alg))))):
                target = last_of_kind
        verifier = bool(f.extra.get("verifier"))
        if target is None:
            groups.append(_Group(alg, [f.stmt], [alg.act], _is_self(f, alg, statements), verifier, _weak(f, alg),
                                 bool(f.extra.get("conduct"))))
            continue
        target.weak = target.weak and _weak(f, alg)
        target.stmts.append(f.stmt)
        target.acts.append(alg.act)
        target.verifier_only = target.verifier_only and verifier
        _merge_into(target.alg, alg, target.acts)
    out = []
    verifier_ids = {s.id for s in statements if s.speaker.kind == "independent_verifier"}
    for g in groups:
        alg = g.alg
        if not g.verifier_only:  # verifiers' words on a party's claim are assessments, not allegations
            alg.statement_ids = [s for s in alg.statement_ids if s not in verifier_ids] or alg.statement_ids
        if g.weak or (alg.perpetrator is None and not alg.places and not alg.casualties and not alg.weapons):
            continue  # "the other side fired first": nothing to check
        speakers = [statements[i] for i in g.stmts if statements[i].speaker.kind == "party"]
        if alg.perpetrator is None and _family(alg.act) == "attack" and speakers and all(
                _same_side(s, speakers[0]) for s in speakers) and statements[min(g.stmts)].speaker.kind in (
                    "party", "unknown"):  # told first by the party (or an official), not by witnesses
            # a party telling of a strike on its side without naming the doer: its opponent, as a guess
            alg.perpetrator = _opponent(speakers[0], belligerents)
            if alg.perpetrator:
                alg.perpetrator_reason, alg.confidence = REASONS["opponent"], min(alg.confidence, 0.4)
        out.append(alg)
    return out


def _own_side(statements: list[Statement], i: int, text: str) -> str | None:
    """The side a party speaker speaks for; a bare "a spokesman" speaks for the party quoted just before
    in the same paragraph ("The military denied ... A spokesman said ...")."""
    st = statements[i]
    if st.speaker.kind in ("independent", "independent_verifier", "third_party"):
        return None
    own = speaker_actor(st)
    if own or not re.fullmatch(r"(?:an?|the) (?:\w+ )?spokes(?:man|woman|person)", (st.speaker.role or "").lower()):
        return own
    for prev in reversed(statements[:i]):
        if "\n" in text[prev.content.end:st.content.start]:
            break
        if prev.speaker.kind == "party" and speaker_actor(prev):
            return speaker_actor(prev)
    return None


def _own_side_claim(f: _Frame, alg: Allegation, statements: list[Statement], text: str) -> None:
    """"troops had targeted camps" in a party's mouth: its own troops, unless civilians are said to be hit."""
    if not f.extra.get("own_word") or alg.act == "attack_on_civilians" or re.search(
            r"\b(?:our|us|we)\b", text[f.start:f.end], re.I) or re.match(
            r"(?:accus|blam|charg|denounc|condemn)", statements[f.stmt].cue or "", re.I):
        return  # "the army shelled our positions", "accused the army of": the speaker's side is not the doer
    own = _own_side(statements, f.stmt, text)
    word = _strip_the(f.perp_span.text) if f.perp_span else ""
    if own and word in STATE_FORCES and not actors.country_in(own) and word not in own.lower():
        return  # "the army" in a rebel group's mouth is the state's army, not its own
    if own:
        alg.perpetrator, f.perp, f.perp_how = own, own, "self"
        alg.perpetrator_reason = REASONS["self"]
        alg.confidence = 0.6


def _is_general_framing(f: _Frame, alg: Allegation) -> bool:
    """A party on its own conduct with no place: "only military targets were struck"."""
    if alg.act == "threat" or alg.places:
        return False
    military = alg.targets and all(t.kind == "military" for t in alg.targets)
    return (f.perp_how == "self" or bool(military and f.category == "attack")) and not _told_as_done(f)


def _told_as_done(f: _Frame) -> bool:
    """"its aircraft had destroyed a depot": one act told in the past, not a standing policy
    ("only military targets are being struck")."""
    for t in f.triggers:
        kids = {c.dep_: c.lower_ for c in t.children}
        if t.tag_ == "VBD" or (t.tag_ == "VBN" and kids.get("aux") in ("had", "has", "have")):
            return "auxpass" not in kids and not any(c.lower_ in ("only", "always", "never") for c in t.subtree)
    return False


def extract(doc: Doc, statements: list[Statement], places: list[Place], published: date | None = None,
            prefix: str = "A") -> list[Allegation]:
    """Allegations of one document; ids are f"{prefix}{n}" from 1."""
    places = sorted(places, key=lambda p: p.start)
    belligerents = _belligerents(_text(doc)) or _country_of(places)
    items: list[tuple[_Frame, Allegation]] = []
    starts = sorted(x for st in statements for x in (st.content.start, st.cue_span.start if st.cue_span else None)
                    if x is not None)
    contents = [(s.content.start, s.content.end) for s in statements]
    acronyms = actors.defined_acronyms(_text(doc))
    for i, st in enumerate(statements):
        st = quotes.with_continuation(_text(doc), st, starts)
        others = tuple(c for j, c in enumerate(contents) if j != i)
        for f in _frames(doc, st, i, published, belligerents, others):
            alg = _fill(doc, f, st, places, published)
            if alg is None:
                continue
            _own_side_claim(f, alg, statements, _text(doc))
            if _is_general_framing(f, alg):
                continue
            alg = actors.canonical_perpetrator(alg, acronyms)
            if alg.perpetrator is None and f.perp:  # no agent after all: a later step may still find one
                f.perp, f.perp_how = None, "none"
            items.append((f, alg))
    algs = _resolve_and_merge(items, statements, belligerents)
    return [replace(actors.canonical_perpetrator(a, acronyms), id=f"{prefix}{n}") for n, a in enumerate(algs, 1)]


# the frame machinery, as the narration stage (narration.py) reads it
frames_of, fill_frame, is_general_framing = _frames, _fill, _is_general_framing
