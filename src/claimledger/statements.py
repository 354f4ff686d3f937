"""Attributed statements: who said what, with exact spans.

Rules of English reporting grammar over the spaCy dependency parse:
- a reporting verb ("said", "accused ... of", "denied") with a subject gives a statement; its content is the
  verb's complement clause, its object for verbs like "announced", or the clause before it
  ("X happened, officials said");
- "according to X" gives a statement whose content is the rest of its clause;
- quotations are found on the raw text (any quote style, across sentences and split by a cue) and given to
  the nearest cue; a quoted title or scare quote is not a statement;
- pronouns and definite descriptions ("he", "the group") take the most recent fitting speaker;
- a statement relayed by another ("..., Anadolu reported"; "X cited residents who said") is kept once, under
  its original source, with the relayer in `reported_by`;
- an attributed belief, knowledge, intention or perception ("officials believe ...", "the army plans to ...") is a
  statement with mode "belief" (see `beliefs`), unless it is reported inside another statement.

Quotation marks (and statements marked by layout) live in `quotes`, beliefs in `beliefs`, speaker resolution in
`speakers`, dates and channels in `occasions`, and the raw record the stages share in `attribution`.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from . import actors, beliefs, vocabulary
from .attribution import _Raw, _edges, _strip_mark, _subject, _subtree
from .models import Span, Speaker, Statement
from .nlp import QUOTE_MARK, find_quotes
from .nlp import doc_text as _text
from .occasions import LEADING_DATE, _assign_dates, _channel
from .quotes import (_clip_line, _follow_on_quotes, _inner, _inside, _is_direct, _labelled, _opens_sentence,
                     _quote_near, is_real_quote)
from .spanindex import SpanIndex
from .speakers import DOCUMENT_NOUNS, SPEECH_NOUNS, _document_owner, _name_of, _resolve_speakers, _speaker_tokens

# ways of saying that take a clause or a quotation, never an object alone ("shouted that ...", "joked: “...”")
VOICE = {"encourage", "exhort", "invite", "challenge", "beg", "shout", "yell", "scream", "cry", "chant", "whisper",
         "mutter", "murmur", "exclaim", "joke", "quip", "muse", "wonder", "retort", "plead", "implore", "proclaim",
         "lament", "bemoan", "decry", "hint", "underscore", "underline", "reaffirm", "repeat", "echo", "clarify",
         "specify", "elaborate", "recommend", "propose", "advise", "concur", "object", "protest", "swear", "attest",
         "corroborate", "confess", "divulge", "apologize", "apologise", "brag", "gush", "rant", "sigh", "tease",
         "answer", "inquire", "enquire", "reason", "posit", "theorize", "theorise", "hypothesize", "forecast", "relay",
         "narrate", "recollect", "reckon", "opine", "intone", "snap", "scoff", "marvel", "grumble", "fume", "rage",
         "thunder", "interject", "counsel"}
# verbs of public stance whose object is what they say about ("praised the truce", "proposed a corridor")
STANCE = {"propose", "endorse", "discuss", "praise", "tout", "downplay", "mock", "liken", "champion", "advocate",
          "invoke", "detail", "outline", "applaud", "hail", "laud", "welcome", "lambast", "oppose", "reference",
          "ridicule", "commend", "belittle", "disparage", "deride", "trumpet"}
# "expressed concern that ...", "voiced alarm over ...", "raised questions about ...": a feeling put into words
EXPRESS = {"express", "voice", "raise", "register", "convey"}
EXPRESSED = {"concern", "alarm", "fear", "hope", "doubt", "regret", "outrage", "anger", "frustration", "support",
             "opposition", "dismay", "sympathy", "condolence", "satisfaction", "disappointment", "gratitude",
             "optimism", "scepticism", "skepticism", "question", "worry", "reservation", "objection", "confidence",
             "indignation", "shock", "sorrow", "solidarity"}
# verbs that report speech; content may be a clause, a quote or (some) an object
SPEECH = {"say", "tell", "accuse", "deny", "claim", "assert", "announce", "denounce", "warn", "write", "state",
          "note", "describe", "continue", "add", "report", "insist", "allege", "confirm", "explain", "argue",
          "charge", "blame", "condemn", "urge", "estimate", "tweet", "post", "acknowledge", "admit", "reiterate",
          "declare", "comment", "remark", "reply", "respond", "stress", "emphasise", "emphasize", "maintain",
          "contend", "predict", "promise", "vow", "threaten", "complain", "testify", "conclude", "find",
          "dispute", "reject", "criticise", "criticize", "recount", "recall", "tell", "quote", "cite", "read",
          "pledge", "caution", "observe", "suggest", "indicate", "counter", "brief", "rebut", "dismiss", "affirm",
          "concede", "speculate", "document", "verify", "determine", "establish", "assess", "label", "call",
          "demand", "ask", "question", "boast", "vow", "inform", "disclose", "reveal", "publish", "highlight",
          "agree", "acknowledge", "mention", "point", "assure", "remind", "show", "speak", "talk"} | VOICE | STANCE | \
    EXPRESS
# these need a clause, quote or "of"-phrase as content (an object alone is not a report: "found the body")
# ... but these also report by their object: "stressed the need for talks", "documented 12 strikes", "promised a veto"
OBJECT_OK = {"note", "stress", "emphasise", "emphasize", "highlight", "document", "proclaim", "bemoan", "lament",
             "decry", "underscore", "underline", "promise", "vow", "pledge", "propose", "recommend", "repeat"}
CLAUSE_ONLY = ({"find", "conclude", "suggest", "indicate", "determine", "establish", "assess", "verify",
               "document", "continue", "add", "note", "call", "ask", "read", "publish", "highlight", "question",
               "recall", "observe", "counter", "brief", "inform", "tell", "write", "post", "tweet", "explain",
               "argue", "comment", "remark", "reply", "respond", "stress", "emphasise", "emphasize", "maintain",
               "contend", "say", "assert", "state", "insist", "allege", "claim", "warn", "promise", "vow",
               "threaten", "pledge", "caution", "speculate", "boast", "urge", "recount", "testify", "speak", "talk",
               "label", "estimate", "predict", "concede", "affirm", "agree", "point", "assure", "remind", "declare",
               "show"} | VOICE) - OBJECT_OK
ACCUSE = vocabulary.ACCUSE | vocabulary.CRITICISE  # "criticised the army for ..." is told like an accusation
XCOMP_OK = {"threaten", "promise", "vow", "pledge", "urge", "call", "warn", "deny", "claim", "demand", "ask",
            "admit", "acknowledge", "refuse", "tell", "encourage", "implore", "exhort", "invite", "challenge", "beg"}
# verbs whose subject is also the subject of a reporting infinitive ("appeared to suggest", "went on to say")
XCOMP_HEADS = {"appear", "seem", "continue", "go", "proceed", "begin", "start", "take", "rush", "hasten", "come", "tend",
               "use", "move", "return"}
TELL = {"tell", "assure", "inform", "remind", "warn", "brief", "promise"}
EVIDENCE_NOUNS = {"imagery", "image", "evidence", "photo", "photograph", "picture", "data", "analysis", "record",
                  "finding", "sample", "result", "trace", "footage"}
CLAUSE_PREPS = {"after", "before", "because", "despite", "while", "as", "following", "since", "although"}
# nouns naming a speech act whose content is a "that"-clause: "X's claim that ...", "warnings from X that ..."
CLAIM_NOUNS = {"claim", "statement", "report", "warning", "argument", "assertion", "allegation", "accusation",
               "acknowledgment", "acknowledgement", "announcement", "insistence", "suggestion", "prediction",
               "promise", "pledge", "vow", "declaration", "denial", "admission", "contention", "charge", "boast"}
# nouns of intention or commitment whose content is an infinitive: "the army's decision to withdraw"
INTENT_NOUNS = {"decision", "determination", "plan", "refusal", "agreement", "eagerness", "willingness", "readiness",
                "commitment", "desire", "intention", "promise", "pledge", "vow", "threat", "resolve", "bid"}
# verbs of a relative clause on such a noun ("the claim that he made"): "that" is their object, not a complementiser
_REL_VERBS = {"make", "issue", "release", "publish", "file", "write", "send", "post", "hear", "see", "read", "repeat",
              "cite", "receive", "get", "give", "deliver", "reject", "dismiss", "deny", "retract", "echo", "prepare",
              "present", "submit", "dispute", "believe", "accept", "investigate", "examine", "check", "have", "do"}
# after a direct quote, ", adding that ..." is a further claim of its own (merging would swallow the
# speaker and cue); after reported speech it continues the statement, like ", saying ..."
SEPARATE = {"add", "argue", "insist", "warn", "accuse", "claim", "predict", "promise", "vow", "urge", "suggest"}
_SENT_END = re.compile(r"[.!?:;…]['\"\u2019\u201d\u00bb)]*\s*$")


@lru_cache(maxsize=None)
def pipeline() -> Language:
    """The spaCy model with claimledger's components added (its own cached copy of the base model)."""
    from .nlp import base_model

    nlp = base_model(instance="statements")
    if "claimledger_quotes" not in nlp.pipe_names:
        # zero-width and direction marks stand apart, so "said\u200b" is still "said"
        invisible = r"[\u200b-\u200f\u202a-\u202e\u2060\ufeff]"
        nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex([invisible, *nlp.Defaults.prefixes]).search
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex([invisible, *nlp.Defaults.suffixes]).search
        nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex([invisible, *nlp.Defaults.infixes]).finditer
        nlp.add_pipe("claimledger_paragraphs", before="parser")
        nlp.add_pipe("claimledger_quotes", last=True)
    return nlp


