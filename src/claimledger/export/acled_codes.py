"""ACLED's codes for one event: event and sub-event type, disorder type, actor types ("inter" codes) and their
interaction, the date and how far to trust it, fatalities, and a note in ACLED's style.

Every value is one of the codebook's (ACLED codebook, 2023 column set with the text inter codes of 2024);
the vocabularies live in data/acled.toml.
"""
from __future__ import annotations

import re
from datetime import date as Date

from .. import actors
from ..vocabulary import acled as act_acled
from .places import vocabulary

EXPLOSIONS, VAC, STRATEGIC = "Explosions/Remote violence", "Violence against civilians", "Strategic developments"
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
        text = " ".join(str(w.get(k) or "") for k in ("name", "category", "kb_id")) if isinstance(w, dict) else str(w)
        words = set(re.findall(r"[a-z]+", text.lower()))
        for word, sub in _EXPLOSIVE_WORDS:
            if word in words or word + "s" in words:
                return sub
    return None


def acled_type(act: str, weapons: list) -> tuple[str, str]:
    """(event_type, sub_event_type) for one of our acts."""
    event_type, sub = act_acled(act)
    explosive = explosive_subtype(weapons)
    if act in ("attack_on_civilians", "killing", "use_of_prohibited_weapon") and explosive:
        return EXPLOSIONS, explosive
    if sub == "Shelling/artillery/missile attack" and explosive == "Chemical weapon":
        return EXPLOSIONS, explosive
    return event_type, sub


DISORDER = {EXPLOSIONS: "Political violence", VAC: "Political violence", "Battles": "Political violence",
            STRATEGIC: "Strategic developments"}
STATE, EXTERNAL, CIVILIANS, MILITIA = "State forces", "External/Other forces", "Civilians", "Political militia"
STATE_WORDS = {"soldier", "soldiers", "police", "policemen", "gendarmes", "regime", "junta"}


def inter_code(name: str | None, event_country: str = "") -> str:
    """ACLED's actor type for a perpetrator's name, in the country of the event.

    >>> inter_code("Russian forces", "Ukraine"), inter_code("Ukrainian army", "Ukraine")
    ('External/Other forces', 'State forces')
    >>> inter_code("separatist rebels", "Ukraine"), inter_code(None, "Ukraine")
    ('Rebel group', 'Political militia')
    """
    if not name:
        return MILITIA  # ACLED codes an unidentified armed group as a political militia
    voc = vocabulary()["inter"]
    registered = actors.lookup(name)
    kind = registered.type if registered else actors.actor_type(name)
    words = set(re.findall(r"[a-z]+", name.lower()))
    if kind == "armed_group" or words & actors.ARMED_GROUP_WORDS:
        if words & set(voc["identity_words"]):
            return "Identity militia"
        return "Rebel group" if words & set(voc["rebel_words"]) else MILITIA
    country = actors.country_in(name)
    if kind == "government" or words & STATE_WORDS or (country and country.lower() == name.strip().lower()):
        return EXTERNAL if country and event_country and country != event_country else STATE
    if registered and registered.kind in ("independent_verifier", "third_party"):
        return EXTERNAL
    return MILITIA


def interaction(inter1: str, inter2: str = "") -> str:
    """The two actor types in ACLED's order, "State forces-Civilians", or "Rebel group only"."""
    if not inter2:
        return f"{inter1} only" if inter1 else ""
    order = vocabulary()["inter"]["order"]
    first, second = sorted((inter1, inter2), key=lambda t: order.index(t) if t in order else len(order))
    return f"{first}-{second}"


def unidentified(country: str) -> str:
    """ACLED's name for an armed group no source names."""
    return f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group"


