"""Assessments by independent verifiers, analyst review and the audit log. (Being written: issue 6.)"""
from __future__ import annotations

from spacy.tokens import Doc

from .models import Allegation, Assessment, Statement


def assess(doc: Doc, statements: list[Statement], allegations: list[Allegation], prefix: str = "V") -> list[Assessment]:
    """Verifier assessments of the document's allegations; ids are f"{prefix}{n}"."""
    return []
