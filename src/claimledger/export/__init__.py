"""Exports of the ledger. `ledger_json` is the contract every other format is derived from
(`claimledger/ledger@1`, see the README); `FORMATS` maps each `claimledger export --format` name to a
pure function of that dict returning the file's text. One module per format."""
from __future__ import annotations

from .acled import ACLED_COLUMNS, acled_rows, acled_type, to_acled_csv
from .claimreview import RATING, claim_reviews, to_claimreview
from .common import LedgerIndex, incident_acts, incident_place, summary
from .contract import SCHEMA, ledger_json, to_json
from .geojson import geojson, to_geojson
from .timemap import timemap, to_timemap

FORMATS = {"json": to_json, "acled-csv": to_acled_csv, "geojson": to_geojson, "claimreview": to_claimreview,
           "timemap": to_timemap}
