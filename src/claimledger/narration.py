"""Narrated events: acts the outlet tells in its own voice, outside every attributed statement.

"Gunmen attacked a police post near the border on Sunday, killing four officers." is the outlet's account:
an allegation with `narrated=True`, `reported_by` the outlet, no statement ids and the `span` of the words
that tell it. The frames are read by the allegation stage's own machinery (act words, perpetrator, targets,
weapons, places, date, casualties); what this module adds is where narration is and which acts it tells as
events that happened:
- words inside a statement's content, cue or speaker, or inside a quotation, belong to that source
  ("Gunmen stormed two villages, officials said." stays the officials' allegation);
- only a concrete event reading counts: told in the past ("stormed", "were killed", "has shelled"), or in a
  headline's present ("Bomb kills nine"), not negated, not under a modal or an "if", not planned or feared
  ("could attack", "plans to bomb", "fears of an attack"), not generic ("militants attack convoys");
- only violence counts: an act word that is violent by itself ("bombed", "explosion", "gunfire"), or one
  with a weapon, casualties, a target or an armed doer ("attacked the village"), never "attacked the bill";
- "X claimed responsibility for the bombing" names X as perpetrator; "no group has claimed responsibility"
  names none; an agentless report ("Nine police officers died when a roadside bomb hit their truck") is
  an allegation without perpetrator.
"""
from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Doc, Token

from . import actors, acts
from .allegations import frames_of, fill_frame, is_general_framing
from .models import Allegation, Place, Span, Speaker, Statement
from .nlp import doc_text, ents
from .sides import belligerents as _belligerents, country_of as _country_of, same_perpetrator

# act words that name violence by themselves; other act words ("attack", "hit", "strike", "target") need a
# weapon, casualties, a target or an armed doer around them
VIOLENT = {"bomb", "bombing", "bombard", "bombardment", "shell", "shelling", "airstrike", "airstrikes", "explode",
           "explosion", "detonate", "detonation", "gunfire", "massacre", "kill", "killing", "murder", "ambush",
           "assassinate", "assassination", "behead", "stab", "stabbing", "slaughter", "blow", "go"}
ARMED = actors.ARMED_GROUP_WORDS | {
    "forces", "troops", "army", "soldiers", "soldier", "military", "militias", "gunmen", "gunman", "bomber",
    "bombers", "attacker", "attackers", "assailants", "sniper", "snipers", "terrorist", "terrorists", "militant",
    "jihadists", "paramilitaries", "commandos", "marines", "mercenaries", "warplanes", "jets", "aircraft", "navy",
    "brigade", "battalion", "police"}
# modifiers of an act noun that name its weapon: "a suicide bombing", "the knife attack"
WEAPON_WORDS = {"suicide", "car", "truck", "roadside", "knife", "gun", "grenade", "mortar", "rocket", "missile",
                "drone", "artillery", "arson", "sniper"}
# act nouns an article about violence uses for it without more: "Saturday's attack"
EVENT_NOUNS = {"attack", "attacks", "assault", "raid", "raids", "ambush", "bombing", "bombings", "explosion",
               "blast", "shooting"}
MODALS = {"will", "would", "could", "may", "might", "should", "must", "can", "shall", "'ll", "wo", "ca", "ought"}
# "began to explode", "went on to attack": the act did happen
ASPECTUAL = {"begin", "start", "continue", "manage", "keep", "go", "resume"}
# a head that makes an act feared, planned or possible rather than told: "fears of an attack"
IRREALIS = {"fear", "threat", "risk", "prospect", "plan", "plot", "possibility", "danger", "warning", "prevent",
            "avert", "foil", "thwart", "deter", "stop", "avoid", "prepare", "intend", "want", "seek", "vow",
            "threaten", "call", "urge", "demand", "capability", "ability", "capacity", "need", "wish", "hope",
            "chance", "likelihood", "potential", "scenario", "contingency", "ban", "condemn", "deny"}
