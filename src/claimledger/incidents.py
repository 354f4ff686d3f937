"""Incidents: allegations about one event clustered across documents. (Being written: issue 6.)"""
from __future__ import annotations

from .models import Allegation, Assessment, Incident, Statement


def cluster(allegations: list[Allegation], assessments: list[Assessment], statements: list[Statement],
            documents: list[dict]) -> list[Incident]:
    """Incidents over the whole corpus with derived statuses."""
    return []
