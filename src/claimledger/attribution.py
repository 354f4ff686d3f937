"""The raw attribution record that statement extraction builds up, and token-span helpers its stages share."""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from .models import Speaker


@dataclass
class _Raw:
    cue: Token
    content: tuple[int, int]
    subject: list[Token] = field(default_factory=list)  # speaker words at this statement (may be a pronoun)
    subject_head: Token | None = None
    cue_span: tuple[int, int] | None = None
    direct: bool = False
    inherited: "_Raw | None" = None  # head statement whose speaker this one shares
    reported_by: str | None = None
    parent: "_Raw | None" = None
    speaker: Speaker | None = None
    zone: list[tuple[int, int]] = field(default_factory=list)  # attribution words (for date and channel)
    block: tuple[int, int] | None = None  # speaker and cue words
    own_subject: bool = True
    in_quote: tuple[int, int] | None = None  # the quotation this cue stands in (a relayed statement)
    date_from: "_Raw | None" = None  # statement whose date this one shares ("the statement continued")
    date: str | None = None
    colon: bool = False  # content is the paragraph after "X said:"
    mode: str = "speech"  # speech | belief (see `beliefs`)


def _edges(tokens) -> tuple[int, int]:
    toks = [t for t in tokens if not t.is_space]
    while toks and (toks[0].is_punct and toks[0].text not in "\"\u201c\u00ab"):
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in "\"\u201d\u00bb)":
        toks = toks[:-1]
    if not toks:
        return (0, 0)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _subtree(tok: Token) -> tuple[int, int]:
    return _edges(list(tok.subtree))


def _strip_mark(doc: Doc, tok: Token) -> tuple[int, int]:
    """A complement clause's span without its leading "that"/"whether"."""
    toks = [t for t in tok.subtree]
    while toks and (toks[0].dep_ == "mark" or toks[0].lower_ in ("that", ":", ",")) and toks[0].i < tok.i:
        toks = toks[1:]
    return _edges(toks)


def _subject(cue: Token) -> Token | None:
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return child
    return None
