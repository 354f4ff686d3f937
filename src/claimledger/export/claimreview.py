"""schema.org ClaimReview JSON-LD."""
from __future__ import annotations

import json

from .common import LedgerIndex


# reviewRating.ratingValue on a 1 (worst: refuted) to 5 (best: corroborated) scale; alternateName carries our status
RATING = {"refuted": 1, "disputed": 2, "insufficient_evidence": 3, "alleged": 3, "partially_corroborated": 4,
          "corroborated": 5}
_ORG_TYPES = {"organisation", "organization", "government", "armed_group", "group"}


def _creative_work(doc: dict | None) -> dict | None:
    if not doc:
        return None
    work = {"@type": "NewsArticle", "headline": doc.get("title"), "url": doc.get("url"),
            "datePublished": doc.get("published")}
    if doc.get("outlet"):
        work["publisher"] = {"@type": "Organization", "name": doc["outlet"]}
    return {k: v for k, v in work.items() if v is not None}


def claim_reviews(ledger: dict) -> list[dict]:
    """One ClaimReview per assessment (an assessed allegation, as rated by one verifier).

    `url`/`datePublished` are those of the article that reports the verifier's finding (we do not hold the
    verifier's own publication); `itemReviewed.appearance` lists the articles carrying the claim."""
    index = LedgerIndex(ledger)
    reviews = []
    for s in ledger.get("assessments") or []:
        alg = index.allegations.get(s.get("allegation_id"), {})
        stmts = index.statements_of(alg)
        speaker = (stmts[0].get("speaker") or {}) if stmts else {}
        claim = {"@type": "Claim", "appearance": [w for w in (_creative_work(d) for d in index.documents_of([alg])) if w]}
        if speaker.get("name"):
            kind = "Organization" if speaker.get("type") in _ORG_TYPES else "Person"
            claim["author"] = {"@type": kind, "name": speaker["name"]}
        if stmts and stmts[0].get("date"):
            claim["datePublished"] = stmts[0]["date"]  # when the claim was made
        claim = {k: v for k, v in claim.items() if v not in (None, [])}
        review_doc = index.docs.get(s.get("document_id"))
        status = s.get("status") or "alleged"
        review = {
            "@context": "https://schema.org", "@type": "ClaimReview",
            "identifier": s.get("id") or f"{s.get('allegation_id')}:{s.get('verifier')}",
            "claimReviewed": index.claim_text(alg) if alg else s.get("allegation_id"),
            "author": {"@type": "Organization", "name": s.get("verifier")},
            "reviewRating": {"@type": "Rating", "ratingValue": RATING.get(status, 3), "worstRating": 1,
                             "bestRating": 5, "alternateName": status},
            "itemReviewed": claim,
        }
        if review_doc:
            review.update({k: v for k, v in (("url", review_doc.get("url")),
                                             ("datePublished", review_doc.get("published"))) if v})
        basis = s.get("basis") or {}
        if basis.get("text"):
            review["reviewBody"] = basis["text"]
        reviews.append(review)
    return reviews


def to_claimreview(ledger: dict) -> str:
    """A JSON array of ClaimReview JSON-LD objects."""
    return json.dumps(claim_reviews(ledger), ensure_ascii=False, indent=1)


