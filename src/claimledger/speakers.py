"""Who made a statement: the name and role in a subject phrase, and pronouns, surnames, offices and
definite descriptions ("the group", "the statement") resolved to the speaker they refer to."""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from . import actors
from .attribution import _Raw, _edges
from .nlp import doc_text as _text, ents, noun_chunks, per_doc
from .models import Span, Speaker
from .vocabulary import PRONOUN_TYPES

DOCUMENT_NOUNS = {"statement", "report", "communique", "communiqué", "release", "post", "video", "tweet",
                  "message", "letter", "posting", "briefing", "update", "bulletin", "footage", "broadcast"}
SPEECH_NOUNS = {"claim", "remark", "comment", "accusation", "allegation", "warning", "denial", "assertion"}
ROLE_VERBS = {"speak", "represent", "work", "serve", "lead", "head", "command", "run", "direct", "chair"}
PRONOUNS = PRONOUN_TYPES
POSSESSIVES = {"his": "he", "her": "she", "their": "they"}  # owners of a speech noun ("his claim that ...")
DEFINITE_HEADS = {"group", "organisation", "organization", "ministry", "agency", "lab", "laboratory", "office",
                  "official", "spokesman", "spokeswoman", "spokesperson", "government", "army", "military",
                  "monitor", "watchdog", "commission", "committee", "mission", "researcher", "investigator",
                  "statement", "report", "charity", "coalition", "authorities", "prosecutor", "minister",
                  "diplomat", "president", "command", "service", "observatory", "centre", "center", "team",
                  "source", "officials", "rescuers", "medics", "witnesses", "residents"}
SAME_OCCASION = re.compile(r"\bthe same (?:statement|interview|briefing|post|video|report|speech|address)\b", re.I)


def _speaker_tokens(subj: Token) -> tuple[list[Token], list[Token]]:
    """(name tokens, role tokens) of a subject noun phrase: appositives and relative clauses are the role."""
    cut = {"appos", "relcl", "acl", "advcl", "punct", "cc", "parataxis"}
    role, name = [], []
    for child in subj.children:
        if _appositive(child):
            role.extend(child.subtree)
        elif child.dep_ == "relcl" and child.lemma_.lower() in ROLE_VERBS and child.i > subj.i:
            role.extend(t for t in child.subtree if t.dep_ != "punct" or t.i < child.right_edge.i)  # "who speaks for X"
    skip = set()
    for child in subj.children:
        if (child.dep_ in cut or _appositive(child)) and child.i > subj.i:
            skip.update(t.i for t in child.subtree)
    for t in subj.subtree:
        if t.i in skip:
            continue
        if t.i > subj.i and t.dep_ == "punct":
            break
        if t.dep_ != "case" or t.head.i != subj.i:  # "Vance's claim": the possessive mark is no part of the name
            name.append(t)
    # "the region's ombudsman, Aram X", "the UN humanitarian office, OCHA": the proper-noun appositive is the name
    if role and subj.pos_ != "PROPN" and (any(t.pos_ == "PROPN" and t.ent_type_ == "PERSON" for t in role) or any(
            _appositive(c) and c.pos_ == "PROPN" and c.i > subj.i for c in subj.children)):
        name, role = [t for t in role if t.dep_ != "punct"], name
    return name, role


def _appositive(tok: Token) -> bool:
    """An appositive, or a name set off by commas the parser took for an adverbial ("the agency, UNHCR, said")."""
    return tok.dep_ == "appos" or (tok.dep_ == "npadvmod" and tok.pos_ == "PROPN" and tok.i > 0
                                   and tok.doc[tok.left_edge.i - 1].text == ",")


