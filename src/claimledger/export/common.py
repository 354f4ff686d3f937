"""Look-ups and small helpers over one ledger dict, shared by the export formats."""
from __future__ import annotations

from urllib.parse import urlsplit

from ..vocabulary import priority

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell that a spreadsheet will not run: text starting like a formula gets a leading `'` (OWASP's
    advice); numbers are left as numbers.

    >>> csv_cell("=SUM(A1)"), csv_cell("-1+1"), csv_cell(-36.2), csv_cell("Kharkiv")
    ("'=SUM(A1)", "'-1+1", -36.2, 'Kharkiv')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_url(url) -> str:
    """`url` when it is an absolute http(s) URL, else "" (no `javascript:`, `data:` or `file:` links leave us).

    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)"), safe_url("//x.org")
    ('https://example.org/a', '', '')
    """
    if not isinstance(url, str):
        return ""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(
        c in url for c in "\x00\r\n\t ") else ""


def _by_id(records: list[dict] | None) -> dict[str, dict]:
    return {r["id"]: r for r in records or [] if r.get("id") is not None}


class LedgerIndex:
    """Look-ups over one ledger dict, shared by the formats below."""

    def __init__(self, ledger: dict):
        self.docs = {d["id"]: d for d in ledger.get("documents") or []}
        self.statements = _by_id(ledger.get("statements"))
        self.allegations = _by_id(ledger.get("allegations"))
        self.assessments: dict[str, list[dict]] = {}
        for a in ledger.get("assessments") or []:
            self.assessments.setdefault(a.get("allegation_id"), []).append(a)

    def incident_allegations(self, inc: dict) -> list[dict]:
        return [self.allegations[a] for a in inc.get("allegation_ids") or [] if a in self.allegations]

    def incident_assessments(self, inc: dict) -> list[dict]:
        return [s for a in inc.get("allegation_ids") or [] for s in self.assessments.get(a, [])]

    def statements_of(self, allegation: dict) -> list[dict]:
        return [self.statements[s] for s in allegation.get("statement_ids") or [] if s in self.statements]

    def documents_of(self, allegations: list[dict]) -> list[dict]:
        ids = []
        for a in allegations:
            for s in self.statements_of(a):
                ids.append(s.get("document_id"))
            ids.append(a.get("document_id"))
        return [self.docs[i] for i in dict.fromkeys(ids) if i in self.docs]

    def claim_text(self, allegation: dict, limit: int = 500) -> str:
        """What was alleged, in the source's words (the first alleging statement's content, or the outlet's own
        sentence for a narrated allegation)."""
        for s in self.statements_of(allegation):
            text = ((s.get("content") or {}).get("text") or "").strip()
            if text:
                return _clip(" ".join(text.split()), limit)
        told = ((allegation.get("span") or {}).get("text") or "").strip() if allegation.get("narrated") else ""
        return _clip(" ".join(told.split()), limit) if told else summary(allegation)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary(allegation: dict) -> str:
    """A one-line description built from the allegation's fields (no source text)."""
    who = allegation.get("perpetrator") or "unidentified perpetrator"
    act = (allegation.get("act") or "other").replace("_", " ")
    where = ", ".join(p.get("name") for p in allegation.get("places") or [] if p.get("name"))
    return f"{act} by {who}" + (f" at {where}" if where else "")


# Acts in order of specificity: an incident is typed by its most specific alleged act.


def incident_acts(index: LedgerIndex, inc: dict) -> list[str]:
    """Acts alleged in the incident (denials excluded), most specific first."""
    acts = {a.get("act") or "other" for a in index.incident_allegations(inc) if not a.get("denial")}
    return sorted(acts, key=priority)


def incident_place(index: LedgerIndex, inc: dict) -> dict:
    """The incident's place, else the first allegation place with coordinates (may be {})."""
    place = inc.get("place") or {}
    candidates = [p for a in index.incident_allegations(inc) for p in a.get("places") or []]
    if place.get("lat") is None or place.get("lon") is None:
        return next((p for p in candidates if p.get("lat") is not None and p.get("lon") is not None), place)
    # the incident keeps name and coordinates; its allegations' copy of the place may know country and admin1
    same = next((p for p in candidates if p.get("name") == place.get("name")), {})
    return {**{k: v for k, v in same.items() if v is not None}, **{k: v for k, v in place.items() if v is not None}}


def actor_name(allegation: dict) -> str | None:
    """The perpetrator's canonical name (its actor record), else the name as written: exports group by it."""
    return (allegation.get("perpetrator_actor") or {}).get("name") or allegation.get("perpetrator")


def _perpetrators(allegations: list[dict]) -> list[str]:
    return list(dict.fromkeys(actor_name(a) for a in allegations if a.get("perpetrator") and not a.get("denial")))


def _verifiers(assessments: list[dict]) -> list[dict]:
    seen = {}
    for s in assessments:
        key = (s.get("verifier"), s.get("status"))
        seen.setdefault(key, {"verifier": key[0], "status": key[1]})
    return list(seen.values())


def latest_possible_date(index: LedgerIndex, allegations: list[dict], docs: list[dict]) -> str | None:
    """The last day an undated event can have happened on: the earliest day one of its statements was made
    or one of its documents published (YYYY-MM-DD), None when none is known."""
    days = [s.get("date") for a in allegations for s in index.statements_of(a)] + [d.get("published") for d in docs]
    days = [d[:10] for d in days if isinstance(d, str) and len(d) >= 10]
    return min(days) if days else None