UNREAL_MODIFIERS = {"possible", "potential", "future", "further", "planned", "imminent", "feared", "hypothetical",
                    "would-be", "foiled", "thwarted", "next"}
# an explosion or a death caused by an accident is no attack
ACCIDENT = re.compile(r"\b(?:accident\w*|crash\w*|collision|earthquake|flood\w*|storm|hurricane|tornado|cyclone|"
                      r"typhoon|wildfire|disease|illness|cancer|"
                      r"overdose|heart attack|gas leak|malfunction\w*)\b", re.I)
CONDITIONS = {"if", "unless", "whether", "lest", "until"}


def narrator(reported_by: str | None, text: str) -> Speaker:
    """The outlet as a source: its kind and side by the actor rules ("the Ministry of Defence" is a party)."""
    return actors.classify(Speaker(name=reported_by or "the outlet"), actors.parties_in(text))


def reporter(outlet: str | None, url: str | None = None, title: str | None = None,
             document_id: int | None = None) -> str:
    """Who tells a document's narration: its outlet, else its web domain, else its title."""
    if outlet and outlet.strip():
        return outlet.strip()
    m = re.match(r"https?://(?:www\.)?([^/:?#]+)", url or "")
    if m:
        return m.group(1).lower()
    if title and title.strip():
        return title.strip()[:200]
    return f"document {document_id}" if document_id is not None else "the outlet"


# ---------------------------------------------------------------- where narration is

def covered(doc: Doc, statements: list[Statement]) -> list[tuple[int, int]]:
    """Character ranges that belong to some source: statement contents, cues and speakers, and quotations."""
    out = []
    for st in statements:
        out.append((st.content.start, st.content.end))
        for s in (st.cue_span, st.speaker.mention):
            if s is not None:
                out.append((s.start, s.end))
    out += list(getattr(doc._, "cl_quotes", None) or []) if doc.has_extension("cl_quotes") else []
    return sorted(out)


def stretches(doc: Doc, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pieces of sentences that no source holds, trimmed of spaces and punctuation at their edges."""
    text = doc_text(doc)
    out = []
    for sent in doc.sents:
        pieces = [(sent.start_char, sent.end_char)]
        for lo, hi in taken:
            if hi <= sent.start_char or lo >= sent.end_char:
                continue
            pieces = [q for a, b in pieces for q in ((a, min(b, lo)), (max(a, hi), b)) if q[1] > q[0]]
        for a, b in pieces:
            while a < b and (text[a].isspace() or text[a] in ",;:-\u2014\u2013\"'\u201c\u201d"):
                a += 1
            while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:-\u2014\u2013\"'\u201c\u201d"):
                b -= 1
            if b - a >= 8 and re.search(r"[A-Za-z]{3}", text[a:b]):
                out.append((a, b))
    return out


# ---------------------------------------------------------------- does the act happen in this telling

def _headline(doc: Doc, tok: Token) -> bool:
    """A title or subhead: a line of its own without final punctuation."""
    text = doc_text(doc)
    s = text.rfind("\n", 0, tok.idx) + 1
    e = text.find("\n", tok.idx)
    line = text[s:(len(text) if e < 0 else e)].strip()
    return not re.search(r"[.!?:;]['\"\u2019\u201d)]*$", line) and len(line.split()) <= 25


def _governor(tok: Token) -> Token | None:
    """The verb whose tense and mood say whether a noun's act happened ("the explosion [shattered] the glass")."""
    t = tok
    for _ in range(8):
        if t.head is t:
            return t if t.pos_ in ("VERB", "AUX") else None
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None


def _irreal_path(tok: Token) -> bool:
    """A condition, a fear, a plan or a question above the act word ("if they attack", "fears of attacks")."""
    t = tok
    for _ in range(10):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONS for c in t.children):
            return True
        if t is not tok and t.lemma_.lower() in IRREALIS:
            return True
        if t.head is t:
            break
        t = t.head
    return tok.sent.text.rstrip().endswith("?")