# ---------------------------------------------------------------- content rules

def _right_content(doc: Doc, cue: Token, lemma: str) -> tuple[int, int] | None:
    """Content to the right of the cue: complement clause, "accused X of Y", or an object."""
    kids = [c for c in cue.children if c.i > cue.i]
    if lemma in ACCUSE or lemma == "describe":
        obj = [c for c in kids if c.dep_ in ("dobj", "ccomp", "xcomp", "prep", "oprd", "advcl")
               and c.lower_ not in ("in", "on", "during", "at")]
        if obj and any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in obj):
            s = _strip_mark(doc, obj[0])[0]
            end = max(_subtree(c)[1] for c in obj)
            if lemma in ACCUSE and not any(t.lower_ == "of" for c in obj for t in c.subtree):
                # "accused the army and allied militias of shelling ...": the parser read "allied" as a second verb;
                # the "of" phrase (the act) still belongs to the accusation
                more = [c for c in kids if c.dep_ == "conj" and c.lemma_.lower() not in SPEECH and _subject(c) is None
                        and any(t.lower_ == "of" and t.dep_ == "prep" for t in c.subtree)]
                end = max([end] + [_subtree(c)[1] for c in more])
            return s, end
        of = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "of" and c.i == cue.i + 1), None)
        if lemma in ACCUSE and of is not None and any(c.dep_ == "dobj" and c.i < cue.i for c in cue.children):
            return _subtree(of)  # "Rwanda, which Kinshasa accuses of arming the rebels": the accused is the relative
        as_ = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "as" and c.i == cue.i + 1), None)
        if lemma == "describe" and as_ is not None and as_.right_edge.i > as_.i:  # "an attack that X described as ..."
            s, e, text = *_edges([t for t in as_.subtree if t.i > as_.i]), _text(doc)
            return s, e + (text[s] in "\"\u201c" and text[e:e + 1] in ("\"", "\u201d"))  # keep the quote whole
    comps = [c for c in kids if (c.dep_ == "ccomp" or (c.dep_ == "xcomp" and lemma in XCOMP_OK)) and not _bare_cue(c)]
    if not comps and lemma in TELL:
        # "told a meeting of leaders that few people ...": the parser hung the complement on the listener
        for obj in (c for c in kids if c.dep_ == "dobj"):
            comps = [t for t in obj.subtree if t.dep_ in ("relcl", "acl") and
                     any(k.dep_ == "mark" and k.lower_ == "that" for k in t.children)][:1]
            if comps:
                break
    if not comps:
        # "tweeted in the early hours that X ...": the parser hung the complement on the time noun as a relative
        comps = [t for c in kids if c.dep_ in ("prep", "npadvmod") for t in c.subtree if t.dep_ in ("relcl", "acl")
                 and t.left_edge.lower_ == "that" and t.left_edge.dep_ in ("mark", "advmod")
                 and any(k.dep_ in ("nsubj", "nsubjpass", "expl") for k in t.children)][:1]
    if not comps:  # "tweeted in the early hours that X was ...": the same, read as an adverbial clause
        comps = [c for c in kids if c.dep_ == "advcl" and c.left_edge.lower_ == "that"
                 and any(k.dep_ in ("nsubj", "nsubjpass", "expl") for k in c.children)][:1]
    if not comps and lemma in ("say", "tell", "claim", "insist", "state", "add", "write", "argue"):
        # "said after the summit he would ...": a complement the parser read as an adverbial clause
        comps = [c for c in kids if c.dep_ == "advcl" and any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children)
                 and not any(k.dep_ == "mark" or k.tag_ in ("WRB",) for k in c.children) and c.tag_ != "VBG"]
    if comps:
        s = _strip_mark(doc, comps[0])[0]
        if comps[0].dep_ == "xcomp" and lemma not in TELL:  # "urged residents to leave": whom, and to do what
            s = min([s] + [c.left_edge.idx for c in kids if c.dep_ == "dobj" and c.i < comps[0].i and c.pos_ != "PRON"])
        end = _to_sentence_end(doc, cue, max(_subtree(c)[1] for c in comps))
        for t in (t for c in comps for t in c.subtree):
            # "X said A and Y accused B": a second speaker's clause is not X's content
            if t.dep_ == "conj" and t.lemma_.lower() in SPEECH and _subject(t) is not None and t.idx < end and \
                    t.left_edge.lower_ != "that" and _subject(t).lemma_.lower() not in EVIDENCE_NOUNS:  # "and that X showed"
                cut = doc[t.left_edge.i - 1] if doc[t.left_edge.i - 1].dep_ == "cc" else t.left_edge
                end = min(end, _edges([x for x in doc[comps[0].left_edge.i:cut.i]])[1] or end)
        return s, end
    if lemma == "call":  # "called for a ceasefire", "called on both sides to ...", "called the strikes “barbaric”"
        pobj = [c for c in kids if c.dep_ == "prep" and c.lower_ == "for"]
        if pobj:
            return _edges(list(pobj[0].subtree)[1:])
        on = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "on" and c.i == cue.i + 1), None)
        to = [c for c in kids if on is not None and c.i > on.i and c.dep_ in ("xcomp", "advcl") and c.left_edge.lower_ == "to"]
        if to:
            return _edges(list(on.subtree)[1:] + list(to[0].subtree))
        objs = [c for c in kids if c.dep_ == "dobj" and c.tag_ not in ("WDT", "WP")]
        oprd = [c for c in kids if c.dep_ in ("oprd", "xcomp", "ccomp")]
        if objs and oprd:
            return _subtree(objs[0])[0], _subtree(oprd[-1])[1]
        if not objs and len(oprd) >= 2 and oprd[0].i == cue.i + 1:  # "called Trump a liar", read as two predicates
            return _subtree(oprd[0])[0], _subtree(oprd[-1])[1]
        return None
    # "warned of ...", "spoke of ...": the object of "of"/"about"
    for c in kids:
        if c.dep_ == "prep" and c.lower_ in ("of", "about") and lemma not in ("say", "tell"):
            return _prep_object(c) or _edges(list(c.subtree)[1:])
    if lemma in EXPRESS:  # "expressed concern that X", "voiced alarm over X"; "raised taxes" says nothing
        noun = next((c for c in kids if c.dep_ == "dobj" and c.lemma_.lower() in EXPRESSED), None)
        if noun is None:
            return None
        clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and c.left_edge.lower_ == "that"
                       and c.left_edge.dep_ == "mark"), None)
        if clause is not None:
            return _strip_mark(doc, clause)
        prep = next((c for c in [*noun.children, *kids] if c.dep_ == "prep" and c.i > noun.i
                     and c.lower_ in ("about", "over", "at", "for", "with", "regarding", "of", "on")), None)
        return _prep_object(prep) if prep is not None else None
    if lemma == "question":  # "questioned the legitimacy of the vote", not "questioned the suspect"
        objs = [c for c in kids if c.dep_ == "dobj" and any(k.dep_ == "prep" and k.lower_ in ("of", "for") for k in c.children)]
        if objs:
            return _noun_phrase(objs[0])
    if cue.dep_ == "relcl" and cue.tag_ in ("VBZ", "VBP"):
        return None  # "Mwatana, which documents abuses": what the group does, not what it said
    if lemma not in CLAUSE_ONLY:
        objs = [c for c in kids if c.dep_ == "dobj" and c.pos_ not in ("PRON",)]
        if objs:  # "cited the remarks as proof", "likened the rules to a trap": the object with what it is made out to be
            more = [c for c in kids if c.dep_ in ("prep", "oprd") and c.i > objs[0].i and c.lower_ in ("as", "to", "for")]
            return _noun_phrase(objs[0])[0], max(_noun_phrase(c)[1] for c in [objs[0], *more])
    objs = [c for c in kids if c.dep_ == "dobj" and c.pos_ not in ("PRON",) and c.lower_ not in ("nothing", "so", "this")]
    if objs and lemma in ("say", "insist", "argue", "claim", "state"):
        # "said many of the examples ... failed": a clause the parser read as an object
        return _subtree(objs[0])[0], _to_sentence_end(doc, cue, _subtree(objs[0])[1])
    return None


