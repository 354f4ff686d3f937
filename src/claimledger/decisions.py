"""Analyst decisions replayed onto the machine's incidents (pure: no database).

An analyst's review is kept as what they asserted about which allegations, with the incidents as they saw
them: "the incident holding D1.A1 and D2.A4 is refuted", "D3.A1 is another strike than D3.A2", "the
incidents holding D1.A1 and D5.A2 are one", "this photo shows the incident holding D4.A1". Every
re-clustering starts from the machine's incidents and applies each decision in turn, so re-analysis never
drops one. Where the machine's view changed since (an allegation no longer found, one that joined, members
now clustered apart, another derived status), the decision is applied as far as it can be and flagged as
needing re-review with the reasons; a later judgement on that incident which finds it as its analyst saw
it settles the flag.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .models import Decision, Incident, natural_key

Derive = Callable[[list[str]], tuple[str, list[str]]]  # members -> (derived status, reasoning)


@dataclass
class State:
    """Incidents being built: the machine's, then each decision applied in turn.

    `exists` holds the allegation ids the ledger has; `records` the (type, id) of other records, for
    evidence on them (None: not checked); `taken` incident ids in use outside `incidents`."""
    incidents: dict[str, Incident]
    exists: set[str]
    derive: Derive
    records: set[tuple[str, str]] | None = None
    taken: set[str] = field(default_factory=set)
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)  # incident id -> {sha256: who attached it}
    applied: dict[str, list[Decision]] = field(default_factory=dict)  # incident id -> decisions applied to it
    where: dict[str, str] = field(default_factory=dict)  # allegation id -> incident id
    gone: set[str] = field(default_factory=set)  # incident ids dropped or renamed here

    def __post_init__(self):
        self.where = {a: i.id for i in self.incidents.values() for a in i.allegation_ids}
        self.exists = set(self.exists) | set(self.where)

    def homes(self, allegation_ids) -> list[str]:
        """The incidents now holding any of these allegations, in the allegations' order."""
        return list(dict.fromkeys(self.where[a] for a in allegation_ids if a in self.where))

    def put(self, inc: Incident) -> None:
        self.incidents[inc.id] = inc
        for a in inc.allegation_ids:
            self.where[a] = inc.id

    def drop(self, incident_id: str) -> None:
        inc = self.incidents.pop(incident_id)
        self.gone.add(incident_id)
        for a in inc.allegation_ids:
            if self.where.get(a) == incident_id:
                del self.where[a]

    def rename(self, old: str, new: str) -> None:
        inc = self.incidents.pop(old)
        self.gone.add(old)
        inc.id = new
        self.put(inc)
        for table in (self.evidence, self.applied):
            if old in table:
                table[new] = table.pop(old)

    def free_id(self, want: str) -> str:
        out, n = want, 2
        while out in self.incidents or out in self.taken:
            out, n = f"{want}.{n}", n + 1
        return out

    def rederive(self, inc: Incident, note: str) -> None:
        """New members: a derived status is derived again; an analyst's status stays."""
        status, reasoning = self.derive(inc.allegation_ids)
        if inc.status_source != "analyst":
            inc.status = status
            inc.reasoning = reasoning + [note]
        else:
            inc.reasoning = list(inc.reasoning) + [note]


def _ids(ids) -> str:
    return ", ".join(sorted(ids, key=natural_key))


def changes(st: State, d: Decision) -> list[str]:
    """How the incidents a decision names differ now from what its analyst saw ([] when they do not)."""
    seen = [a for g in d.seen for a in g]
    why = []
    gone = [a for a in seen if a not in st.exists]
    if gone:
        why.append(f"{_ids(gone)} no longer found by the analysis")
    loose = [a for a in seen if a in st.exists and a not in st.where]
    if loose:
        why.append(f"{_ids(loose)} now in no incident")
    if d.kind == "keep":  # its members are taken out of whatever holds them: only a loss matters
        return why
    joined = {a for h in st.homes(seen) for a in st.incidents[h].allegation_ids} - set(seen)
    if joined:
        why.append(f"{_ids(joined)} joined since the decision")
    if d.kind in ("status", "evidence") and d.seen and len(st.homes(d.seen[0])) > 1:
        parts = [_ids(a for a in d.seen[0] if st.where.get(a) == h) for h in st.homes(d.seen[0])]
        why.append(f"the machine now clusters {' | '.join(parts)} apart")
    return why


def _status(st: State, d: Decision) -> None:
    d.applied_to = st.homes(d.seen[0])
    for h in d.applied_to:
        inc = st.incidents[h]
        derived = st.derive(inc.allegation_ids)[0]
        if d.derived and derived != d.derived:
            d.changes.append(f"the machine now derives {derived} for {h} (it derived {d.derived})")
        inc.status, inc.status_source, inc.rationale = d.status, "analyst", d.rationale


def _merge(st: State, d: Decision) -> None:
    homes = st.homes(a for g in d.seen for a in g)  # the target's first, as it was named first
    if not homes:
        return
    target = homes[0]
    d.applied_to = [target]
    if len(homes) == 1:  # the machine now puts them in one incident itself
        return
    inc = st.incidents[target]
    members = set(inc.allegation_ids)
    for h in homes[1:]:
        other = st.incidents[h]
        members |= set(other.allegation_ids)
        inc.sources = sorted(set(inc.sources) | set(other.sources))
        st.evidence.setdefault(target, {}).update(st.evidence.pop(h, {}))
        st.applied.setdefault(target, []).extend(st.applied.pop(h, []))
        st.drop(h)
    inc.allegation_ids = sorted(members, key=natural_key)
    st.put(inc)
    st.rederive(inc, f"merged {', '.join(homes[1:])} into {target} ({d.actor}): {d.rationale}")