def _tense(v: Token, headline: bool, depth: int = 0) -> bool:
    """Whether a verb tells something that happened (or is happening): past, perfect, progressive, passive."""
    aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    if any(c.tag_ == "MD" or c.lower_ in MODALS for c in aux):
        return False
    if any(c.lower_ == "to" for c in aux) or (v.tag_ == "VB" and not aux):
        # an infinitive: it happened only under "began to", "went on to" told in the past
        return (depth < 3 and v.head is not v and v.head.lemma_.lower() in ASPECTUAL
                and _tense(v.head, headline, depth + 1))
    if v.tag_ in ("VBD", "VBN"):
        return True
    if v.tag_ == "VB":
        return any(c.lower_ in ("did", "has", "have", "had") for c in aux)
    if v.tag_ == "VBG":
        if aux:
            return True  # "were shelling", "is attacking": under way
        return depth < 3 and v.head is not v and _tense(v.head, headline, depth + 1)  # "..., killing six"
    if v.tag_ in ("VBZ", "VBP"):
        if any(c.lower_ in ("has", "have") for c in aux):
            return True
        return headline  # "Car bomb kills nine": a headline's present tells a past event; elsewhere generic
    return False


def concrete(tok: Token) -> bool:
    """Whether an act word tells an event that happened, as opposed to a plan, fear, condition or habit."""
    if _irreal_path(tok):
        return False
    headline = _headline(tok.doc, tok)
    if tok.pos_ in ("VERB", "AUX"):
        return _tense(tok, headline)
    if any(c.dep_ == "amod" and c.lower_ in UNREAL_MODIFIERS for c in tok.children):
        return False
    v = _governor(tok)
    if v is None:
        return True  # a noun phrase on its own ("Car bomb in the capital")
    aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    if any(c.tag_ == "MD" or c.lower_ in MODALS for c in aux):
        return False
    if any(c.lower_ == "to" for c in aux) and not (v.head is not v and v.head.lemma_.lower() in ASPECTUAL):
        return False  # "to launch attacks", "to prevent a bombing"
    if any(c.dep_ == "det" and c.lower_ in ("every", "each", "any", "no") for c in tok.children):
        return False  # "every shooting", "any attack": no one event
    bare = not any(c.dep_ in ("det", "nummod", "poss") or c.tag_ == "CD" for c in tok.children)
    present = v.tag_ in ("VBZ", "VBP") or (v.tag_ == "VB" and any(c.lower_ in ("do", "does") for c in aux))
    if bare and present and not headline and not any(c.lower_ in ("has", "have") for c in aux):
        return False  # "the region sees frequent attacks", "the sound of gunfire does not": a habit, not an event
    return True


# ---------------------------------------------------------------- is it violence

def violence(f, alg: Allegation) -> int:
    """How many signs of violence a frame shows: an act word violent by itself ("bombed", "explosion"), a
    weapon, casualties, an armed doer, people or forces hit. "hit a layup", "a three-run blast" and "the
    hurricane destroyed the church" show none or one; "a roadside bomb hit their truck, killing nine" three."""
    signs = [any(t.lemma_.lower() in VIOLENT or t.lower_ in VIOLENT for t in f.triggers),
             any(not w.category or "aircraft" not in w.category for w in alg.weapons) or any(
                 c.lower_ in WEAPON_WORDS for t in f.triggers for c in t.lefts),  # "a suicide bombing"
             bool(alg.casualties),
             any(t.kind in ("civilians", "military") for t in alg.targets)]
    doer = (alg.perpetrator_span.text if alg.perpetrator_span else alg.perpetrator) or ""
    signs.append(bool(set(re.findall(r"[a-z]+", doer.lower())) & ARMED))
    return sum(signs)


