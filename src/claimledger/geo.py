"""Geoparsing: toponyms found and resolved to coordinates with a precision. (Being written: issue 5.)"""
from __future__ import annotations

from spacy.tokens import Doc

from .models import Place


def find_places(doc: Doc) -> list[Place]:
    """Every toponym in the document, resolved where the gazetteer allows."""
    return []