def _split(st: State, d: Decision) -> None:
    """Split (or, for "keep", hold together under the id the analyst knew) the moved allegations."""
    named = d.seen[0] if d.kind == "keep" else d.moved
    moved = [a for a in dict.fromkeys(named) if a in st.where]
    if not moved:
        return
    homes = st.homes(moved)
    want = d.incident_id if d.kind == "keep" else f"R.{sorted(named, key=natural_key)[0]}"
    if len(homes) == 1 and set(st.incidents[homes[0]].allegation_ids) == set(moved):
        if d.kind == "keep" and homes[0] != want:  # already an incident of their own: give it its name back
            st.rename(homes[0], st.free_id(want))
        d.applied_to = st.homes(moved)
        return
    first, rest, emptied = st.incidents[homes[0]], [], []
    for h in homes:
        inc = st.incidents[h]
        inc.allegation_ids = [a for a in inc.allegation_ids if a not in moved]
        st.drop(h)
        if not inc.allegation_ids:
            emptied.append(inc)
        else:
            st.put(inc)
            rest.append(inc)
            if h == want:  # the kept id goes with the kept allegations; the rest is named as the machine names
                st.rename(h, st.free_id("I." + inc.allegation_ids[0]))
    new_id = st.free_id(want)
    for inc in rest:
        st.rederive(inc, f"{_ids(moved)} split out into {new_id} ({d.actor}): {d.rationale}")
    new = Incident(new_id, sorted(moved, key=natural_key), place=first.place, date=first.date,
                   sources=list(first.sources))
    st.put(new)
    for old in emptied:  # an incident all of whose allegations moved: its decisions go with them
        st.applied.setdefault(new_id, []).extend(st.applied.pop(old.id, []))
        st.evidence.setdefault(new_id, {}).update(st.evidence.pop(old.id, {}))
        if old.status_source == "analyst" and new.status_source != "analyst":
            new.status, new.status_source, new.rationale = old.status, old.status_source, old.rationale
    st.rederive(new, f"split from {', '.join(homes)} ({d.actor}): {d.rationale}")
    d.applied_to = [new_id] + [inc.id for inc in rest]


def _evidence(st: State, d: Decision) -> None:
    if d.record_type not in (None, "incident"):
        if st.records is not None and (d.record_type, d.record_id) not in st.records:
            d.changes.append(f"{d.record_type} {d.record_id} no longer found by the analysis")
        return
    d.applied_to = st.homes(d.seen[0])
    for h in d.applied_to:
        st.evidence.setdefault(h, {}).setdefault(d.sha256, d.actor)


APPLY = {"status": _status, "merge": _merge, "split": _split, "keep": _split, "evidence": _evidence}


def apply(st: State, d: Decision) -> None:
    """Apply one decision to `st`; sets where it applied and how the machine's view changed."""
    d.changes, d.applied_to, d.settled_by = changes(st, d), [], None
    APPLY[d.kind](st, d)
    if not d.applied_to and d.record_type in (None, "incident") and not d.changes:
        d.changes.append("nothing left to apply it to")
    for h in d.applied_to:
        earlier = st.applied.setdefault(h, [])
        if d.kind != "evidence" and not d.changes:  # a judgement on the incident as it is now
            for e in earlier:
                if e.changes and e.settled_by is None:
                    e.settled_by = d.id
        if d not in earlier:
            earlier.append(d)


def render(st: State) -> list[Incident]:
    """The incidents with their decisions (each with its own rationale) and what needs re-review."""
    out, where = [], {}
    for iid in st.incidents:  # where each decision is now, after any later merge, split or rename
        for x in st.applied.get(iid, []):
            where.setdefault(id(x), (x, []))[1].append(iid)
    known = set(st.incidents) | st.gone
    for x, ids in where.values():  # incidents not in `st` (a review touches only its own) are left as they were
        x.applied_to = sorted((set(x.applied_to) - known) | set(ids), key=natural_key)
    for inc in st.incidents.values():
        ds = sorted(st.applied.get(inc.id, []), key=lambda x: x.id or 0)
        inc.decisions = [{"id": x.id, "kind": x.kind, "actor": x.actor, "at": x.at, "rationale": x.rationale,
                          **({"status": x.status} if x.kind == "status" else {}),
                          **({"needs_review": x.changes} if x.needs_review else {}),
                          **({"settled_by": x.settled_by} if x.settled_by else {})} for x in ds]
        inc.needs_review = [f"decision {x.id} ({x.kind} by {x.actor}): {c}" for x in ds if x.needs_review
                            for c in x.changes]
        out.append(inc)
    return sorted(out, key=lambda i: natural_key(i.id))


def replay(machine: list[Incident], decisions: list[Decision], exists: set[str], derive: Derive,
           records: set[tuple[str, str]] | None = None) -> State:
    """Every decision, oldest first, applied to the machine's incidents."""
    st = State({i.id: i for i in machine}, exists, derive, records)
    for d in sorted(decisions, key=lambda x: x.id or 0):
        apply(st, d)
    for d in decisions:
        if d.record_type in (None, "incident"):
            d.applied_to = [i for i in d.applied_to if i in st.incidents]
    return st
