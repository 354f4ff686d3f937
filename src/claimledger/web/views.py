"""What the workspace pages show, computed from plain records without the database: why an incident
needs a human, and a source sentence with its exact span marked (escaped for HTML)."""
from __future__ import annotations

from markupsafe import Markup, escape

LOW_CONFIDENCE = 0.5
INDEPENDENT_KINDS = ("independent", "independent_verifier", "third_party")


def _named(speaker: dict) -> bool:
    name = (speaker or {}).get("name") or ""
    return bool(name.strip()) and name.strip().lower() != "unknown"


def reasons(incident: dict, allegations: list[dict], statements: list[dict], assessments: list[dict],
            status_source: str = "derived") -> list[str]:
    """Why an incident needs a human, from what the ledger holds about it.

    >>> reasons({"status": "alleged", "sources": ["x"]}, [{"confidence": 0.3}],
    ...         [{"speaker": {"name": "a spokesman", "kind": "party", "side": "Northland"}}], [])
    ['single source', 'only one side speaks', 'low confidence', 'no independent assessment', 'status not reviewed']
    """
    out = []
    status = incident.get("status")
    verdicts = {a.get("status") for a in assessments if a.get("status")}
    if len(verdicts) > 1 or (status == "disputed" and status_source != "analyst"):
        out.append("verifiers disagree")
    if len(incident.get("sources") or []) <= 1:
        out.append("single source")
    kinds = [(s.get("speaker") or {}).get("kind") for s in statements]
    sides = {(s.get("speaker") or {}).get("side") for s in statements if (s.get("speaker") or {}).get("kind") == "party"}
    if statements and not any(k in INDEPENDENT_KINDS for k in kinds) and len(sides - {None}) == 1:
        out.append("only one side speaks")
    if statements and not any(_named(s.get("speaker")) for s in statements):
        out.append("narrated only: no named source")
    if allegations and max(float(a.get("confidence") or 0) for a in allegations) < LOW_CONFIDENCE:
        out.append("low confidence")
    if status_source == "analyst" and status in ("disputed", "refuted"):
        out.append(f"analyst marked it {status}")
    if not verdicts and status == "alleged":
        out.append("no independent assessment")
    if status_source != "analyst":
        out.append("status not reviewed")
    return out


def excerpt(text: str, start: int, end: int, expected: str | None = None, context: int = 200) -> Markup:
    """The words around [start, end) of `text` with that span in <mark>, everything escaped. Where the
    stored span no longer matches the text (`expected`), nothing is marked and the page says so.

    >>> str(excerpt("Officials said <b>shells</b> hit the depot.", 15, 28))
    'Officials said <mark>&lt;b&gt;shells&lt;/b&gt;</mark> hit the depot.'
    """
    if not (0 <= start <= end <= len(text or "")) or (expected is not None and text[start:end] != expected):
        return Markup('<span class="mismatch">the stored span does not match the document text: ') + \
            escape(expected or "") + Markup("</span>")
    lo, hi = max(0, start - context), min(len(text), end + context)
    while lo > 0 and not text[lo - 1].isspace() and start - lo < context + 40:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < context + 40:
        hi += 1
    before, after = text[lo:start], text[end:hi]
    return (Markup("…" if lo else "") + escape(before) + Markup("<mark>") + escape(text[start:end])
            + Markup("</mark>") + escape(after) + Markup("…" if hi < len(text) else ""))


def side_of(statement: dict) -> str:
    """How a source stands: a party (and whose side), an independent verifier, a witness, unknown."""
    sp = statement.get("speaker") or {}
    kind = sp.get("kind") or "unknown"
    if kind == "party":
        return f"party: {sp.get('side')}" if sp.get("side") else "party"
    return kind.replace("_", " ")