def event_date(date_str: str | None, precision: str | None = None,
               fallback: str | None = None) -> tuple[str, int | str, str]:
    """(event_date, time_precision, basis). time_precision is ACLED's 1 (the day), 2 (a week or a few days),
    3 (a month or coarser). A month or year is written as its middle day; an undated event takes `fallback`
    (the earliest publication or statement date of its documents: it happened on or before it) at 3.

    >>> event_date("2024-03-05"), event_date("2024-02"), event_date(None, None, "2024-03-06")
    (('2024-03-05', 1, 'event'), ('2024-02-15', 3, 'event (month)'), ('2024-03-06', 3, 'publication (undated)'))
    """
    parts = (date_str or "").split("-")
    if len(parts) == 3:
        return date_str, 2 if precision == "week" else 1, "event"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15", 3, "event (month)"
    if len(parts) == 1 and parts[0].isdigit():
        return f"{parts[0]}-07-01", 3, "event (year)"
    if fallback:
        return fallback[:10], 3, "publication (undated)"
    return "", "", ""


def fatalities(allegations: list[dict]) -> tuple[int, bool]:
    """(killed, reported): ACLED records the most conservative figure, and 0 when none was reported."""
    figures = []
    for a in allegations:
        c = a.get("casualties") or {}
        n = c.get("killed_min") if c.get("killed_min") is not None else c.get("killed_max")
        if isinstance(n, int) and not a.get("denial"):
            figures.append(n)
    return (min(figures), True) if figures else (0, False)


# how a verifier's finding reads at the end of a note
FINDING = {"corroborated": "corroborated", "partially_corroborated": "partially corroborated",
           "insufficient_evidence": "could not verify", "disputed": "disputed", "refuted": "refuted",
           "alleged": "reported"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _long_date(iso: str) -> str:
    d = Date.fromisoformat(iso)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _when(written: str, basis: str) -> str:
    if basis == "event":
        return f"On {_long_date(written)}"
    if basis == "event (month)":
        return f"In {_MONTHS[int(written[5:7]) - 1]} {written[:4]}"
    if basis == "event (year)":
        return f"In {written[:4]}"
    if written:
        return f"On an unreported date up to {_long_date(written)}"
    return "On an unreported date"


def _definite(name: str) -> str:
    """ "central market" -> "the central market"; "four men", "Kharkiv", "3 children" unchanged."""
    first = name.split()[0] if name.split() else ""
    if not first or not first[0].islower() or first in vocabulary()["note"]["determiners"]:
        return name
    return "the " + name


def note(act: str, actor: str | None, target: str | None, place: str, area: str, weapons: list[str],
         killed: tuple[int, bool], injured: int | None, when: tuple[str, str], reported_by: str | None,
         findings: list[tuple[str, str]]) -> str:
    """A note in ACLED's style, from the event's fields only.

    >>> note("shelling", "Russian forces", "a market", "Kharkiv", "", [], (3, True), None,
    ...      ("2024-03-05", "event"), None, [("HRW", "corroborated")])
    'On 5 March 2024, Russian forces reportedly shelled a market in Kharkiv, killing 3 people. (HRW corroborated)'
    """
    verbs = vocabulary()["note_verb"]
    whom = _definite(target) if target else (place or "a target")
    text = f"{_when(*when)}, {actor or 'an unidentified armed group'} reportedly " + (
        verbs.get(act) or verbs["other"]).format(target=whom)
    if place and whom != place:
        text += f" in {place}"
    if area:
        text += f" ({area})"
    if weapons and act not in ("missile_strike", "drone_strike"):
        text += " using " + " and ".join(weapons[:2])
    n, reported = killed
    harm = [f"killing {n} {'person' if n == 1 else 'people'}" if reported and n and act != "killing" else "",
            f"injuring {injured} {'person' if injured == 1 else 'people'}" if injured else ""]
    harm = [h for h in harm if h]
    if harm:
        text += ", " + " and ".join(harm)
    text += "."
    tail = [f"reported by {reported_by}"] if reported_by else []
    tail += [f"{who} {FINDING.get(status, status.replace('_', ' '))}" for who, status in findings]
    if tail:
        text += " (" + "; ".join(tail) + ")"
    return text