def _noun_phrase(tok: Token) -> tuple[int, int]:
    """A phrase's span without a comma-led aside at its end (", which ...", ", who ...", an appositive or a
    participle): the reporter's gloss, not what the speaker said."""
    toks = list(tok.subtree)
    for t in toks:
        if t.i > tok.i and t.text == "," and any(k.dep_ in ("relcl", "appos", "acl", "advcl") and k.left_edge.i == t.i + 1
                                                 for k in t.head.children):
            return _edges([x for x in toks if x.i < t.i])
    return _edges(toks)


def _prep_object(prep: Token) -> tuple[int, int] | None:
    """The span of a preposition's object ("concern about X", "spoke of X"), without a trailing aside."""
    obj = next((k for k in prep.children if k.dep_ in ("pobj", "pcomp")), None)
    return _noun_phrase(obj) if obj is not None else None


def _bare_cue(tok: Token) -> bool:
    """", Interfax reported": a trailing attribution the parser hung on the cue, not reported content."""
    return tok.lemma_.lower() in SPEECH and not any(c.dep_ in ("ccomp", "dobj", "xcomp", "prep") for c in tok.children)


def _evidence_subject(tok: Token) -> bool:
    subj = _subject(tok)
    return subj is not None and subj.lemma_.lower() in EVIDENCE_NOUNS


def _to_sentence_end(doc: Doc, cue: Token, end: int) -> int:
    """Stretch a complement to the end of its sentence when the rest holds no other reporting verb
    (the parser often hangs trailing phrases elsewhere)."""
    rest = [t for t in cue.sent if t.idx >= end]
    wh = cue.left_edge
    if wh.i < cue.i and wh.tag_ in ("WP", "WRB", "WDT") and (wh.head.i != cue.i or wh.dep_ == "dobj"):
        return end  # "what X says his plan would do, and ...": the clause ends where the cue's own phrase does
    if any(t.lemma_.lower() in SPEECH and t.pos_ == "VERB" and not _evidence_subject(t) for t in rest) or \
            any(t.lower_ == "according" for t in rest):
        return end
    return max(end, _edges(list(cue.sent))[1] if rest else end)


def _left_content(doc: Doc, cue: Token, subj: Token | None) -> tuple[int, int] | None:
    """Content before the cue: "X happened, the ministry said" (the cue follows its content)."""
    left = [c for c in cue.children if c.i < cue.i and (c.dep_ == "ccomp" or (  # "Fragment X, experts say."
        c.dep_ == "dep" and c.i == cue.sent.start and doc[c.right_edge.i + 1].text == ","))]
    if left:
        return _subtree(left[0])
    around = _parenthetical(doc, cue, subj)
    if around is not None:
        return around
    if cue.dep_ == "advcl" and subj is not None and cue.head.pos_ in ("VERB", "AUX") and \
            any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children) and \
            not any(c.dep_ in ("xcomp", "ccomp", "dobj") for c in cue.children):  # not "as they continued to stay"
        # "As the mayor said, the shelter was full." / "The shelter was full, as the mayor said.": the main clause
        inside = {t.i for t in cue.subtree}
        main = [t for t in cue.head.subtree if t.i not in inside and not t.is_space]
        before, after = [t for t in main if t.i < cue.left_edge.i], [t for t in main if t.i > cue.right_edge.i]
        lead = [t for t in before if not t.is_punct and t.dep_ not in ("cc", "mark", "advmod")]  # "Yet, as ...", "If, as"
        part = after if not lead else before if not [t for t in after if not t.is_punct] else None
        return _edges(part) if part else None
    if cue.dep_ in ("parataxis", "ccomp", "advcl", "conj") and subj is not None and cue.head.i != cue.i:
        sub = sorted(cue.subtree, key=lambda t: t.i)
        first = next(t for t in sub if not t.is_punct)
        inside = {t.i for t in sub}
        clause = cue.head
        while clause.dep_ in ("nsubj", "nsubjpass") and clause.head.i > clause.i and \
                clause.head.pos_ in ("VERB", "AUX"):
            clause = clause.head  # "For X, it said, cloud cover ... left it with ...": the cue hung on the subject
        head_toks = [t for t in clause.subtree if t.i < first.i]
        after = [t for t in clause.subtree if t.i > sub[-1].i and t.i not in inside]
        if cue.head.i > cue.i and not head_toks:
            return None
        if head_toks and doc[first.i - 1].text in (",", "\u2014", "-", "\u2013"):
            if after and any(QUOTE_MARK.match(t.text) for t in doc[cue.i:after[0].i + 1]):
                return None  # "Asked about X, she said, “...”": the quotation is the content
            if len([t for t in after if not t.is_punct]) >= 3 and after[0].i == sub[-1].i + 1:
                return _edges(head_toks + after)  # "X, he said, is Y": the content surrounds the cue
            return _edges(head_toks)
    return None