PERSON_TITLES = {"spokesman", "spokeswoman", "spokesperson", "minister", "official", "commander", "general",
                 "colonel", "governor", "mayor", "president", "director", "chief", "envoy", "ambassador", "prosecutor",
                 "researcher", "doctor", "officer", "lawyer", "analyst", "adviser", "advisor", "secretary", "deputy",
                 "lieutenant", "captain", "major", "sergeant", "spokesmen", "investigator", "surgeon", "nurse",
                 "journalist", "reporter", "correspondent", "activist", "chairman", "chairwoman", "coordinator"}


def _personal(sp: Speaker) -> bool:
    """A person, or one known only by a title ("a spokesman for the battalion", "the district governor")."""
    if sp.type == "person":
        return True
    words = sp.name.split()
    k = next((i for i, w in enumerate(words) if w.lower() in PERSON_TITLES), None)
    return k is not None and all(w.islower() or i == 0 for i, w in enumerate(words[:k])) and \
        (k + 1 == len(words) or words[k + 1] in ("for", "of", "at", "with", "from", "in"))


def _title_split(tokens: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """(title, name) of "government spokesman Didier Mbayo": lower-case words ending in a person's title, then
    two or more capitalised proper nouns ending the phrase."""
    toks = [t for t in tokens if not t.is_punct]
    k = len(toks)
    while k > 0 and toks[k - 1].pos_ == "PROPN" and toks[k - 1].text[:1].isupper():
        k -= 1
    title, name = toks[:k], toks[k:]
    if len(name) < 2 or not title or title[-1].lower_ not in PERSON_TITLES or \
            any(t.text[:1].isupper() and t.pos_ != "DET" and not t.is_sent_start for t in title) or \
            any(t.dep_ == "poss" for t in title):
        return None
    return title, name


def _person_in(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.ent_type_ == "PERSON"]


def _name_of(tokens: list[Token]) -> str:
    """The text the tokens cover, edge punctuation trimmed."""
    if not tokens:
        return ""
    s, e = _edges(tokens)
    return _text(tokens[0].doc)[s:e].strip("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb ,")


def _resolve_speakers(doc: Doc, raws: list[_Raw], parties: frozenset[str]) -> None:
    """Speaker names, with pronouns, surnames and definite descriptions taking their antecedent."""
    text = _text(doc)
    seen: list[Speaker] = []
    raw_of: dict[int, _Raw] = {}  # speaker object → the statement that introduced it
    intro: list[tuple[_Raw, Speaker]] = []  # statements in order, with their speakers
    persons = [(e.start_char, e.text) for e in ents(doc) if e.label_ == "PERSON" and len(e.text.split()) >= 2]
    for r in sorted(raws, key=lambda x: x.cue.idx):
        if r.inherited is not None and r.inherited.speaker is not None and not r.subject:
            r.speaker = r.inherited.speaker
            continue
        toks = r.subject
        if not toks:
            r.speaker = Speaker(name="unknown")
            continue
        s, e = _edges(toks)
        mention = Span.of(text, s, e)
        head = r.subject_head
        low = mention.text.lower()
        low = POSSESSIVES.get(low, low) if head is not None and head.dep_ == "poss" else low
        person = bool(_person_in(toks)) or (head is not None and head.ent_type_ == "PERSON")
        if low in PRONOUNS and r.in_quote is not None:
            # inside a quotation "they" is someone the quoted speaker just named, not the speaker; else an armed
            # body the article named just before the quotation ("... the insurgents will return. “They said ...”")
            chunk = _recent_chunk(doc, r.in_quote[0], s, plural=low == "they")
            if chunk is None and low == "they":  # the quotation's paragraph, or the one before it
                para = text.rfind("\n", 0, r.in_quote[0])
                lo = text.rfind("\n", 0, max(0, para - 1)) + 1 if text[para + 1:r.in_quote[0]].strip() == "" else para + 1
                chunk = _recent_chunk(doc, lo, r.in_quote[0], plural=True, armed=True)
            r.speaker = Speaker(name=chunk or mention.text, mention=mention)
        elif low in PRONOUNS:
            want = PRONOUNS[low]
            ante = next((x for x in reversed(seen) if _personal(x) == (want == "person")), None)
            if want == "person" and low != "i":
                ante = _subject_person(doc, r.cue, s, ante, parties) or ante
            if ante is None and want == "person":
                name = next((n for st, n in reversed(persons) if st < s), None)
                ante = Speaker(name=name, type="person") if name else None
            r.speaker = replace(ante, mention=mention) if ante else Speaker(name=mention.text, mention=mention)
            if ante is not None and (any(c.lower_ in ("also", "further") for c in r.cue.children) or
                                     any(SAME_OCCASION.search(text, a, b) for a, b in r.zone)):
                r.date_from = raw_of.get(id(ante))  # "It also accused ...": the same occasion
        elif head is not None and _is_definite(head):
            noun = head.lemma_.lower()
            ante = next((x for x in reversed(seen) if noun in x.name.lower()), None)
            if ante is None and noun in ORG_NOUNS:
                # "the agency" after "the National News Agency (NNA)" was named, though not yet as a speaker
                org = _named_org(doc, noun, s)
                ante = actors.classify(Speaker(name=org), parties) if org else None
            if ante is None and noun in GENERIC_ORGS:  # not "the army" or "the ministry": those name a body of their own
                ante = next((x for x in reversed(seen) if x.type != "person"), None)
            if ante is None and noun in DOCUMENT_NOUNS:
                ante = _issuer(intro, noun) or (seen[-1] if seen else None)
            if ante is not None and noun in DOCUMENT_NOUNS:
                r.date_from = raw_of.get(id(ante))  # "the statement continued": same statement, same date
            if ante is None and noun not in ORG_NOUNS:  # "the commissioner", not "the army" its spokesman spoke for
                ante = next((x for x in reversed(seen) if noun in (x.role or "").lower()), None)
            if ante is None:
                titled = _titled_person(doc, noun, s)
                ante = Speaker(name=titled, type="person", role=noun) if titled else None
            r.speaker = replace(ante, mention=mention) if ante else \
                actors.classify(Speaker(name=_name_of(toks), mention=mention), parties, person=person)
        elif head is not None and head.lemma_.lower() in DOCUMENT_NOUNS | SPEECH_NOUNS:
            owner = _document_owner(head, r.cue.i if r.cue.i > head.i else None)
            if owner:
                r.speaker = Speaker(name=_name_of(_speaker_tokens(owner)[0]), mention=mention)
            else:
                ante = _issuer(intro, head.lemma_.lower()) or (seen[-1] if seen else None)
                r.speaker = replace(ante, mention=mention) if ante else Speaker(name=mention.text, mention=mention)
                r.date_from = raw_of.get(id(ante)) if ante else None
        else:
            name_toks, role_toks = _speaker_tokens(head) if head is not None else (toks, [])
            name = _name_of(name_toks) or mention.text
            role = _name_of(role_toks) or None
            ppl = _person_in(name_toks)
            titled = _title_split(name_toks) if not ppl else None
            if titled is not None:  # "government spokesman Didier Mbayo": a common-noun title before a name
                role, name, person = role or _name_of(titled[0]), _name_of(titled[1]), True
            elif ppl and len(ppl) < len([t for t in name_toks if t.pos_ != "DET"]):
                role = role or _name_of([t for t in name_toks if t not in ppl and t.dep_ != "punct"]) or None
                name = _name_of(ppl)
            if person and len(name.split()) == 1:
                full = next((x.name for x in reversed(seen) if x.name.split()[-1:] == [name]), None) or \
                    next((n for st, n in reversed(persons) if n.split()[-1] == name and st < s), None)
                name = full or name
            r.speaker = _role_context(actors.classify(Speaker(name=name, mention=mention, role=_expand(text, role)),
                                                      parties, person=person), seen)
        if r.speaker.name and r.speaker.name != "unknown" and r.in_quote is None:  # quoted words are not the narrative
            seen.append(r.speaker)
            raw_of.setdefault(id(r.speaker), r)
            intro.append((r, r.speaker))


def _subject_person(doc: Doc, cue: Token, before: int, last: Speaker | None, parties: frozenset[str]) -> Speaker | None:
    """"Her daughter, Svitlana, put it more bluntly. “...,” she said": a person who is the subject of the
    previous sentence, named after the last speaker was, is who "he" or "she" refers to."""
    sent = cue.sent
    prev = doc[sent.start - 1].sent if sent.start > 0 else None
    for part in (sent, prev):
        if part is None:
            continue
        subj = next((t for t in part if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and t.idx < before
                     and t.pos_ in ("PROPN", "NOUN")), None)
        if subj is None:
            continue
        name, role = _speaker_tokens(subj)
        if not _person_in(name) or (last is not None and last.mention is not None and last.mention.start >= name[0].idx):
            return None
        return actors.classify(Speaker(name=_name_of(_person_in(name)), role=_name_of(role) or None), parties, person=True)
    return None


def _issuer(intro: list[tuple[_Raw, Speaker]], noun: str) -> Speaker | None:
    """Who issued "the report": the last speaker whose statement named one outside what it said ("said in a
    report", not "said the report was one-sided")."""
    return next((sp for r, sp in reversed(intro) if any(t.lemma_.lower() == noun and not r.content[0] <= t.idx < r.content[1]
                                                        for t in r.cue.sent)), None)


def _expand(text: str, role: str | None) -> str | None:
    """"an RSF adviser" → "an Rapid Support Forces adviser" when the article spells the acronym out."""
    for acro in re.findall(r"\b[A-Z]{2,6}\b", role or ""):
        words = r"\s+".join(rf"{c}[\w'\-]+" for c in acro)
        m = re.search(rf"\b{words}\b", text)
        if m and actors.lookup(acro) is None:
            role = role.replace(acro, m.group(0))
    return role


def _role_context(sp: Speaker, seen: list[Speaker]) -> Speaker:
    """A person known only by an office ("the agency's director general", "a spokesman", "the information
    minister") speaks for the organisation the article last quoted: the one the role names, else the last
    party or government."""
    if not sp.role or sp.type != "person":
        return sp
    # a side read off a country word in the role ("a Lebanon researcher at the group") yields to the organisation
    by_country = sp.side is not None and actors.country_in(sp.role) == sp.side and actors.country_in(sp.name) is None \
        and sp.actor is None
    if sp.kind != "unknown" and not by_country:
        return sp
    orgs = [x for x in reversed(seen) if x.type != "person" and x.kind != "unknown"]
    m = re.search(r"\b(?:the|its|their)\s+(\w+)(?:'s|\u2019s)?", sp.role, re.I)
    noun = m.group(1).lower() if m else None
    ante = next((x for x in orgs if noun in x.name.lower() or (  # "a researcher at the group": the one last quoted
        noun in GENERIC_ORGS and (x.type in ("organisation", "group") or x.kind == "independent_verifier"))),
        None) if m else None
    if sp.kind != "unknown":
        return replace(sp, kind=ante.kind, side=ante.side, actor=ante.actor) if ante else sp
    words = set(re.findall(r"[a-z]+", sp.role.lower()))
    if ante is None and noun in actors.MILITARY_WORDS - actors.GOVERNMENT_WORDS:
        return sp  # "a spokesman for the coalition": a body of its own, not whoever was quoted last
    if ante is None and words & (actors.GOVERNMENT_WORDS | actors.MILITARY_WORDS):
        ante = next((x for x in reversed(seen) if x.kind in ("party", "third_party") and x.side), None)
    return replace(sp, kind=ante.kind, side=ante.side, actor=ante.actor) if ante else sp


GENERIC_ORGS = {"group", "organisation", "organization", "agency", "lab", "laboratory", "charity", "watchdog",
                "monitor", "observatory", "team", "project", "outlet", "network"}
ORG_NOUNS = {"group", "organisation", "organization", "agency", "lab", "laboratory", "charity", "watchdog",
             "monitor", "observatory", "team", "ministry", "government", "office", "army", "military", "mission",
             "commission", "committee", "coalition", "command", "service", "centre", "center"}


def _named_org(doc: Doc, noun: str, before: int) -> str | None:
    """The organisation last named before an offset whose name holds `noun` ("National News Agency" for
    "the agency")."""
    best = None
    for ent in ents(doc):
        if ent.start_char >= before:
            break
        if ent.label_ in ("ORG", "FAC", "NORP") and noun in (t.lower_ for t in ent):
            best = ent.text[4:] if ent.text.startswith(("the ", "The ")) else ent.text
    return best


def _lemma_index(doc: Doc) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for t in doc:
        index.setdefault(t.lemma_.lower(), []).append(t.i)
    return index


def _titled_person(doc: Doc, noun: str, before: int) -> str | None:
    """"the commissioner" → the person last introduced with that title ("the commissioner of X, Jane Roe")."""
    best = None
    for i in per_doc(doc, "lemma_index", _lemma_index).get(noun, ()):  # asked for every definite description
        tok = doc[i]
        if tok.idx >= before:
            break
        near = range(tok.i + 1, min(len(doc), tok.i + 10))
        names = [doc[j] for j in near if doc[j].dep_ == "appos" and doc[j].pos_ == "PROPN"
                 and doc[j].head.i in [t.i for t in tok.subtree]]
        if tok.dep_ == "appos" and tok.head.pos_ == "PROPN":
            names.append(tok.head)
        if tok.dep_ == "compound" and tok.head.pos_ == "PROPN":  # "Commissioner Jane Roe"
            names.append(tok.head)
        for n in names:
            toks = [t for t in n.subtree if t.pos_ == "PROPN" and (t.i == n.i or t.dep_ in ("compound", "flat"))]
            if len(toks) >= 2:
                best = doc[toks[0].i:toks[-1].i + 1].text
    return best


def _recent_chunk(doc: Doc, start: int, end: int, plural: bool, armed: bool = False) -> str | None:
    """The last noun phrase between two offsets (plural for "they"), e.g. "the region's authorities"; with
    `armed`, only a word for an armed body ("the insurgents")."""
    best = None
    for chunk in noun_chunks(doc):
        if start <= chunk.start_char and chunk.end_char <= end and chunk.root.pos_ in ("NOUN", "PROPN") and \
                (chunk.root.tag_ in ("NNS", "NNPS")) == plural and \
                (not armed or chunk.root.lemma_.lower() in actors.ARMED_GROUP_WORDS | actors.MILITARY_WORDS):
            best = chunk.text
    return best


def _is_definite(head: Token) -> bool:
    """"the group", "the rights group", "the ministry": a definite description without a proper name."""
    kids = list(head.children)
    return ((head.lemma_.lower() in DEFINITE_HEADS or head.pos_ == "NOUN") and any(k.lower_ == "the" for k in kids)
            and not any(k.pos_ == "PROPN" or k.dep_ in ("poss", "prep") or (k.text[:1].isupper() and k.lower_ != "the")
                        for k in kids))


def _document_owner(head: Token, stop: int | None = None) -> Token | None:
    """Who issued a statement: "a statement from X", "X's statement"."""
    for c in head.children:
        if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN"):
            return c
    for c in head.subtree:  # the parser may hang "from X" on a later word of the phrase
        if c.dep_ == "prep" and c.lower_ in ("from", "by", "of") and head.i < c.i < (stop or head.i + 15):
            obj = next((o for o in c.children if o.dep_ == "pobj" and o.pos_ in ("PROPN", "NOUN")), None)
            if obj is not None and obj.lemma_.lower() not in DOCUMENT_NOUNS:
                return obj
    return None
