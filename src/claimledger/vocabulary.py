"""The one vocabulary: act types with their family, priority, ACLED type and incident eligibility; statuses;
and the word lists several stages read. The data lives in data/vocabulary.toml; this module only shapes it.

    >>> ACTS["airstrike"].acled
    ('Explosions/Remote violence', 'Air/drone strike')
    >>> family("drone_strike"), family("detention")
    ('attack', 'detention')
    >>> "threat" in NO_INCIDENT_ACTS
    True
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

_DATA = tomllib.loads(resources.files("claimledger").joinpath("data/vocabulary.toml").read_text("utf-8"))


@dataclass(frozen=True)
class Act:
    """One act type. `priority` 0 is the most specific (an incident is typed by its most specific act)."""
    name: str
    family: str  # "attack" acts are compatible with one another; the rest only with their own kind
    priority: int
    incident: bool  # can be an event on the map (threats, plans and intent cannot)
    violent: bool
    acled: tuple[str, str]  # ACLED (event_type, sub_event_type)
    merge_rank: int  # which act wins when one event is told several ways


ACTS: dict[str, Act] = {
    name: Act(name=name, family=e["family"], priority=i, incident=e["incident"], violent=e["violent"],
              acled=tuple(e["acled"]), merge_rank=e["merge_rank"])
    for i, (name, e) in enumerate(_DATA["acts"].items())}
ACT_NAMES = tuple(ACTS)  # most specific first
ACT_PRIORITY = ACT_NAMES
NO_INCIDENT_ACTS = frozenset(a.name for a in ACTS.values() if not a.incident)
ATTACK_ACTS = frozenset(a.name for a in ACTS.values() if a.family == "attack")
VIOLENT_ACTS = frozenset(a.name for a in ACTS.values() if a.violent)


def family(act: str) -> str:
    """"shelling" and "airstrike" are both attacks; an unknown act is its own family."""
    return ACTS[act].family if act in ACTS else act


def priority(act: str) -> int:
    """Specificity rank of an act, 0 the most specific; unknown acts last."""
    return ACTS[act].priority if act in ACTS else len(ACTS)


def acled(act: str) -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) of an act; unknown acts as "other"."""
    return (ACTS.get(act) or ACTS["other"]).acled


# ---------------------------------------------------------------- statuses

STATUSES = tuple(_DATA["statuses"]["all"])
STATUS_DISPLAY = tuple(_DATA["statuses"]["display"])  # strongest evidence first, as readers see them
STATUS_RANK = {s: i + 1 for i, s in enumerate(_DATA["statuses"]["rank"])}  # corroborating statuses, weakest first

# ---------------------------------------------------------------- word lists

_WORDS = _DATA["words"]
ACCUSE = frozenset(_WORDS["accuse"])  # "accused X of shelling"
CRITICISE = frozenset(_WORDS["criticise"])  # accusation grammar, no act named
ANAPHORS = frozenset(_WORDS["anaphors"])  # words that point back at a named actor
PRONOUN_TYPES = {w: kind for kind, words in _WORDS["pronouns"].items() for w in words}  # "he" -> person
ATTACK_VERBS = frozenset(_WORDS["attack_verbs"])
PLACE_OBJECT_VERBS = frozenset(_WORDS["place_object_verbs"])
WEEKDAYS = tuple(_WORDS["weekdays"])  # Monday first, as date.weekday() counts
AGENT_NOUNS = frozenset(_WORDS["agent_nouns"])  # "forces", "gunmen": a phrase that can be a doer
PERSON_NOUNS = frozenset(_WORDS["person_nouns"])
EVENT_HEADS = frozenset(_WORDS["event_heads"])  # "the ... bombings": an event's name, no doer
