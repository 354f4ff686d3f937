"""Attributed statements: who said what, with exact spans. (Being written: see issue 4.)"""
from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from .models import Statement

EXTRACTOR_VERSION = "statements-0"


def pipeline() -> Language:
    """The spaCy pipeline the statement stage needs (the model plus claimledger components)."""
    from .nlp import base_model
    return base_model()


def extract(doc: Doc, published: date | None = None, prefix: str = "S") -> list[Statement]:
    """Statements of one parsed document; ids are f"{prefix}{n}" from 1."""
    return []
