"""ClaimReview JSON-LD: Google's required properties, then expansion by pyld against schema.org's own terms
(vendored, no download) in tests/format_checks.py."""
from __future__ import annotations

import json

import pytest

from claimledger import export
from claimledger.export import claimreview
from format_checks import check_claimreviews


def _reviews(ledger, **opts):
    reviews = json.loads(export.FORMATS["claimreview"].render(ledger, **opts))
    check_claimreviews(reviews)
    return reviews


def test_export_claimreview_one_review_per_assessment(small_ledger):
    (r,) = _reviews(small_ledger())
    assert r["claimReviewed"].startswith("Russian forces shelled the central market")
    assert r["author"] == {"@type": "Organization", "name": "Human Rights Watch"}
    assert r["reviewRating"]["alternateName"] == "Corroborated"
    assert (r["reviewRating"]["ratingValue"], r["reviewRating"]["bestRating"]) == (4, 4)
    claim = r["itemReviewed"]
    assert claim["author"] == {"@type": "Person", "name": "Petro Vashchuk"}
    assert claim["appearance"][0]["url"] == "https://news.example.org/a1"
    assert r["reviewBody"] == "verified footage showing artillery impacts"
    assert r["url"] == "https://news.example.org/a1"


def test_export_claimreview_url_always_a_permalink_when_the_document_has_none(small_ledger):
    ledger = small_ledger()
    ledger["documents"][0]["url"] = None
    (r,) = _reviews(ledger, base_url="https://ledger.example.org/report.html")
    assert r["url"] == "https://ledger.example.org/report.html#review-D1.V1"
    ledger["documents"][0]["url"] = "javascript:alert(1)"
    (r,) = _reviews(ledger)
    assert r["url"] == "report.html#review-D1.V1"
    assert all("javascript" not in (w.get("url") or "") for w in r["itemReviewed"].get("appearance", []))


@pytest.mark.parametrize("status,name,value", [
    ("corroborated", "Corroborated", 4), ("partially_corroborated", "Partially corroborated", 3),
    ("disputed", "Disputed", 2), ("refuted", "Refuted", 1),
    ("insufficient_evidence", "Insufficient evidence", None), ("alleged", "Unverified", None),
])
def test_export_claimreview_readable_ratings_on_a_documented_scale(status, name, value):
    rating = claimreview.rating(status)
    assert rating["alternateName"] == name and rating.get("ratingValue") == value
    order = ["refuted", "disputed", "partially_corroborated", "corroborated"]
    assert [export.RATING[s] for s in order] == [1, 2, 3, 4]


@pytest.mark.parametrize("speaker,expected", [
    ({"name": "Ministry of Defence of Ruritania", "type": "unknown"}, "Organization"),
    ({"name": "the regional governor's office", "type": "government"}, "Organization"),
    ({"name": "Ruritania", "type": "unknown"}, "Person"),  # not a country we know: no guess
    ({"name": "Azerbaijan", "type": "unknown"}, "Organization"),
    ({"name": "Human Rights Watch", "type": "unknown"}, "Organization"),
    ({"name": "Mira Testova", "type": "person"}, "Person"),
    ({"name": "the rebel army", "type": "armed_group"}, "Organization"),
])
def test_export_claimreview_author_types(speaker, expected):
    assert claimreview.author_type(speaker) == expected


def test_export_claimreview_one_review_per_analyst_decision(small_ledger):
    ledger = small_ledger()
    ledger["incidents"][1].update(status="disputed", status_source="analyst",
                                  rationale="satellite images show the store intact")
    reviews = _reviews(ledger, org="Field Desk", base_url="https://ledger.example.org/report.html")
    decision = next(r for r in reviews if r["identifier"] == "decision:I2")
    assert decision["author"] == {"@type": "Organization", "name": "Field Desk"}
    assert decision["reviewRating"]["alternateName"] == "Disputed"
    assert decision["reviewBody"] == "satellite images show the store intact"
    assert decision["url"] == "https://ledger.example.org/report.html#incident-I2"
    assert decision["claimReviewed"] == "drones struck a grain store near Izium in February"
    assert len(reviews) == 2  # the verifier's assessment and the analyst's decision


def test_export_claimreview_check_catches_a_misspelt_term(small_ledger):
    (r,) = json.loads(export.FORMATS["claimreview"].render(small_ledger()))
    r["reviewRating"]["ratingVal"] = 3
    with pytest.raises(AssertionError, match="ratingVal"):
        check_claimreviews([r])
