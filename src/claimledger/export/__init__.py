"""Exports of the ledger, one module per format. `ledger_json` is the contract every other format is derived
from (`claimledger/ledger@1`, see the README); `FORMATS` maps each `claimledger export --format` name to its
`Format`: a pure function of that dict returning the file's text, or (for a format of several files, written
into `--out DIR`) a dict of file name -> text.

Options reach the formats that use them and are ignored by the others: `org` (the analysts' organisation,
author of their ClaimReviews), `base_url` (where the report is published, for ClaimReview permalinks) and
`timestamp` (ACLED's upload time, default now).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .acled import ACLED_COLUMNS, CODEBOOK_COLUMNS, OUR_COLUMNS, acled_rows, acled_type, to_acled_csv
from .claimreview import RATING, RATING_NAMES, claim_reviews, to_claimreview
from .common import LedgerIndex, csv_cell, incident_acts, incident_place, safe_url, summary
from .contract import SCHEMA, ledger_json, to_json
from .geojson import geojson, to_geojson
from .timemap import DATE_FMT as TIMEMAP_DATE_FMT, timemap, to_timemap


@dataclass(frozen=True)
class Format:
    name: str
    render: Callable[..., "str | dict[str, str]"]
    description: str
    directory: bool = False  # writes several files into a directory


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", to_json, "the ledger-json contract (claimledger/ledger@1)"),
    Format("acled-csv", to_acled_csv, "ACLED codebook columns, then status, verifiers and provenance"),
    Format("geojson", to_geojson, "RFC 7946 points, one per placed incident"),
    Format("claimreview", to_claimreview, "schema.org ClaimReview JSON-LD, one per assessment and analyst decision"),
    Format("timemap", to_timemap, "Forensic Architecture TimeMap: events.json, associations.json, sources.json",
           directory=True),
)}

__all__ = ["ACLED_COLUMNS", "CODEBOOK_COLUMNS", "FORMATS", "Format", "LedgerIndex", "OUR_COLUMNS", "RATING",
           "RATING_NAMES", "SCHEMA", "TIMEMAP_DATE_FMT", "acled_rows", "acled_type", "claim_reviews", "csv_cell",
           "geojson", "incident_acts", "incident_place", "ledger_json", "safe_url", "summary", "timemap",
           "to_acled_csv", "to_claimreview", "to_geojson", "to_json", "to_timemap"]
