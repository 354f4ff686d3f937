"""Allegations carried by statements. (Being written: issue 5.)"""
from __future__ import annotations

from datetime import date

from spacy.tokens import Doc

from .models import Allegation, Place, Statement


def extract(doc: Doc, statements: list[Statement], places: list[Place], published: date | None = None,
            prefix: str = "A") -> list[Allegation]:
    """Allegations of one document; ids are f"{prefix}{n}" from 1."""
    return []
