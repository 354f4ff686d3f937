"""Attributed beliefs: what a named actor believes, knows, expects, fears, wants, plans or perceived.

"US officials believe the missile was fired from ...", "investigators are convinced that ...", "the army plans
to ...", "residents saw the drone hit ...": statements with mode "belief" (speech stays "speech"). The cue
tables below are data, in general English. A belief needs a real holder (a name, a noun phrase, or a
third-person pronoun resolved as for speech) and a clausal or infinitival complement. Generic and
hypothetical uses are left out: first- and second-person holders ("I think", "you know"), modals ("would
want"), conditionals and questions, cues inside quotations, embedded questions ("knows what ..."), and
negated knowledge, perception or intention ("did not know that ...").
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from .attribution import _Raw, _edges, _strip_mark, _subject, _subtree
from .nlp import doc_text as _text
from .quotes import _is_direct
from .spanindex import SpanIndex
from .speakers import _speaker_tokens

# verbs of belief, knowledge and perception that take a clause ("believe (that) X", "saw the drone hit X")
CLAUSE_VERBS = {"believe", "think", "know", "expect", "fear", "hope", "suspect", "feel", "worry", "doubt", "assume",
                "suppose", "understand", "realize", "realise", "recognize", "recognise", "learn", "decide", "guess",
                "reckon", "figure", "imagine", "anticipate", "presume", "trust", "sense", "discover", "remember",
                "judge", "hold", "bet", "foresee", "perceive", "notice", "wish", "see", "hear", "consider", "fret",
                "gather", "deduce", "infer", "surmise", "envision", "envisage"}
# verbs of intention and expectation that take an infinitive ("plans to X", "expects them to X")
INFINITIVE_VERBS = {"want", "plan", "intend", "hope", "expect", "wish", "seek", "aim", "prefer", "aspire", "resolve",
                    "plot", "decide", "desire", "strive", "scheme", "choose", "opt", "refuse", "decline", "agree",
                    "vote", "offer", "volunteer", "like", "hesitate"}
# verbs of judgement with "X as Y" ("see the talks as a trap")
AS_VERBS = {"see", "view", "regard", "consider", "perceive"}
# verbs a belief may hang on as an infinitive with the holder as their subject ("seemed to believe")
RAISING = {"seem", "appear", "continue", "come", "begin", "start", "tend", "happen", "remain", "grow", "be"}
# adjectives (and adjectival participles) of belief and intention after "be": "is convinced that", "is determined to"
ADJECTIVES = {"convinced", "confident", "sure", "certain", "aware", "worried", "concerned", "afraid", "fearful",
              "hopeful", "optimistic", "pessimistic", "skeptical", "sceptical", "doubtful", "determined", "eager",
              "keen", "intent", "anxious", "persuaded", "satisfied", "suspicious", "adamant", "unconvinced"}
# feelings about a fact, with its "that"-clause only ("were frustrated that ...", not "happy to see")
FEELINGS = {"frustrated", "angry", "upset", "pleased", "happy", "glad", "disappointed", "proud", "surprised",
            "shocked", "outraged", "furious", "alarmed", "relieved", "grateful", "thankful", "sorry", "sad",
            "ashamed", "dismayed", "troubled", "disturbed", "heartened", "appalled", "horrified", "delighted",
            "thrilled", "amazed", "astonished", "incensed", "saddened", "encouraged"}
ADJECTIVES |= FEELINGS
# nouns of belief with a "that"-clause and an owner ("the army's belief that ...", "a Pentagon assessment that ...")
NOUNS = {"belief", "view", "fear", "hope", "expectation", "concern", "suspicion", "conviction", "conclusion",
         "understanding", "assumption", "impression", "feeling", "knowledge", "awareness", "opinion", "worry",
         "doubt", "intention", "determination", "assessment", "perception", "sense"}
# knowledge and perception: negated, they report an absence ("did not know that"), not a belief
NO_NEGATION = {"know", "realize", "realise", "understand", "learn", "see", "hear", "notice", "discover", "remember",
               "recognize", "recognise", "perceive", "sense", "aware", "sure", "certain"}
PERCEPTION = {"see", "hear", "notice", "feel", "sense", "perceive"}  # their clause needs its own subject
COPULAS = {"be", "become", "remain", "seem", "appear", "feel", "grow", "come", "get", "stay", "sound", "look"}
HYPOTHETICAL = {"would", "could", "might", "may", "should", "can", "must", "ought", "'d", "shall"}
NOT_HOLDERS = {"i", "we", "you", "me", "us", "one", "someone", "anyone", "everyone", "everybody", "nobody", "anybody",
               "somebody", "no one", "something", "nothing", "anything", "everything", "this", "that", "these",
               "those", "which", "what", "there", "here", "itself", "myself", "yourself", "ourselves", "all", "each",
               "who", "whoever", "whom", "some", "many", "most", "few", "both", "none", "other", "others", "another"}
EVIDENCE = {"imagery", "image", "evidence", "photo", "photograph", "picture", "data", "analysis", "record", "finding",
            "sample", "result", "trace", "footage", "video", "poll", "survey", "study", "document", "map", "chart",
            "graph", "number", "figure", "statistic"}
TIMES = {"year", "month", "week", "day", "weekend", "decade", "century", "era", "period", "season", "quarter", "time",
         "night", "morning", "evening", "afternoon", "summer", "winter", "spring", "autumn", "fall"}
QUANTIFIERS = {"many", "most", "some", "few", "several", "all", "both", "none", "half", "majority", "number"}  # "of" X
_WH = {"what", "whether", "if", "how", "why", "when", "where", "who", "which", "whom", "whose"}
VERBS = CLAUSE_VERBS | INFINITIVE_VERBS | AS_VERBS
# what one declines to do when one says nothing: "declined to comment", "refused to be named"
SILENCE = {"comment", "respond", "speak", "answer", "confirm", "elaborate", "discuss", "say", "talk", "reply", "be"}
# verbs whose "that"-clause is not a proposition their subject holds: a result, a requirement, an inference
NOT_THAT_CUES = {"make", "ensure", "insure", "require", "mean", "imply", "guarantee", "see",
                 "have", "do", "get", "let", "cause", "need", "provide", "stipulate", "mandate", "prove", "help",
                 "seem", "appear", "look", "sound", "happen", "follow", "matter", "be"}


def lemma_of(tok: Token) -> str:
    """The cue word's base form; an adjective stays as written, and a lemma the model got wrong ("hoped" → "hop")
    is recovered from the inflection."""
    if tok.lower_ in ADJECTIVES:
        return tok.lower_
    lemma, low = tok.lemma_.lower(), tok.lower_
    if lemma in VERBS:
        return lemma
    stems = [low[:-1], low[:-2]] if low.endswith("ed") else [low[:-3] + "e", low[:-3]] if low.endswith("ing") else \
        [low[:-1]] if low.endswith("s") else []
    return next((s for s in stems if s in VERBS), lemma)


def is_cue(tok: Token) -> bool:
    """A verb of belief, intention or perception, or an adjective of belief ("convinced", "sure")."""
    if tok.lower_ in ADJECTIVES:
        return tok.tag_ in ("JJ", "VBN") or (tok.tag_ == "VBD" and not any(c.dep_ == "dobj" for c in tok.children))
    return tok.pos_ in ("VERB", "AUX") and (lemma_of(tok) in VERBS or _that_cue(tok))


def _that_cue(tok: Token) -> bool:
    """Any verb with a "that"-clause holding its own subject ("the senator lamented that ...", "the panel
    discovered that ..."): in English such a clause states what the verb's subject holds, says or feels."""
    return tok.lemma_.lower() not in NOT_THAT_CUES and any(_that_clause(c) for c in tok.children if c.i > tok.i)


def _that_clause(c: Token) -> bool:
    return c.dep_ == "ccomp" and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark" and \
        any(k.dep_ in ("nsubj", "nsubjpass", "expl") for k in c.children)


def belief_statement(doc: Doc, cue: Token, quotes: list[tuple[int, int]]) -> _Raw | None:
    """A belief statement for the cue, or None when it has no holder, no complement, or is generic."""
    if SpanIndex.of(quotes).inside(cue.idx) or _hypothetical(cue):
        return None
    lemma = lemma_of(cue)
    if cue.lower_ in ADJECTIVES and cue.dep_ in ("acomp", "oprd") and cue.head.lemma_.lower() not in COPULAS:
        return None  # "made sure that ..." (ensured), not "was sure that ..."
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in cue.children) and cue.head.lemma_.lower() not in RAISING:
        return None  # "allowed the public to think", "who want to see": not the holder's own belief
    holder, top = _holder(cue)
    if holder is None or _negated(cue, top) and lemma in NO_NEGATION:
        return None
    content = _complement(doc, cue, lemma)
    words = _text(doc)[content[0]:content[1]].lower().split() if content else []
    if len(words) < 2 or (lemma in ("refuse", "decline") and words[1] in SILENCE):
        return None  # too short to state anything; "declined to comment": a refusal to say anything
    name = _speaker_tokens(holder)[0] or [holder]
    inside = content[0] <= name[-1].idx and name[0].idx < content[1]  # "..., which they plan to ...": a holder in it
    block = (cue.idx, cue.idx + len(cue.text)) if inside else _edges(sorted(name + [cue], key=lambda t: t.i))
    zone = [_subtree(c) for c in cue.children if c.dep_ in ("prep", "npadvmod") and not content[0] <= c.idx < content[1]]
    return _Raw(cue=cue, content=content, subject=name, subject_head=holder, cue_span=(cue.idx, cue.idx + len(cue.text)),
                direct=_is_direct(_text(doc), content, quotes), zone=zone, block=block, mode="belief")