def _parenthetical(doc: Doc, cue: Token, subj: Token | None) -> tuple[int, int] | None:
    """"Although A, he said, B.": a cue set off by commas inside its content; the content is the sentence."""
    if subj is None or subj.i > cue.i or subj.left_edge.i - 1 <= cue.sent.start:
        return None
    if doc[subj.left_edge.i - 1].text != ",":
        return None
    j = cue.i + 1
    while j < cue.sent.end and doc[j].text != "," and doc[j].head.i == cue.i and doc[j].dep_ in ("prep", "npadvmod", "advmod") \
            or (j < cue.sent.end and doc[j].head.i != cue.i and doc[j].text != "," and doc[j].head.i < j and
                cue.i < doc[j].head.i):
        j += 1
    if j >= cue.sent.end or doc[j].text != ",":
        return None
    before = [t for t in doc[cue.sent.start:subj.left_edge.i - 1] if not t.is_punct and not t.is_space]
    after = [t for t in doc[j + 1:cue.sent.end] if not t.is_punct]
    if len(before) < 2 or len(after) < 3 or any(t.lemma_.lower() in SPEECH and t.pos_ == "VERB" for t in after) \
            or QUOTE_MARK.match(doc[j + 1].text if j + 1 < len(doc) else ""):
        return None  # "Asked about X, she said, “...”": the quotation alone is the content
    return _edges([t for t in cue.sent if not t.is_space])


def _is_headline(doc: Doc, tok: Token) -> bool:
    """Title, byline and subheads: a line without final punctuation."""
    text = _text(doc)
    s = text.rfind("\n", 0, tok.idx) + 1
    e = text.find("\n", tok.idx)
    line = text[s:(len(text) if e < 0 else e)].strip()
    return len(line.split(None, 25)) <= 25 and not _SENT_END.search(line)  # words first: a long line is no title