def _accidental(doc: Doc, f) -> bool:
    """"killed in two accidental explosions", "died in a car crash": no attack."""
    text = doc_text(doc)
    sent = f.triggers[0].sent
    return bool(ACCIDENT.search(text, min(sent.start_char, f.start), max(sent.end_char, f.end)))


def _verbless_line(doc: Doc, tok: Token) -> bool:
    """A line with no verb after the title: a list item or a subhead naming an event ("* 2009 market bombing")."""
    text = doc_text(doc)
    s = text.rfind("\n", 0, tok.idx) + 1
    e = text.find("\n", tok.idx)
    e = len(text) if e < 0 else e
    span = doc.char_span(s, e, alignment_mode="expand")
    return s > 0 and span is not None and not any(t.pos_ in ("VERB", "AUX") for t in span)


# ---------------------------------------------------------------- claims of responsibility

def responsibility(tok: Token) -> tuple[Token | None, bool]:
    """"X claimed responsibility for the bombing": (X's head, True); "no group has claimed responsibility":
    (None, True); (None, False) when the act word is no object of a responsibility claim."""
    if not (tok.dep_ == "pobj" and tok.head.lower_ == "for" and tok.head.head.lemma_.lower() == "responsibility"):
        return None, False
    noun = tok.head.head
    verb = noun.head if noun.dep_ in ("dobj", "attr") else None
    if verb is None or verb.lemma_.lower() not in ("claim", "accept", "admit", "take", "assume", "bear"):
        return None, True
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or any(c.dep_ == "neg" for c in verb.children) or subj.lower_ in ("nobody", "none") or any(
            c.lower_ in ("no", "any") for c in subj.children):
        return None, True
    return subj, True


def _claimed_by(doc: Doc, f, alg: Allegation) -> bool:
    """Set the perpetrator from a claim of responsibility on the act word ("no group has claimed
    responsibility": none); whether there was such a claim."""
    text = doc_text(doc)
    for t in f.triggers:
        subj, found = responsibility(t)
        if not found:
            continue
        if subj is None:
            alg.perpetrator, alg.perpetrator_span = None, None
            alg.perpetrator_reason = "no one claimed responsibility"
            return True
        s, e = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
        m = re.match(r"(?:the|a|an)\s+", text[s:e], re.I)
        s = s + m.end() if m else s
        alg.perpetrator, alg.perpetrator_span = text[s:e], Span.of(text, s, e)
        alg.perpetrator_reason = "claimed responsibility"
        return True
    return False


# ---------------------------------------------------------------- roles read more strictly than in statements

DEVICE_VERBS = {"explode", "go", "detonate", "blow"}  # intransitive: their subject is the device
NOT_AGENTS = {"DATE", "TIME", "EVENT", "FAC", "LOC", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
WEEKDAYS_MONTHS = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
                             r"march|april|may|june|july|august|september|october|november|december)\b", re.I)


def _focus(doc: Doc, f, alg: Allegation) -> None:
    """A narrated sentence names much besides the act: targets are what the act words govern ("the blast hit a
    bakery"), not the dead it counts or the street it names; a perpetrator is an agent, never a date, a place or an
    event ("Saturday's attack", "the Black Friday bombings")."""
    heads = acts.hit_words([t for t in f.triggers if t.lemma_.lower() not in acts.KILL])  # the killed are casualties
    alg.targets = [t for t in alg.targets if t.span and any(t.span.start <= h.idx < t.span.end for h in heads)]
    ps = alg.perpetrator_span
    if ps is None or alg.perpetrator_reason == "claimed responsibility":
        return
    device = any(c.dep_ == "nsubj" and ps.start <= c.idx < ps.end for t in f.triggers
                 if t.lemma_.lower() in DEVICE_VERBS and not any(x.dep_ == "dobj" for x in t.children)
                 for c in t.children)  # "they exploded", "the device went off": the bomb, not who set it
    if alg.perpetrator is None or device or WEEKDAYS_MONTHS.search(ps.text) or any(
            e.label_ in NOT_AGENTS and e.start_char < ps.end and ps.start < e.end_char for e in ents(doc)):
        alg.perpetrator, alg.perpetrator_span = None, None
        alg.perpetrator_reason = alg.perpetrator_reason if alg.perpetrator_reason and not device else "no agent named"