def outside_statements(raws: list[_Raw]) -> list[_Raw]:
    """Drop a belief reported inside another statement ("X said she plans to ..."): it is part of that statement."""
    speech = SpanIndex([o.content for o in raws if o.mode == "speech"])
    return [r for r in raws if r.mode == "speech" or not speech.inside(r.cue.idx)]


def _holder(cue: Token) -> tuple[Token | None, Token]:
    """Who holds the belief, and the clause verb it is the subject of: the cue's own subject, or that of the verb
    the cue depends on ("seemed to believe", "is convinced", "..., hoping to"); "who" in a relative clause is
    its noun. Passive cues ("is expected to") have no holder."""
    tok, subj = cue, None
    for _ in range(3):
        subj = _subject(tok)
        if subj is not None or tok.head.i == tok.i:
            break
        if tok.dep_ == "acl" and tok.tag_ == "VBG":  # "officials fearing that ..."
            subj = tok.head
            break
        if tok.dep_ not in ("xcomp", "conj", "acomp") and not (tok.dep_ == "advcl" and (tok.tag_ == "VBG" or
                                                                                       tok.lower_ in ADJECTIVES)):
            break
        tok = tok.head
    if subj is None:
        return None, tok
    if subj.dep_ == "nsubjpass" and not (tok.i == cue.i and cue.lower_ in ADJECTIVES):
        return None, tok  # "is believed to be": the holder is unnamed
    if subj.lower_ in ("who", "that") and tok.dep_ == "relcl":
        subj = tok.head
    if subj.lower_ in QUANTIFIERS and any(c.dep_ == "prep" and c.lower_ == "of" for c in subj.children):
        return subj, tok  # "many of his supporters"
    word = subj.lower_.strip("'\"\u2018\u2019\u201c\u201d")
    if word in NOT_HOLDERS or subj.pos_ not in ("PROPN", "NOUN", "PRON") or subj.lemma_.lower() in EVIDENCE:
        return None, tok
    if subj.pos_ == "PRON" and word not in ("he", "she", "they", "it") or word == "it" and cue.lower_ in ADJECTIVES:
        return None, tok  # "it is doubtful that ...": no holder
    if subj.ent_type_ in ("DATE", "TIME") or subj.lemma_.lower() in TIMES:
        return None, tok  # "the week saw the army retreat"
    return subj, tok