def _raw_statements(doc: Doc, quotes: list[tuple[int, int]]) -> list[_Raw]:
    text = _text(doc)
    real = SpanIndex(q for q in quotes if is_real_quote(text, q))
    raws: list[_Raw] = []
    by_cue: dict[int, _Raw] = {}
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
            r = _according(doc, tok)
        elif tok.pos_ == "NOUN" and lemma in CLAIM_NOUNS:
            r = _noun_statement(doc, tok)
        elif lemma in SPEECH and tok.dep_ not in ("amod", "compound") and not _is_citing(tok) and (
                tok.pos_ in ("VERB", "AUX") or (tok.dep_ in ("ROOT", "ccomp", "conj", "relcl") and _subject(tok) is not None)):
            r = _verb_statement(doc, tok, lemma, quotes, real)
        elif beliefs.is_cue(tok) and tok.dep_ not in ("amod", "compound"):
            r = beliefs.belief_statement(doc, tok, real)
        elif tok.pos_ == "NOUN" and (lemma in beliefs.NOUNS or lemma in INTENT_NOUNS):
            r = _noun_statement(doc, tok, mode="belief")
        else:
            continue
        if r is None or _is_headline(doc, tok):
            continue
        between = text[tok.idx:r.content[0]]
        colon = r.colon or bool(re.fullmatch(r"[^\n]*:\s*\n\s*[\"\u201c]?", between))  # "He said:" ¶ “...”
        r.content = _clip_line(text, r.content, r.content[0] if colon else tok.idx)
        if not r.direct:
            r.content = _cut_concession(text, r.content)
        if r.content[1] - r.content[0] < 2 or not r.direct and not any(
                t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") for t in doc.char_span(*r.content, alignment_mode="expand")):
            continue  # "Yet, as X observed", "what X called": no content of its own
        if r.subject_head is not None and not r.direct and (r.subject_head.lower_ in ("nobody", "none") or any(
                c.dep_ == "det" and c.lower_ == "no" for c in r.subject_head.children)):
            continue  # "no group has claimed responsibility", "nobody said": no one stated anything
        q = next(real.containing(tok.idx, strict=True), None)
        if q is not None:
            # a cue inside a quotation is a relayed statement only when it names its own, third-person source
            if not r.own_subject or r.subject_head is None or r.subject_head.lower_ in ("i", "we", "you") \
                    or not (q[0] <= r.content[0] and r.content[1] <= q[1]):
                continue
            if r.subject_head.idx < q[0] or r.subject_head.tag_ in ("WP", "WDT") or \
                    r.subject_head.lower_ in _INDEFINITE:
                continue  # X “rejects the lies ...,” Y said: the quotation opens inside X's clause; “whoever claims”
            r.in_quote = q
        raws.append(r)
        by_cue[tok.i] = r
    said = SpanIndex([o.content for o in raws if o.in_quote is None])
    raws += [r for r in _labelled(doc, real) if next(said.overlapping(*r.content), None) is None]
    raws = beliefs.outside_statements(raws)
    for r in raws:
        anchor = _cue_ancestor(r.cue) if not r.own_subject else None
        if anchor is not None and anchor.i in by_cue:
            r.inherited = by_cue[anchor.i]
    return raws


_ANONYMITY = re.compile(r"\s+(?:that\s+(?:he|she|they|his|her|their)\s+(?:name\s+)?)?not\s+(?:to\s+)?be\s+"
                        r"(?:named|identified|quoted|cited)\b", re.I)
_PUBLISH = {"publish", "release", "issue", "post", "announce", "say", "speak", "tell"}
_INDEFINITE = {"whoever", "whatever", "anyone", "anybody", "everyone", "everybody", "someone", "somebody", "nobody",
               "one"}
_CONCESSION = re.compile(r",[ \u00a0]+(?:although|though|even though)[ \u00a0]")


def _cut_concession(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """"He claimed X was smart, although he again refused ...": a trailing concession outside quotation marks
    is the reporter's aside, not part of the report."""
    m = _CONCESSION.search(text, span[0], span[1])
    if m is None or any(c in text[m.start():span[1]] for c in "\"\u201c\u201d"):
        return span
    return (span[0], m.start()) if m.start() - span[0] > 10 else span


def _cue_ancestor(cue: Token) -> Token | None:
    """The nearest reporting verb with a subject above a subject-less cue (up to three levels)."""
    tok = cue
    for _ in range(3):
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.lemma_.lower() in SPEECH and _subject(tok) is not None:
            return tok
    return None


def _according(doc: Doc, tok: Token) -> _Raw | None:
    to = next(c for c in tok.children if c.lower_ == "to")
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:  # "according to show insiders": the parser made a verb of the first word
        objs = [t for t in to.subtree if t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("dobj", "pobj", "nsubj")][:1]
    if not objs:
        return None
    if tok.head.i == tok.i:  # "According to X, Y." parsed with "According" as the root: split at the comma
        comma = next((t for t in doc[to.i + 1:tok.sent.end] if t.text == ","), None)
        rest = [t for t in doc[comma.i + 1:tok.sent.end] if not t.is_space] if comma is not None else []
        if len([t for t in rest if not t.is_punct]) < 3:
            return None
        src = [t for t in doc[to.i + 1:comma.i]]
        return _Raw(cue=tok, content=_edges(rest), subject=src, subject_head=None,
                    cue_span=(tok.idx, to.idx + len(to.text)), zone=[_edges(src)])
    phrase = (min(t.i for t in tok.subtree), max(t.i for t in tok.subtree))
    head = tok.head
    while head.dep_ in ("ccomp", "conj") and head.head.i != head.i and head.head.i < head.i:
        head = head.head  # the whole clause the source vouches for
    clause = [t for t in head.subtree if not phrase[0] <= t.i <= phrase[1]] if head.i != tok.i else []
    before = [t for t in clause if t.i < phrase[0]]
    after = [t for t in clause if t.i > phrase[1]]
    part = after if len([t for t in after if not t.is_punct]) > len([t for t in before if not t.is_punct]) else before
    if not part:
        return None
    return _Raw(cue=tok, content=_edges(part), subject=[objs[0]], subject_head=objs[0],
                cue_span=(tok.idx, to.idx + len(to.text)), zone=[_subtree(objs[0])])


def _noun_statement(doc: Doc, noun: Token, mode: str = "speech") -> _Raw | None:
    """"X's claim that Y", "a Daily Herald report that Y", "warnings from X that Y": a speech noun with a
    complement clause and a named owner (possessor, "from"/"by" phrase or proper-noun modifier)."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "relcl", "ccomp") and c.i > noun.i
                   and c.left_edge.dep_ == "mark" and c.left_edge.lower_ in ("that", "whether")), None)
    infinitive = next((c for c in noun.children if c.dep_ == "acl" and c.i > noun.i and c.left_edge.lower_ == "to"
                       and c.left_edge.dep_ == "aux"), None) if noun.lemma_.lower() in INTENT_NOUNS else None
    if infinitive is not None and clause is None:
        clause = infinitive  # "the council's decision to close the crossing"
    elif clause is None or not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children):
        return None
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return None  # "X's accusation that Y follows ...": a topic recalling statements already reported
    if clause.lemma_.lower() in _REL_VERBS and not any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for c in clause.children):
        return None  # "the claim that he made"
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "by") and c.i < clause.i), None)
        owner = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if owner is None:
        owner = next((c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
    if owner is None or owner.lower_ in ("its", "my", "our", "your", "whose"):
        return None
    subject = [t for t in owner.subtree if t.dep_ != "case"] if owner.dep_ != "compound" else \
        [t for t in doc[owner.left_edge.i:noun.i] if t.dep_ == "compound" or t.i == owner.i]
    content = _subtree(clause) if clause is infinitive else _strip_mark(doc, clause)
    start = min(t.idx for t in subject + [noun])
    return _Raw(cue=noun, content=content, subject=subject, subject_head=owner,
                cue_span=(noun.idx, noun.idx + len(noun.text)), zone=[(start, noun.idx + len(noun.text))],
                block=(start, noun.idx + len(noun.text)), mode=mode)


def _verb_statement(doc: Doc, cue: Token, lemma: str, quotes, real) -> _Raw | None:
    text = _text(doc)
    if lemma == "quote":
        return _quoted_as(doc, cue, quotes, real)
    if lemma == "call" and any(c.lower_ == "what" for c in cue.children):
        return None  # "what she called ...": a naming inside another statement
    if lemma in ("ask", "request") and _ANONYMITY.match(_text(doc), cue.idx + len(cue.text)):
        return None  # "asked not to be named": a condition of the interview, not a statement
    if _negated(cue, quotes) or (cue.dep_ == "conj" and not _subject(cue) and _negated(cue.head, quotes)):
        return None  # "could not confirm", "did not say": a report of silence, not a statement
    subj = _subject(cue)
    if subj is not None and any(not q[0] <= cue.idx < q[1] for q in real.containing(subj.idx)):
        # "“... Total chaos,” said X": the parser took the quote's last noun for a second subject
        subj = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > cue.i), None) or \
            _name_before(doc, cue, real)
    if subj is not None and subj.dep_ == "nsubjpass" and lemma != "quote":
        # "X was accused of Y" names the accused; the speaker, if any, is the agent ("by Z")
        agent = next((c for c in cue.children if c.dep_ == "agent"), None)
        subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subj is None:
            return None
    lost = _name_after_quote(doc, cue, real) if subj is None and cue.dep_ in ("conj", "ccomp", "parataxis") else []
    subj = lost[-1] if lost else subj
    trailing = _trailing_subject(doc, cue) if subj is None else None
    absorbed = None
    if subj is not None and subj.i < cue.i and subj.pos_ == "NOUN" and \
            any(c.dep_ == "ccomp" and c.i < subj.i for c in cue.children):
        # "A, setting fire to two homes, the agency NNA reported": the parser took the content's last noun for the
        # subject and hung the speaker on it as an appositive
        late = _trailing_subject(doc, cue)
        if late is not None and late.dep_ == "appos" and late.head.i == subj.i and late.i > subj.i:
            absorbed, trailing, subj = subj, late, None
    if subj is None and trailing is None and cue.i > 0 and doc[cue.i - 1].ent_type_ == "PERSON" and \
            doc[cue.i - 1].ent_iob_ in ("B", "I") and cue.dep_ == "ROOT":
        subj = doc[cue.i - 1]  # "In a meeting with the board Petrov said that ...": the parser lost the subject
    subj = subj if trailing is None else trailing
    own = subj is not None
    if subj is not None and subj.lemma_.lower() in EVIDENCE_NOUNS and not _document_owner(subj):
        return None  # "satellite imagery suggested ...": no identifiable source
    if lemma == "show" and (subj is None or subj.pos_ != "NOUN" or not any(t.pos_ == "PROPN" for t in subj.subtree)):
        return None  # "a Reuters poll shows that ...", not "video shows" nor "she showed that she can"
    if subj is not None and subj.lower_ in ("who", "that", "which") and cue.dep_ == "relcl":
        subj = cue.head
        if subj.dep_ == "appos" and subj.head.pos_ == "PROPN":
            subj = subj.head  # "X, a volunteer driver who said ...": the driver is X
    elif subj is None and cue.dep_ == "acl" and cue.head.dep_ == "ROOT" and cue.head.pos_ == "PROPN" and \
            doc[cue.i - 1].text == "," and cue.head.i < cue.i:
        subj = cue.head  # "X, a senior official at Y, called on ...": the parser made the verb a modifier of X
    elif subj is None and cue.tag_ == "VBN" and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in cue.children):
        return None  # "the report, published on Monday" is not a speech act
    elif subj is None and cue.dep_ in ("conj", "advcl"):
        anchor = _cue_ancestor(cue)
        # "X wrote that Y, saying ...": the participle continues X's statement, even when hung inside it
        subj = _subject(anchor) if anchor is not None else _subject(cue.head)  # "X issued a statement, saying"
        if subj is None and cue.head.dep_ == "acl":
            subj = cue.head.head
    elif subj is None and cue.dep_ == "xcomp" and cue.head.lemma_.lower() in XCOMP_HEADS and not _negated(cue.head, quotes):
        subj = _subject(cue.head)  # "appeared to suggest", "took to Twitter to accuse"
        if subj is None and cue.head.dep_ in ("advcl", "conj"):  # "..., going on to say"
            anchor = _cue_ancestor(cue)
            subj = _subject(anchor) if anchor is not None else None
    elif subj is None and cue.dep_ == "pcomp" and cue.tag_ == "VBG":
        subj = next((c for c in cue.head.children if c.dep_ == "pobj" and c.i < cue.i), None)  # "from X warning"
        if subj is None and cue.head.lower_ in ("by", "after", "before", "for", "in", "while", "from", "besides") \
                and lemma not in ACCUSE and cue.head.head.i != cue.i:
            gov = cue.head.head  # "X responded by saying ...": the speaker of the governing verb
            for _ in range(3):  # "... and began by saying", "refuses to discuss it, aside from saying"
                if _subject(gov) is not None or gov.dep_ not in ("conj", "xcomp", "advmod"):
                    break
                gov = gov.head
            subj = _subject(gov)
            own = subj is not None and subj.lower_ not in ("who", "which", "that")
            subj = subj if own else None
    elif subj is None and cue.dep_ == "acl" and cue.tag_ == "VBG":
        subj = cue.head  # "Foreign Minister X claiming ...", "a statement from X warning ..."
        if subj.pos_ != "PROPN" and subj.lemma_.lower() not in DOCUMENT_NOUNS | SPEECH_NOUNS and not subj.ent_type_:
            return None  # "a convention calling for a ban": not a speaker
        if subj.lemma_.lower() in DOCUMENT_NOUNS and _document_owner(subj, cue.i) is None and subj.dep_ in ("dobj", "pobj"):
            gov = subj.head if subj.dep_ == "dobj" else subj.head.head
            subj = _subject(gov) or subj
    if subj is None:
        return None
    source = _cited_source(doc, cue) if own else None
    if source is not None:  # "Citing X, the agency reported ...": the agency's subject is the relayer
        subj = max((c for c in cue.children if c.dep_ == "nsubj" and c.i > source[-1].i), key=lambda c: c.i, default=subj)
    if subj.lemma_.lower() in DOCUMENT_NOUNS | SPEECH_NOUNS and subj.tag_ in ("NNS", "NNPS") and _document_owner(subj) is None \
            and not any(c.lower_ in ("the", "these", "those") for c in subj.children):
        return None  # "other reports indicate ...": no identifiable source
    content = _right_content(doc, cue, lemma)
    if content is not None and own and real and not re.search(r"\bthat\b", text[cue.idx:content[0]]):
        # “Q,” X told Y, after ...: a quotation just before the speaker is the content, not a later clause
        start = min([t.idx for t in subj.subtree] + [cue.idx])
        lo = start  # a quotation ending here, or before spaces and a comma
        while lo > 0 and text[lo - 1] in " \u00a0":
            lo -= 1
        lo -= lo > 0 and text[lo - 1] == ","
        if any(re.fullmatch(r",?[ \u00a0]*", text[q[1]:start]) and "," in text[q[1] - 3:start]
               and _opens_sentence(text, q[0]) for q in real.ending_in(lo, start)):
            content = None
    if content is None:
        content = _left_content(doc, cue, subj)
    if content is None and trailing is not None:  # "A, setting fire to B, the agency X reported." (cue hung on A)
        before = [t for t in doc[cue.sent.start:trailing.left_edge.i - 1] if not t.is_space]
        content = _edges(before) if len([t for t in before if not t.is_punct]) >= 3 else None
    if content is not None and absorbed is not None:
        content = (min(content[0], _subtree(absorbed)[0]), max(content[1], doc[trailing.left_edge.i - 1].idx))
    if content is not None and trailing is not None:  # the content ends at the comma before the speaker
        content = (content[0], min(content[1], doc[trailing.left_edge.i - 1].idx))
    # the attribution block: speaker, cue and their modifiers outside the content
    name_toks, role_toks = _speaker_tokens(subj)
    block_toks = [cue] + ((name_toks + role_toks) if own else []) + lost
    for c in cue.children:
        if c.dep_ in ("dobj", "dative", "prep", "npadvmod", "advmod", "aux", "neg", "agent", "nsubj", "attr", "prt") and \
                (content is None or not _overlaps(_subtree(c), content)) and c.lower_ not in CLAUSE_PREPS and \
                not real.inside(c.idx):  # a quoted word the parser hung on the cue
            block_toks.extend(c.subtree)
    if content is not None and content[0] > cue.idx:  # keep the attribution words on the cue's side of the content
        block_toks = [t for t in block_toks if t.idx < content[0]] or [cue]
    elif content is not None and content[1] <= cue.idx:
        block_toks = [t for t in block_toks if t.idx >= content[1]] or [cue]
    block = (min(t.idx for t in block_toks), max(t.idx + len(t.text) for t in block_toks))
    direct = False
    quoted_cue = real.inside(cue.idx, strict=True)
    q = _inside(content, real) if content and not quoted_cue else None
    if not quoted_cue and (content is None or q is not None or content[1] - content[0] < 3):
        near = _quote_near(text, real, block)
        if q is not None and q not in near:
            near = [q] + near
        if near and (content is None or q is not None):
            near = sorted(set(near))[:2]
            content = (_inner(text, near[0])[0], _inner(text, near[-1])[1])
            direct = True
    colon = False
    if content is None:
        m = re.match(r"[ \t]*:[ \t]*\n\s*(?=\S)", text[block[1]:block[1] + 20])
        if m is None:
            return None
        # "X added:" closing a paragraph introduces the next paragraph as the content
        start = block[1] + m.end()
        end = text.find("\n", start)
        content, colon = (start, len(text) if end < 0 else end), True
        direct = _is_direct(text, content, quotes)
    surrounds = content[0] < block[0] and block[1] < content[1] and (
        cue.dep_ == "parataxis" or _parenthetical(doc, cue, subj) is not None)
    if content[0] < block[1] and block[0] < content[1] and not direct and not surrounds:
        # content must not swallow the speaker: keep the side of the cue it lies on (the longer side when it lies on
        # both, as in "donations, which he said were accompanied by ...")
        right = (max(content[0], block[1]), content[1])
        left = (content[0], min(content[1], block[0]))
        content = left if content[0] < block[0] and (left[1] - left[0] >= right[1] - right[0]) else right
    if not direct:
        direct = _is_direct(text, content, quotes)
    zone = [(c_s, c_e) for c in cue.children if c.dep_ in ("prep", "npadvmod", "advmod", "dative", "dobj", "agent")
            for c_s, c_e in [_subtree(c)] if not (content[0] <= c_s < content[1]) or block[0] <= c_s < block[1]
            or (surrounds and c.i > cue.i and "," not in text[cue.idx:c_s])]  # "A, X said on Monday, B"
    lead = LEADING_DATE.match(text, content[0], content[1]) if not direct else None
    if lead:  # "said on Friday it had ...": the date belongs to the saying, not to the content
        zone.append((lead.start(), lead.end()))
        content = (lead.end(), content[1])
    anc = cue
    for _ in range(4):  # a participle takes its time from the clause it hangs on ("a report on Tuesday citing")
        if own or anc.head.i == anc.i or anc.dep_ not in ("acl", "advcl", "pcomp", "relcl", "xcomp", "conj", "dobj",
                                                        "pobj", "nsubj", "prep"):
            break
        anc = anc.head
        zone += [_subtree(c) for c in anc.children if c.dep_ in ("prep", "npadvmod") and c.i != cue.i
                 and not (c.left_edge.i <= cue.i <= c.right_edge.i)]
    # "..., referring to an attack on Sunday": a reaction is dated by what it reacts to (used only as a last resort)
    zone += [_subtree(c) for c in cue.children if c.dep_ == "advcl" and c.tag_ == "VBG"
             and c.lemma_.lower() in ("refer", "respond", "react", "comment") and not (content[0] <= c.idx < content[1])]
    if subj.lemma_.lower() in DOCUMENT_NOUNS:  # "a statement in July ..."
        zone += [_subtree(c) for c in subj.children if c.dep_ in ("prep", "npadvmod") and c.i < cue.i]
    # "X, which published its assessment on Sunday, said ...": the speaker's own publication dates the statement
    zone += [_subtree(k) for c in subj.children if c.dep_ == "relcl" and c.i < cue.i and c.lemma_.lower() in _PUBLISH
             for k in c.children if k.dep_ in ("prep", "npadvmod")]
    # "... in a video published Sunday": the channel phrase tells when, even inside the content
    zone += [_subtree(t.head) for t in doc[cue.sent.start:cue.sent.end] if t.lemma_.lower() in DOCUMENT_NOUNS
             and t.dep_ == "pobj" and t.head.lower_ in ("in", "on", "via", "through")]
    if source is not None:
        start = content[0] if content[1] <= cue.idx else max(content[0], source[-1].idx + len(source[-1].text))
        content = _clip_line(text, (start, content[1]), cue.idx)  # "A, Y reported, quoting X.": the clause before
        if text.startswith("that ", content[0]):
            content = (content[0] + 5, content[1])
        return _Raw(cue=cue, content=content, subject=source, subject_head=None,
                    reported_by=_name_of(name_toks), cue_span=(cue.idx, cue.idx + len(cue.text)), direct=direct,
                    zone=zone, block=block)
    return _Raw(cue=cue, content=content, subject=name_toks, subject_head=subj, own_subject=own,
                cue_span=(cue.idx, cue.idx + len(cue.text)), direct=direct, zone=zone, block=block, colon=colon)


def _cited_source(doc: Doc, cue: Token) -> list[Token] | None:
    """The source of a relayed report: "Citing X, Y reported ..." or "Y reported, quoting X, that ..."."""
    sent = cue.sent
    first = sent[0] if not sent[0].is_space else doc[sent.start + 1]
    if first.lower_ in ("citing", "quoting") and first.i < cue.i:
        comma = next((t for t in doc[first.i + 1:cue.i] if t.text == ","), None)
        if comma is not None and comma.i > first.i + 1:
            return list(doc[first.i + 1:comma.i])
    # "Y reported on Saturday, citing X": the participle may follow the cue's own modifiers
    cite = next((t for t in doc[cue.i + 2:sent.end] if t.lower_ in ("citing", "quoting")
                 and (t.head.i == cue.i or t.i == cue.i + 2)
                 and doc[t.i - 1].text == "," and "," not in doc[cue.i + 1:t.i - 1].text
                 and not any(o.dep_ == "dobj" and o.lemma_.lower() in EVIDENCE_NOUNS for o in t.children)), None)
    if cite is not None and cite.i + 1 < sent.end:
        out = []
        for t in doc[cite.i + 1:sent.end]:
            if t.text in (",", ":") or t.lower_ == "that" or t.is_punct and t.is_sent_end:
                break
            out.append(t)
        return out or None
    return None


def _is_citing(tok: Token) -> bool:
    """"citing X" / "quoting X" names a relayed source (see `_cited_source`), not a statement of its own."""
    return tok.lemma_.lower() in ("cite", "quote") and tok.tag_ == "VBG" and any(c.dep_ == "dobj" for c in tok.children)


def _name_before(doc: Doc, cue: Token, real) -> Token | None:
    """The proper name between a quotation and its cue (“...,” Rep. Jane Roe (D-Md.) said)."""
    for t in reversed(doc[cue.sent.start:cue.i]):
        if real.inside(t.idx):
            return None
        if t.pos_ == "PROPN" and t.dep_ not in ("compound", "flat") and t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            return t
    return None


def _name_after_quote(doc: Doc, cue: Token, real) -> list[Token]:
    """“...,” Police Chief Tom Harlan said — when the parser lost the subject between a quotation and its cue,
    the name just before the cue is the speaker (only names, titles and punctuation may stand between)."""
    text = _text(doc)
    q = next((q for q in SpanIndex.of(real).ending_in(cue.idx - 80, cue.idx - 1)
              if re.fullmatch(r"[^\n\"\u201c\u201d]{1,80}", text[q[1]:cue.idx])), None)
    prev = doc[cue.i - 1] if cue.i > 0 else None
    if q is None or prev is None or prev.pos_ not in ("PROPN", "NOUN") or prev.idx < q[1]:
        return []
    first = prev
    while first.i > 0 and doc[first.i - 1].idx >= q[1]:
        first = doc[first.i - 1]
    between = doc[first.i:cue.i]
    if any(t.pos_ in ("VERB", "AUX", "PRON", "SCONJ") and not t.is_title for t in between):  # "Tulsa" tagged VERB
        return []
    return [t for t in between if not t.is_punct]


def _negated(cue: Token, quotes) -> bool:
    """"did not say", "could not yet confirm": a negation just before the verb (not a quoted "not" the parser
    hung on the cue)."""
    return any(c.dep_ == "neg" and 1 <= cue.i - c.i <= 3 and not SpanIndex.of(quotes).inside(c.idx)
               and not any(t.is_punct for t in c.doc[c.i:cue.i]) for c in cue.children)


def _trailing_subject(doc: Doc, cue: Token) -> Token | None:
    """"X happened, a spokesperson for Y said.": the parser may hang the speaker on the content as an
    appositive; take the noun phrase between the last comma and a sentence-final cue."""
    nxt = doc[cue.i + 1] if cue.i + 1 < len(doc) else None
    if cue.i == 0 or (nxt is not None and not nxt.is_punct and nxt.sent == cue.sent):
        return None
    tok = doc[cue.i - 1]
    best = None
    while tok.i < cue.i and tok.right_edge.i == cue.i - 1 and tok.sent == cue.sent:
        if tok.pos_ in ("NOUN", "PROPN") and tok.left_edge.i > cue.sent.start and doc[tok.left_edge.i - 1].text == ",":
            best = tok
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return best


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _quoted_as(doc: Doc, cue: Token, quotes, real) -> _Raw | None:
    """"X quoted Y as saying Z": Y is the speaker and X the relayer."""
    obj = next((c for c in cue.children if c.dep_ == "dobj"), None)
    as_ = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    subj = _subject(cue)
    if obj is None or as_ is None:
        return None
    saying = next((t for t in as_.subtree if t.lemma_ in SPEECH and t.i != cue.i), None)
    content = _right_content(doc, saying, "say") if saying is not None else None
    direct = False
    last = max(t.i for t in cue.subtree)
    block = (min(t.idx for t in cue.subtree), doc[last].idx + len(doc[last].text))
    q = _inside(content, real) if content else None
    if content is None or q:
        near = _quote_near(_text(doc), real, block) or ([q] if q else [])
        if not near:
            return None
        content = (_inner(_text(doc), near[0])[0], _inner(_text(doc), near[-1])[1])
    direct = _is_direct(_text(doc), content, quotes)
    name = _speaker_tokens(obj)[0]
    relayer = " ".join(t.text for t in _speaker_tokens(subj)[0]) if subj is not None else None
    return _Raw(cue=cue, content=content, subject=name, subject_head=obj, cue_span=(cue.idx, cue.idx + len(cue.text)),
                direct=direct, reported_by=relayer, zone=[])


# ---------------------------------------------------------------- merging

def _merge(doc: Doc, raws: list[_Raw], quotes: list[tuple[int, int]]) -> list[_Raw]:
    """Fold participial continuations and follow-on quotes into their statement; keep a relayed statement
    once, under its original source, with the relayer in `reported_by`."""
    text = _text(doc)
    keep = []
    for r in raws:
        head = r.inherited
        if head is not None and r.cue.tag_ == "VBG" and r.cue.dep_ == "advcl" and head.cue.lemma_ in SPEECH \
                and not (r.cue.lemma_ in SEPARATE and head.direct):
            head.content = (min(head.content[0], r.content[0]), max(head.content[1], r.content[1]))
            continue  # ", saying ..." continues the head's statement
        if head is not None and r.cue.dep_ == "conj" and head.content[0] < r.cue.idx < head.content[1] and not r.direct:
            # "said A and accused B": the second cue starts a new statement, so A ends before it
            left = r.cue.left_edge
            cut = doc[left.i - 1] if left.i > 0 and doc[left.i - 1].dep_ == "cc" else left
            if cut.idx > head.content[0]:
                end = cut.idx
                while end > 0 and text[end - 1] in " ,;":
                    end -= 1
                head.content = (head.content[0], end)
        keep.append(r)
    _follow_on_quotes(text, keep, SpanIndex(q for q in quotes if is_real_quote(text, q)))
    told = SpanIndex([o.content for o in keep if o.in_quote is None], [o for o in keep if o.in_quote is None])
    order = {id(o): n for n, o in enumerate(keep)}
    for r in keep:
        if r.in_quote is not None:
            outer = min((told.items[i] for i in told.containing_at(r.cue.idx)), key=lambda o: order[id(o)], default=None)
            r.reported_by = r.reported_by or outer
    # a speaker quoting their own statement ("“..., Amnesty said today, ...,” the statement read") is one statement
    keep = [r for r in keep if not (r.in_quote and isinstance(r.reported_by, _Raw) and r.speaker and r.reported_by.speaker
                                    and r.speaker.name == r.reported_by.speaker.name)]
    out = []
    speech = [o for o in keep if o.own_subject and o.mode == "speech"]
    starts = SpanIndex([o.content for o in speech], speech)
    for r in keep:
        inner = [o for o in (starts.items[i] for i in starts.starting_in_at(r.content[0], r.content[1] - 1))
                 if o is not r and r.content[0] <= o.cue.idx < r.content[1]]
        covered = _covered(r.content, [x for o in inner for x in (o.content, o.block) if x])
        if inner and covered >= 0.8:
            for o in inner:
                o.reported_by = o.reported_by if isinstance(o.reported_by, str) else r
            continue  # a pure relay ("X said Y reported that ...")
        out.append(r)
    return out


def _covered(span: tuple[int, int], parts: list[tuple[int, int]]) -> float:
    hit = set()
    for s, e in parts:
        hit.update(range(max(s, span[0]), min(e, span[1])))
    return len(hit) / max(1, span[1] - span[0])


# ---------------------------------------------------------------- entry point

def extract(doc: Doc, published: date | None = None, prefix: str = "S") -> list[Statement]:
    """Statements of one parsed document; ids are f"{prefix}{n}" from 1."""
    text = _text(doc)
    got = doc._.cl_quotes if Doc.has_extension("cl_quotes") else None
    quotes = SpanIndex(got if got is not None else find_quotes(text))  # lists after n_process
    found = _raw_statements(doc, quotes)
    parties = actors.parties_in(text)
    _resolve_speakers(doc, found, parties)
    acronyms = actors.defined_acronyms(text)
    raws = _merge(doc, found, quotes)
    out: list[Statement] = []
    ids: dict[int, str] = {}
    spans: dict[int, Span | None] = {}
    _assign_dates(doc, found, published, quotes, spans)
    for r in sorted(raws, key=lambda x: (x.content[0], x.cue.idx)):
        date_value, date_span = r.date, spans[id(r)]
        relayer = r.reported_by
        if isinstance(relayer, _Raw):
            relayer = relayer.speaker.name if relayer.speaker else None
        speaker = actors.canonical_speaker(r.speaker, acronyms, parties) if r.speaker else Speaker(name="unknown")
        st = Statement(speaker=speaker, cue=text[r.cue_span[0]:r.cue_span[1]],
                       content=Span.of(text, *r.content), quote="direct" if r.direct else "indirect",
                       cue_span=Span.of(text, *r.cue_span), date=date_value, date_span=date_span,
                       channel=_channel(text, r), reported_by=relayer, id=f"{prefix}{len(out) + 1}", mode=r.mode)
        ids[id(r)] = st.id
        out.append(st)
    for r, st in zip(sorted(raws, key=lambda x: (x.content[0], x.cue.idx)), out):
        if isinstance(r.reported_by, _Raw):
            st.parent = ids.get(id(r.reported_by))  # the relaying statement, when it is kept as well
    return out
