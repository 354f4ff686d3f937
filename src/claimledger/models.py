"""Plain records that flow between the pipeline stages.

Every extracted fact carries a `Span`: character offsets into the stored document text, plus the
slice itself, so a reader (and a test) can check `text[start:end] == span.text`.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from .vocabulary import ACT_NAMES as ACTS, STATUSES  # noqa: F401  (re-exported: the records' value sets)

SPEAKER_KINDS = ("party", "independent_verifier", "independent", "third_party", "unknown")
PRECISIONS = ("facility", "town", "district", "region", "country")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start, end, text[start:end])


@dataclass
class Document:
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: date | None = None
    published_source: str | None = None  # input | html | feed | htmldate | option | text
    language: str | None = None
    external_id: str | None = None
    source: str | None = None  # path, URL or "stdin:N" the document came from
    source_kind: str | None = None  # text | html | rss | jsonl | url
    raw: bytes | None = None
    id: int | None = None


@dataclass(frozen=True)
class Actor:
    """A canonical actor: "Armenia" for "Armenian forces", "the Armenian army" and "Armenian"."""
    name: str
    type: str = "organisation"  # person | organisation | government | armed_group | group | unknown
    kind: str = "unknown"  # one of SPEAKER_KINDS
    aliases: tuple[str, ...] = ()  # other names for it: in-text acronyms, demonyms, the words as written
    side: str | None = None


@dataclass
class Speaker:
    name: str
    mention: Span | None = None  # the words naming the speaker at this statement (may be a pronoun)
    role: str | None = None
    kind: str = "unknown"  # one of SPEAKER_KINDS
    type: str = "unknown"  # person | organisation | government | armed_group | group | unknown
    side: str | None = None
    actor: str | None = None  # canonical actor name in the registry
    aliases: list[str] = field(default_factory=list)  # the actor's other names (acronyms, demonyms)


@dataclass
class Statement:
    speaker: Speaker
    cue: str
    content: Span
    quote: str = "indirect"  # direct | indirect
    cue_span: Span | None = None
    date: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    date_span: Span | None = None
    channel: str | None = None
    reported_by: str | None = None
    parent: str | None = None  # id of the statement that relays this one (nested attribution)
    id: str | None = None
    document_id: int | None = None
    mode: str = "speech"  # speech | belief (an attributed belief, knowledge, intention or perception)


@dataclass
class Place:
    name: str
    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None  # one of PRECISIONS
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    geonameid: int | None = None
    resolved_by: str | None = None  # why these coordinates were chosen, or why none
    document_id: int | None = None


@dataclass
class Weapon:
    name: str  # as written
    span: Span | None = None
    kb_id: str | None = None  # munitions knowledge base entry
    category: str | None = None
    cluster: bool | None = None


@dataclass
class Target:
    name: str
    span: Span | None = None
    kind: str | None = None  # civilians | settlement | facility | infrastructure | military | other


@dataclass
class Casualties:
    killed_min: int | None = None
    killed_max: int | None = None
    injured_min: int | None = None
    injured_max: int | None = None
    civilian: bool | None = None
    spans: list[Span] = field(default_factory=list)


@dataclass
class Allegation:
    statement_ids: list[str]
    act: str = "other"
    perpetrator: str | None = None
    perpetrator_span: Span | None = None
    perpetrator_reason: str | None = None  # why it is None, or how it was inferred
    perpetrator_actor: Actor | None = None  # the canonical actor `perpetrator` names, with its aliases
    act_span: Span | None = None
    targets: list[Target] = field(default_factory=list)
    weapons: list[Weapon] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    date: str | None = None
    date_precision: str | None = None  # day | week | month | year
    date_span: Span | None = None
    casualties: Casualties | None = None
    denial: bool = False  # the statement denies this act rather than alleging it
    confidence: float = 0.5
    id: str | None = None
    document_id: int | None = None
    # told by the outlet in its own voice (no statement): who reports it and the words that tell it
    narrated: bool = False
    reported_by: str | None = None
    span: Span | None = None


@dataclass
class Assessment:
    allegation_id: str
    verifier: str
    status: str  # one of STATUSES
    statement_ids: list[str] = field(default_factory=list)
    basis: Span | None = None
    weapon_identified: str | None = None
    weapon: Weapon | None = None  # the identified weapon as mentioned, linked to the munitions KB
    # a finding about an event its own document reports no claim of: {act, weapons, places}; the incident
    # stage matches it across documents and sets allegation_id ("" until then)
    finding: dict[str, Any] | None = None
    id: str | None = None
    document_id: int | None = None


@dataclass
class Incident:
    id: str
    allegation_ids: list[str]
    place: dict[str, Any] | None = None  # {name, lat, lon, precision}
    date: str | None = None
    status: str = "alleged"
    reasoning: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # independent source keys
    attached: list[dict[str, Any]] = field(default_factory=list)  # findings matched here: {assessment_id, allegation_id}
    status_source: str = "derived"  # derived | analyst
    rationale: str | None = None  # the analyst's reason for the status in force
    decisions: list[dict[str, Any]] = field(default_factory=list)  # analyst decisions applied here, each with its rationale
    needs_review: list[str] = field(default_factory=list)  # why a decision here needs re-review (the machine's view changed)

    # members that answer the accusation (the accused party's own account, a denial): shown apart, and their
    # assessments do not set the status
    counter_claims: list[str] = field(default_factory=list)


DECISION_KINDS = ("status", "merge", "split", "evidence", "keep")


@dataclass
class Decision:
    """What an analyst asserted about which allegations, with the incident(s) as they saw them.

    "The incident holding D1.A1 and D2.A4 is refuted", "D3.A1 is another event than D3.A2": decisions are
    replayed onto every new clustering, so re-analysis never loses them."""
    kind: str  # one of DECISION_KINDS ("keep": an incident edited before decisions were recorded)
    seen: list[list[str]]  # members of each incident involved as the analyst saw them (merge: the target first)
    rationale: str
    actor: str
    status: str | None = None  # status: the analyst's status ...
    derived: str | None = None  # ... and the machine's status they overrode
    moved: list[str] = field(default_factory=list)  # split: the allegations moved out
    sha256: str | None = None  # evidence: the file
    record_type: str | None = None  # evidence: the record it is linked to ("incident" or another record type)
    record_id: str | None = None
    incident_id: str | None = None  # the incident's id when decided
    at: str | None = None
    id: int | None = None
    # set by each replay
    applied_to: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # how the machine's view differs from what the analyst saw
    settled_by: int | None = None  # a later decision on the same incident that found it as its analyst saw it

    @property
    def needs_review(self) -> bool:
        return bool(self.changes) and self.settled_by is None


def natural_key(record_id: str | None) -> list:
    """Sort record ids as people read them: "D2.S10" after "D2.S9"."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", record_id or "")]


def as_dict(obj: Any) -> Any:
    """Dataclasses to JSON-ready dicts (dates as ISO strings, bytes dropped)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: as_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if not isinstance(getattr(obj, f.name), bytes)}
    if isinstance(obj, (list, tuple)):
        return [as_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: as_dict(v) for k, v in obj.items()}
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    return obj


def from_dict(cls: type, data: Any) -> Any:
    """Rebuild a dataclass (nested ones too) from what `as_dict` produced."""
    if data is None or not (dataclasses.is_dataclass(cls)):
        return data
    kwargs = {}
    for name, hint in _fields(cls):
        if name in data:
            kwargs[name] = _coerce(hint, data[name])
    return cls(**kwargs)


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields with their resolved types, worked out once per class (not once per record)."""
    import typing

    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _coerce(hint: Any, value: Any) -> Any:
    import types
    import typing

    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            if arg is not type(None):
                return _coerce(arg, value)
    if origin is list:
        (arg,) = typing.get_args(hint)
        return [_coerce(arg, v) for v in value]
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value)
    if hint is date and isinstance(value, str):
        return date.fromisoformat(value)
    return value
