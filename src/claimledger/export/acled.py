"""ACLED-style CSV."""
from __future__ import annotations

import csv
import io
import re

from .. import gazetteer
from .common import LedgerIndex, incident_acts, incident_place, _perpetrators, _verifiers


ACLED_COLUMNS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
                 "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
                 "status", "incident_id", "allegation_id", "verifiers")
EXPLOSIONS, VAC, STRATEGIC = "Explosions/Remote violence", "Violence against civilians", "Strategic developments"
ACT_TO_ACLED = {
    "shelling": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "missile_strike": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "airstrike": (EXPLOSIONS, "Air/drone strike"),
    "drone_strike": (EXPLOSIONS, "Air/drone strike"),
    "use_of_prohibited_weapon": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "attack_on_civilians": (VAC, "Attack"),
    "killing": (VAC, "Attack"),
    "detention": (VAC, "Abduction/forced disappearance"),
    "looting": (STRATEGIC, "Looting/property destruction"),
    "displacement": (STRATEGIC, "Other"),
    "planned_attack": (STRATEGIC, "Other"),
    "threat": (STRATEGIC, "Other"),
    "genocidal_intent": (STRATEGIC, "Other"),
    "other": (STRATEGIC, "Other"),
}
# words in a weapon's name or category that make an attack an explosive one, and its ACLED sub-type
_EXPLOSIVE_WORDS = (
    ("chemical", "Chemical weapon"), ("chlorine", "Chemical weapon"), ("sarin", "Chemical weapon"),
    ("aircraft", "Air/drone strike"), ("air", "Air/drone strike"), ("drone", "Air/drone strike"),
    ("uav", "Air/drone strike"), ("barrel", "Air/drone strike"), ("bomb", "Air/drone strike"),
    ("mine", "Remote explosive/landmine/IED"), ("ied", "Remote explosive/landmine/IED"),
    ("grenade", "Grenade"), ("shell", "Shelling/artillery/missile attack"),
    ("missile", "Shelling/artillery/missile attack"), ("rocket", "Shelling/artillery/missile attack"),
    ("mortar", "Shelling/artillery/missile attack"), ("artillery", "Shelling/artillery/missile attack"),
    ("cluster", "Shelling/artillery/missile attack"), ("munition", "Shelling/artillery/missile attack"),
    ("explosive", "Shelling/artillery/missile attack"),
)
ACLED_GEO_PRECISION = {"facility": 1, "town": 1, "district": 2, "region": 3, "country": 3}


def explosive_subtype(weapons: list) -> str | None:
    """ACLED's Explosions/Remote violence sub-type suggested by the weapons, or None if none is explosive."""
    for w in weapons:
        words = set(re.findall(r"[a-z]+", " ".join(
            str(w.get(k) or "") for k in ("name", "category", "kb_id")).lower() if isinstance(w, dict) else str(w).lower()))
        for word, sub in _EXPLOSIVE_WORDS:
            if word in words or word + "s" in words:
                return sub
    return None


def acled_type(act: str, weapons: list) -> tuple[str, str]:
    """(event_type, sub_event_type) for one of our acts."""
    event_type, sub = ACT_TO_ACLED.get(act, ACT_TO_ACLED["other"])
    explosive = explosive_subtype(weapons)
    if act in ("attack_on_civilians", "killing", "use_of_prohibited_weapon") and explosive:
        return EXPLOSIONS, explosive
    if sub == "Shelling/artillery/missile attack" and explosive == "Chemical weapon":
        return EXPLOSIONS, explosive
    return event_type, sub


def acled_date(date_str: str | None, precision: str | None = None) -> tuple[str, int | str]:
    """(event_date, time_precision): 1 day, 2 week or range, 3 month or coarser; partial dates take their first day."""
    if not date_str:
        return "", ""
    parts = date_str.split("-")
    if len(parts) == 3:
        return date_str, 2 if precision == "week" else 1
    return "-".join(parts + ["01"] * (3 - len(parts))), 3


def country_name(code: str | None) -> str:
    """ISO 3166-1 alpha-2 to the country's English name (the code itself when unknown)."""
    if not code:
        return ""
    return (gazetteer.country_name(code) or code) if len(code) == 2 else code


def _fatalities(allegations: list[dict]) -> int:
    """The lowest reported killed figure of the best-documented allegation (ACLED codes conservatively); 0 if none."""
    figures = []
    for a in allegations:
        c = a.get("casualties") or {}
        n = c.get("killed_min") if c.get("killed_min") is not None else c.get("killed_max")
        if isinstance(n, int) and not a.get("denial"):
            figures.append(n)
    return max(figures, default=0)


def acled_rows(ledger: dict) -> list[dict]:
    """One row per incident (an ACLED event); its allegations' ids are joined with ';' in allegation_id.

    The row is typed by the incident's most specific act (ACT_PRIORITY); actor1 is that allegation's
    perpetrator; fatalities is 0 when no figure was reported (as ACLED codes unknown); geo_precision is 2 when
    the place's precision is unknown; allegations outside any incident (threats, plans) get no row."""
    index = LedgerIndex(ledger)
    rows = []
    for inc in ledger.get("incidents") or []:
        algs = index.incident_allegations(inc)
        acts = incident_acts(index, inc) or ["other"]
        primary = next((a for a in algs if a.get("act") == acts[0]), {})
        event_type, sub = acled_type(acts[0], [w for a in algs for w in a.get("weapons") or []])
        date, tp = acled_date(inc.get("date") or primary.get("date"), primary.get("date_precision"))
        place = incident_place(index, inc)
        country = country_name(place.get("country"))
        civilians = event_type == VAC or any(
            (t.get("kind") if isinstance(t, dict) else None) == "civilians" for a in algs for t in a.get("targets") or [])
        docs = index.documents_of(algs)
        verifiers = _verifiers(index.incident_assessments(inc))
        rows.append({
            "event_date": date, "time_precision": tp, "event_type": event_type, "sub_event_type": sub,
            "actor1": primary.get("perpetrator") or (_perpetrators(algs) or [""])[0],
            "actor2": (f"Civilians ({country})" if country else "Civilians") if civilians else "",
            "country": country, "admin1": place.get("admin1") or "", "location": place.get("name") or "",
            "latitude": place.get("lat") if place.get("lat") is not None else "",
            "longitude": place.get("lon") if place.get("lon") is not None else "",
            "geo_precision": ACLED_GEO_PRECISION.get(place.get("precision"), 2) if place.get("lat") is not None else "",
            "source": "; ".join(dict.fromkeys(d.get("outlet") or d.get("title") or f"document {d['id']}" for d in docs)),
            "notes": index.claim_text(primary) if primary else "",
            "fatalities": _fatalities(algs), "status": inc.get("status") or "alleged", "incident_id": inc.get("id"),
            "allegation_id": ";".join(inc.get("allegation_ids") or []),
            "verifiers": "; ".join(f"{v['verifier']}: {v['status']}" for v in verifiers),
        })
    return rows


def to_acled_csv(ledger: dict) -> str:
    """ACLED-style CSV (ACLED_COLUMNS), one row per incident."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(acled_rows(ledger))
    return buf.getvalue()