# ---------------------------------------------------------------- the stage

def extract(doc: Doc, statements: list[Statement], places: list[Place], published: date | None = None,
            prefix: str = "N", reported_by: str | None = None, first: int = 1) -> list[Allegation]:
    """Allegations the outlet narrates; ids are f"{prefix}{n}" from `first`."""
    text = doc_text(doc)
    places = sorted(places, key=lambda p: p.start)
    belligerents = _belligerents(text) or _country_of(places)
    source = narrator(reported_by, text)
    taken = covered(doc, statements)
    told: set[int] = set()  # act words already read (a stretch's frames may reach into its sentence)
    found: list[tuple[object, Allegation, bool]] = []  # frame, allegation, violent by itself
    for n, (lo, hi) in enumerate(stretches(doc, taken)):
        st = Statement(speaker=source, cue="", content=Span.of(text, lo, hi), quote="indirect",
                       reported_by=reported_by)
        for f in frames_of(doc, st, n, published, belligerents, tuple(taken)):
            if not f.triggers or any(t.i in told for t in f.triggers) or f.category not in ("attack", "killing"):
                continue
            if not any(concrete(t) for t in f.triggers) or _accidental(doc, f) or _verbless_line(doc, f.triggers[0]):
                continue
            alg = fill_frame(doc, f, st, places, published)
            claimed = _claimed_by(doc, f, alg) if alg is not None else False
            if alg is None or (not claimed and is_general_framing(f, alg)):
                continue
            _focus(doc, f, alg)
            told.update(t.i for t in f.triggers)
            alg.narrated, alg.reported_by, alg.span = True, reported_by, Span.of(text, lo, hi)
            alg.statement_ids = []
            found.append((f, alg, violence(f, alg) + claimed))  # a responsibility claim tells an attack
    # two signs make an act violent; in an article that tells such an act, one sign is enough, and "the
    # attack", "Saturday's attack" need none
    context = any(v >= 2 for _, _, v in found)
    kept = [(f, a) for f, a, v in found if v >= 2 or (context and (v or f.triggers[0].lower_ in EVENT_NOUNS))]
    out = _fold_casualties(doc, kept)
    for k, a in enumerate(out):
        a.id = f"{prefix}{first + k}"
    return out


def _fold_casualties(doc: Doc, kept: list) -> list[Allegation]:
    """"A bomb exploded at the station. Six people were killed.": deaths told without a doer or place of their
    own, right after an attack, are that attack's casualties rather than another act."""
    out: list[Allegation] = []
    last = None  # (allegation, sentence start token) of the last attack told
    for f, alg in kept:
        sent = f.triggers[0].sent
        if f.category == "killing" and last is not None and sent.start - last[1] <= 60 and (
                alg.perpetrator is None or same_perpetrator(alg.perpetrator, last[0].perpetrator)) and not (
                _fine(alg.places) and _fine(last[0].places)
                and not {p.name for p in _fine(alg.places)} & {p.name for p in _fine(last[0].places)}):
            prev = last[0]
            if alg.casualties and prev.casualties is None:
                prev.casualties = alg.casualties
            elif alg.casualties:
                prev.casualties.spans += [s for s in alg.casualties.spans if s not in prev.casualties.spans]
            continue
        if f.category == "killing" and not (alg.perpetrator or alg.weapons):
            continue  # "Two men were killed." on its own: a death told, no attack alleged
        out.append(alg)
        if f.category == "attack":
            last = (alg, sent.start)
    return out


def _fine(places: list[Place]) -> list[Place]:
    return [p for p in places if p.precision not in ("country", "region")]