def _hypothetical(cue: Token) -> bool:
    """A modal ("would want"), a conditional ("if they believe") or a question."""
    tok = cue
    while True:
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL for c in tok.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in tok.children):
            return True
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return cue.sent.text.rstrip(" \"'\u201d\u2019)").endswith("?")


def _negated(cue: Token, top: Token) -> bool:
    return any(c.dep_ == "neg" for t in {cue, top} for c in t.children)


def _complement(doc: Doc, cue: Token, lemma: str) -> tuple[int, int] | None:
    """The believed content: a clause after the cue ("that X", "X will Y", "them to X"), an infinitive
    ("to X"), or "X as Y" after a verb of judgement."""
    owner = cue
    if cue.lower_ in ADJECTIVES and cue.dep_ == "acomp" and not any(c.dep_ in ("ccomp", "xcomp") for c in cue.children):
        owner = cue.head  # "is confident, officials said, that ...": the clause may hang on "be"
    kids = [c for c in owner.children if c.i > cue.i]
    for c in kids:
        if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX", "ADJ") and not _wh(c):
            has_subj = any(k.dep_ in ("nsubj", "nsubjpass", "expl") for k in c.children)
            infinitive = any(k.dep_ == "aux" and k.lower_ == "to" for k in c.children)
            if (has_subj and (lemma in CLAUSE_VERBS or lemma in ADJECTIVES or _that_clause(c))) or \
                    (infinitive and lemma not in PERCEPTION | FEELINGS):
                return _strip_mark(doc, c)
        if c.dep_ == "xcomp" and (lemma in INFINITIVE_VERBS or cue.lower_ in ADJECTIVES - FEELINGS) and \
                any(k.dep_ == "aux" and k.lower_ == "to" for k in c.children):
            return _subtree(c)
    if lemma in CLAUSE_VERBS:  # "The strike was deliberate, officials believe.": the clause before the cue
        left = next((c for c in owner.children if c.i < cue.i and c.dep_ == "ccomp" and not _wh(c)
                     and any(k.dep_ in ("nsubj", "nsubjpass", "expl") for k in c.children)), None)
        if left is not None:
            return _subtree(left)
    if lemma in AS_VERBS:
        obj = next((c for c in kids if c.dep_ == "dobj"), None)
        as_ = next((c for c in kids + list(obj.children) if c.dep_ == "prep" and c.lower_ == "as"), None) \
            if obj is not None else None
        if as_ is not None:
            return _edges(sorted(set(obj.subtree) | set(as_.subtree), key=lambda t: t.i))
    return None


def _wh(clause: Token) -> bool:
    """An embedded question ("knows what ...", "whether ...") states no belief; nor does an adverbial clause
    the parser took for a complement ("feel stung after ...")."""
    first = clause.left_edge
    return first.lower_ in _WH or any(k.dep_ == "mark" and k.lower_ != "that" for k in clause.children)
