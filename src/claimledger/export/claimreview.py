"""schema.org ClaimReview JSON-LD, with the properties Google's fact-check markup requires (`claimReviewed`,
`reviewRating.alternateName`, `url`) and those it recommends (author, datePublished, itemReviewed with the
claim's author and appearances, the rating's scale).

One review per verifier's assessment (author: the verifier) and one per analyst decision on an incident
(author: the analyst's organisation, the `org` setting; body: the analyst's rationale).

Rating scale: ratingValue 1 to 4, worst to best supported: 1 Refuted, 2 Disputed, 3 Partially corroborated,
4 Corroborated. "Insufficient evidence" and "Unverified" (an allegation no one assessed) say nothing about
truth, so they carry their name (`alternateName`) and no ratingValue: a number there would read as "half true".

`url` is the page of the assessment's own document when it has an http(s) URL, else a permalink into the
report: `{base_url}#review-{id}` (pass the address where the report is published as `base_url`).
"""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import actors
from .common import LedgerIndex, safe_url

RATING = {"refuted": 1, "disputed": 2, "partially_corroborated": 3, "corroborated": 4}
RATING_NAMES = {"corroborated": "Corroborated", "partially_corroborated": "Partially corroborated",
                "insufficient_evidence": "Insufficient evidence", "disputed": "Disputed", "refuted": "Refuted",
                "alleged": "Unverified"}
BEST, WORST = max(RATING.values()), min(RATING.values())
DEFAULT_ORG = "claimledger analysts"
DEFAULT_BASE_URL = "report.html"
_ORGANIZATION_TYPES = {"organisation", "organization", "government", "armed_group"}


def rating(status: str | None) -> dict:
    """schema.org Rating for one of our statuses.

    >>> rating("corroborated")["alternateName"], rating("insufficient_evidence").get("ratingValue")
    ('Corroborated', None)
    """
    status = status or "alleged"
    out = {"@type": "Rating", "alternateName": RATING_NAMES.get(status, status.replace("_", " ").capitalize()),
           "name": RATING_NAMES.get(status, status)}
    if status in RATING:
        out.update(ratingValue=RATING[status], bestRating=BEST, worstRating=WORST)
    return out


def author_type(speaker: dict) -> str:
    """Person or Organization: states, offices, forces, armed groups and organisations are Organization.

    >>> author_type({"name": "Ministry of Defence", "type": "unknown"})
    'Organization'
    >>> author_type({"name": "Olena", "type": "person"})
    'Person'
    """
    kind = speaker.get("type") or "unknown"
    if kind == "person":
        return "Person"
    if kind in _ORGANIZATION_TYPES:
        return "Organization"
    name = speaker.get("name") or ""
    if actors.lookup(name) or actors.actor_type(name) in _ORGANIZATION_TYPES or actors.country_in(name) == name:
        return "Organization"
    return "Person"


def _creative_work(doc: dict | None) -> dict | None:
    if not doc:
        return None
    work = {"@type": "NewsArticle", "headline": doc.get("title"), "url": safe_url(doc.get("url")) or None,
            "datePublished": doc.get("published")}
    if doc.get("outlet"):
        work["publisher"] = {"@type": "Organization", "name": doc["outlet"]}
    return {k: v for k, v in work.items() if v}


def _claim(index: LedgerIndex, alg: dict) -> dict:
    stmts = index.statements_of(alg)
    speaker = (stmts[0].get("speaker") or {}) if stmts else {}
    docs = index.documents_of([alg])
    claim = {"@type": "Claim", "appearance": [w for w in map(_creative_work, docs) if w]}
    if claim["appearance"]:
        claim["firstAppearance"] = min(claim["appearance"], key=lambda w: w.get("datePublished") or "9999")
    if speaker.get("name"):
        claim["author"] = {"@type": author_type(speaker), "name": speaker["name"]}
    elif alg.get("reported_by"):  # told by the outlet itself
        claim["author"] = {"@type": "Organization", "name": alg["reported_by"]}
    if stmts and stmts[0].get("date"):
        claim["datePublished"] = stmts[0]["date"]  # when the claim was made
    return {k: v for k, v in claim.items() if v not in (None, [])}


def _permalink(base_url: str, kind: str, ident: str) -> str:
    return f"{base_url}#{kind}-{quote(str(ident), safe='.:_-')}"


def claim_reviews(ledger: dict, *, org: str = DEFAULT_ORG, base_url: str = DEFAULT_BASE_URL) -> list[dict]:
    """Every ClaimReview: verifiers' assessments first, then analyst decisions."""
    index = LedgerIndex(ledger)
    reviews = []
    for s in ledger.get("assessments") or []:
        alg = index.allegations.get(s.get("allegation_id"), {})
        ident = s.get("id") or f"{s.get('allegation_id')}:{s.get('verifier')}"
        doc = index.docs.get(s.get("document_id")) or {}
        review = {
            "@context": "https://schema.org", "@type": "ClaimReview", "identifier": ident,
            "url": safe_url(doc.get("url")) or _permalink(base_url, "review", ident),
            "claimReviewed": index.claim_text(alg) if alg else str(s.get("allegation_id")),
            "author": {"@type": "Organization", "name": s.get("verifier") or "unnamed verifier"},
            "reviewRating": rating(s.get("status")),
            "itemReviewed": _claim(index, alg),
        }
        if doc.get("published"):
            review["datePublished"] = doc["published"]
        if (s.get("basis") or {}).get("text"):
            review["reviewBody"] = s["basis"]["text"]
        reviews.append(review)
    for inc in ledger.get("incidents") or []:
        if inc.get("status_source") != "analyst":
            continue
        algs = index.incident_allegations(inc)
        primary = next((a for a in algs if not a.get("denial")), algs[0] if algs else {})
        ident = f"decision:{inc.get('id')}"
        review = {
            "@context": "https://schema.org", "@type": "ClaimReview", "identifier": ident,
            "url": _permalink(base_url, "incident", inc.get("id")),
            "claimReviewed": index.claim_text(primary) if primary else str(inc.get("id")),
            "author": {"@type": "Organization", "name": org or DEFAULT_ORG},
            "reviewRating": rating(inc.get("status")),
            "itemReviewed": _claim(index, primary),
        }
        if inc.get("rationale"):
            review["reviewBody"] = inc["rationale"]
        reviews.append(review)
    return reviews


def to_claimreview(ledger: dict, *, org: str | None = None, base_url: str | None = None, **_) -> str:
    """A JSON array of ClaimReview JSON-LD objects."""
    return json.dumps(claim_reviews(ledger, org=org or DEFAULT_ORG, base_url=base_url or DEFAULT_BASE_URL),
                      ensure_ascii=False, indent=1)
