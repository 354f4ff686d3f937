"""Incidents: allegations about one event clustered across documents, with a derived status.

An allegation joins an incident when it is at the same place (distance allowed by the places'
precision), in an overlapping time window, with a compatible act and perpetrator. Candidates come from
a spatial grid and weekly time buckets, so cost grows with n log n rather than n^2. Region-wide
allegations, threats, plans and conduct allegations form no incident. Incident ids come from the
smallest member allegation id, so re-runs are stable. A verifier finding whose own document reports no
claim of the event is matched to the incident at its place and date (compatible act), and counts in
that incident's status.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .actors import classify, parties_in
from .allegations import SELF_CLAIM
from .geo import distance_km
from .models import Allegation, Assessment, Incident, Speaker, Statement, as_dict, natural_key
from .narration import reporter
from .vocabulary import ATTACK_ACTS as ATTACKS, NO_INCIDENT_ACTS, STATUS_RANK as RANK

RADIUS_KM = {"facility": 2.0, "town": 6.0, "district": 20.0}  # how far apart two mentions of one place may be
CELL_DEG = 0.25  # grid cell (~25 km): larger than any radius above
BUCKET_DAYS = 7
SLACK_DAYS = 1  # "overnight" and time zones: reports of one strike may differ by a day
UNDATED_DAYS = 14  # an undated allegation is taken to be about the fortnight before publication


def date_window(value: str | None, published: date | None) -> tuple[date, date] | None:
    """The days an allegation's date may cover: a day, a month, a year, a "start/end" range; undated
    ones the fortnight before publication; None when nothing is known."""
    if value:
        parts = [p.strip() for p in str(value).split("/")]
        try:
            lo, hi = _bounds(parts[0]), _bounds(parts[-1])
            return lo[0], hi[1]
        except ValueError:
            pass
    if published:
        return published - timedelta(days=UNDATED_DAYS), published
    return None


def _bounds(v: str) -> tuple[date, date]:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        d = date.fromisoformat(v)
        return d, d
    if re.fullmatch(r"\d{4}-\d{2}", v):
        y, m = map(int, v.split("-"))
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return date(y, m, 1), nxt - timedelta(days=1)
    if re.fullmatch(r"\d{4}", v):
        return date(int(v), 1, 1), date(int(v), 12, 31)
    raise ValueError(v)


def _words(name: str | None) -> set[str]:
    stop = {"the", "of", "and", "or", "forces", "force", "army", "armed", "government", "military", "troops",
            "units", "side", "regime", "ministry", "aircraft", "de", "facto", "authorities", "led"}
    return {t[:5] for t in re.findall(r"[a-z]+", (name or "").lower()) if t not in stop and len(t) >= 3}


def same_perpetrator(a: str | None, b: str | None) -> bool:
    """Unknown perpetrators agree with anyone; known ones must share a word stem."""
    if not a or not b:
        return True
    return bool(_words(a) & _words(b))


def incident_place(alg: Allegation):
    """The places of an allegation that can anchor an incident: resolved, and no wider than a district."""
    return [p for p in alg.places if p.lat is not None and p.lon is not None and p.precision not in ("region", "country")]


def eligible(alg: Allegation) -> bool:
    """Whether an allegation can be part of an incident (conventions: no threats, plans, conduct claims,
    region-wide claims or denials)."""
    if alg.denial or alg.act in NO_INCIDENT_ACTS:
        return False
    if alg.act == "other" and not alg.casualties:
        return False  # conduct ("human shields", military use of a site) rather than an event with victims
    return bool(incident_place(alg))


@dataclass
class _Anchor:
    alg: Allegation
    lat: float
    lon: float
    radius: float
    window: tuple[date, date] | None
    place: dict


@dataclass
class _Cluster:
    members: list[_Anchor] = field(default_factory=list)
    perpetrators: set[str] = field(default_factory=set)

    def fits(self, a: _Anchor) -> float | None:
        """Distance to the cluster's first member when `a` is compatible with every member, else None."""
        for m in self.members:
            if distance_km(a.lat, a.lon, m.lat, m.lon) > max(a.radius, m.radius):
                return None
            if a.window and m.window and (a.window[0] - m.window[1]).days > SLACK_DAYS \
                    or a.window and m.window and (m.window[0] - a.window[1]).days > SLACK_DAYS:
                return None
            if not _same_kind(a.alg.act, m.alg.act):
                return None
        if not all(same_perpetrator(a.alg.perpetrator, p) for p in self.perpetrators):
            return None
        first = self.members[0]
        return distance_km(a.lat, a.lon, first.lat, first.lon)


def _same_kind(a: str, b: str) -> bool:
    return a == b or (a in ATTACKS and b in ATTACKS)


_REFERENCE = re.compile(r"\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of|near|outside|close\s+to|"
                        r"from|km\s+(?:from|of)|kilometres\s+(?:from|of)|miles\s+(?:from|of))\s+(?:the\s+)?"
                        r"(?:[\w\-]+\s+){0,4}$", re.I)


def _reference_only(p, text: str | None) -> bool:
    """A place named only to locate another ("a town south of the port of X")."""
    if not text or not (0 <= p.start < p.end <= len(text)):
        return False
    return bool(_REFERENCE.search(text[max(0, p.start - 60):p.start]))


def _anchors(alg: Allegation, published: date | None, text: str | None = None) -> list[_Anchor]:
    """One anchor per distinct place of the allegation ("shelling in X and the town of Y" is two events);
    places named only to locate another are left out."""
    out: list[_Anchor] = []
    window = date_window(alg.date, published)
    places = incident_place(alg)
    kept = [p for p in places if not _reference_only(p, text)]
    for p in kept or places:
        radius = RADIUS_KM.get(p.precision or "town", RADIUS_KM["town"])
        if any(distance_km(p.lat, p.lon, o.lat, o.lon) <= max(radius, o.radius) for o in out):
            continue
        out.append(_Anchor(alg, p.lat, p.lon, radius, window,
                           {"name": p.name, "lat": p.lat, "lon": p.lon, "precision": p.precision}))
    return out


def _buckets(window: tuple[date, date] | None) -> list[int]:
    if window is None:
        return [-1]
    lo, hi = window[0].toordinal() - SLACK_DAYS, window[1].toordinal() + SLACK_DAYS
    first, last = lo // BUCKET_DAYS, hi // BUCKET_DAYS
    if last - first > 8:  # a year-wide date: too vague to cluster on time; keep it in one bucket
        return [-1]
    return list(range(first, last + 1))


def group(allegations: list[Allegation], published: dict[int | None, date | None] | None = None,
          texts: dict[int | None, str] | None = None) -> list[list[_Anchor]]:
    """Greedy, order-stable clustering of eligible allegations into groups of anchors."""
    published, texts = published or {}, texts or {}
    anchors = [a for alg in sorted((x for x in allegations if x.id and eligible(x)), key=lambda x: natural_key(x.id))
               for a in _anchors(alg, published.get(alg.document_id), texts.get(alg.document_id))]
    clusters: list[_Cluster] = []
    index: dict[tuple[int, int, int], list[int]] = {}
    for a in anchors:
        cx, cy = int(math.floor(a.lat / CELL_DEG)), int(math.floor(a.lon / CELL_DEG))
        buckets = _buckets(a.window)
        seen: set[int] = set()
        best, best_d = None, None
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for b in set(buckets) | {-1}:
                    for ci in index.get((cx + dx, cy + dy, b), ()):
                        if ci in seen:
                            continue
                        seen.add(ci)
                        c = clusters[ci]
                        if any(m.alg is a.alg for m in c.members):
                            continue
                        d = c.fits(a)
                        if d is not None and (best_d is None or d < best_d):
                            best, best_d = ci, d
        if best is None:
            clusters.append(_Cluster())
            best = len(clusters) - 1
        c = clusters[best]
        c.members.append(a)
        if a.alg.perpetrator:
            c.perpetrators.add(a.alg.perpetrator)
        for b in buckets:
            key = (cx, cy, b)
            if best not in index.setdefault(key, []):
                index[key].append(best)
    return [c.members for c in clusters]


# --- status and independence ------------------------------------------------------------------------

def is_counter_claim(alg: Allegation) -> bool:
    """A party's own account of its act ("our jets hit a command post") or a denial: it answers an accusation."""
    return alg.denial or alg.perpetrator_reason == SELF_CLAIM


def derive_status(assessments: list[Assessment]) -> tuple[str, list[str]]:
    """An incident's status from its verifiers' assessments, with the reasoning.

    Each verifier counts once (its strongest finding, refuted over everything); two verifiers whose
    findings are incompatible (one corroborates, another refutes) make it disputed."""
    if not assessments:
        return "alleged", ["no independent verifier has assessed these allegations"]
    per_verifier: dict[str, list[Assessment]] = {}
    for a in assessments:
        per_verifier.setdefault(a.verifier, []).append(a)
    verdicts: dict[str, str] = {}
    reasoning = []
    for name, items in sorted(per_verifier.items()):
        statuses = {a.status for a in items}
        if "disputed" in statuses or ("refuted" in statuses and statuses & {"corroborated", "partially_corroborated"}):
            v = "disputed"
        elif "refuted" in statuses:
            v = "refuted"
        else:
            v = max(statuses, key=lambda s: RANK.get(s, 0))
        verdicts[name] = v
        reasoning.append(f"{name}: {v} (assessments {', '.join(sorted({a.id or '?' for a in items}, key=natural_key))} "
                         f"of {', '.join(sorted({a.allegation_id for a in items}, key=natural_key))})")
    vs = set(verdicts.values())
    if "disputed" in vs or ("refuted" in vs and vs & {"corroborated", "partially_corroborated"}):
        status = "disputed"
        reasoning.append("verifiers' findings are incompatible: disputed")
    elif "refuted" in vs:
        status = "refuted"
    else:
        status = max(vs, key=lambda s: RANK.get(s, 0))
        if len(verdicts) > 1:
            reasoning.append(f"strongest finding among {len(verdicts)} verifiers: {status}")
    return status, reasoning


def member_status(member_ids: list[str], by_alg: dict[str, list[Assessment]],
                  counters: set[str]) -> tuple[str, list[str]]:
    """The derived status of an incident holding these allegations. A counter-claim (the accused party's own
    account, "we hit a command post", or a denial) answers the accusation: while an accusation is there, its
    assessments do not set the status."""
    core = [a for a in member_ids if a not in counters] or member_ids
    status, reasoning = derive_status([x for a in core for x in by_alg.get(a, [])])
    kept_apart = [a for a in member_ids if a not in core]
    if kept_apart:
        reasoning.append(f"counter-claim(s) {', '.join(kept_apart)}: the accused party's own account, kept apart; "
                         "their assessments do not set the status")
    return status, reasoning


def _speaker_key(stmt: Statement) -> str:
    """One key per independent origin: officials of one belligerent echo one another, so a party's
    speakers count as their side; anyone else counts as themselves."""
    if stmt.speaker.kind == "party" and stmt.speaker.side:
        return f"{stmt.speaker.side.lower()} (party)"
    name = stmt.speaker.actor or stmt.speaker.name or "?"
    name = re.sub(r"['\u2019]s\b", "", name.lower())
    return re.sub(r"^(the|a|an)\s+", "", re.sub(r"\s+", " ", name)).strip()


def _shingles(text: str, k: int = 5) -> set[int]:
    words = re.findall(r"\w+", (text or "").lower())[:3000]
    return {hash(tuple(words[i:i + k])) for i in range(max(0, len(words) - k + 1))}


def near_duplicates(documents: list[dict], threshold: float = 0.6) -> dict[int, int]:
    """Document id -> the id of the first document it is a near-copy of (wire copy), by word 5-gram
    Jaccard similarity."""
    out: dict[int, int] = {}
    sh = [(d["id"], _shingles(d.get("text") or "")) for d in sorted(documents, key=lambda d: d["id"])]
    for i, (di, si) in enumerate(sh):
        if not si:
            continue
        for dj, sj in sh[:i]:
            if dj in out or not sj:
                continue
            if len(si & sj) / len(si | sj) >= threshold:
                out[di] = dj
                break
    return out


def _narrator_key(reported_by: str | None, text: str = "") -> str:
    """One key per outlet telling an event itself; an outlet that is a party to the conflict its text tells
    of (a ministry's own release) counts as its side, with that side's spokespeople."""
    sp = classify(Speaker(name=reported_by or "?"), parties_in(text))
    if sp.kind == "party" and sp.side:
        return f"{sp.side.lower()} (party)"
    name = re.sub(r"^(the|a|an)\s+", "", re.sub(r"\s+", " ", (reported_by or "?").lower())).strip()
    return f"{name} ({'third party' if sp.kind == 'third_party' else 'outlet'})"


def independent_sources(members: list[Allegation], statements: dict[str, Statement],
                        copies: dict[int, int], reporters: dict[int, tuple[str, str]] | None = None) -> tuple[list[str], list[str]]:
    """The independent original sources behind an incident, and notes on what was counted as one.

    Relays of one original statement (the same speaker, whichever outlet carries it) count once; so do
    a belligerent's several spokespeople and near-duplicate documents (wire copy). An outlet's own account
    (a narrated allegation) is a source of its own, keyed by the outlet of the original of a wire copy, so
    outlets independent of each other count apart and a party's outlet counts with its side."""
    sources: dict[str, set[int | None]] = {}
    notes = []
    for alg in members:
        if alg.narrated:
            origin = copies.get(alg.document_id, alg.document_id)
            key = _narrator_key(*(reporters or {}).get(origin, (alg.reported_by, "")))
            sources.setdefault(key, set()).add(origin)
        for sid in alg.statement_ids:
            s = statements.get(sid)
            if s is None:
                continue
            doc = copies.get(s.document_id, s.document_id)
            sources.setdefault(_speaker_key(s), set()).add(doc)
    for key, docs in sorted(sources.items()):
        if len(docs) > 1:
            notes.append(f"'{key}' is reported in {len(docs)} documents: counted as one source")
    dup = sorted({(d, o) for alg in members for d, o in copies.items() if d == alg.document_id})
    for d, o in dup:
        notes.append(f"document {d} is a near-copy of document {o} (same wire copy): counted once")
    return sorted(sources), notes


# --- verifier findings from other documents --------------------------------------------------------------

def _finding_window(asmt: Assessment, statements: dict[str, Statement], published: date | None):
    """The days a finding is about: a date in the verifier's words ("filmed on Saturday"), else the
    fortnight before its document's publication."""
    from .time import find_dates

    for sid in asmt.statement_ids:
        s = statements.get(sid)
        if s is None:
            continue
        for d in find_dates(s.content.text, published):
            if d.precision == "day":
                return date_window(d.value, published)
    return date_window(None, published)


def _weapon_agrees(finding: dict, alg: Allegation) -> bool:
    return any(_words(w) & _words(x.name) for w in finding.get("weapons") or [] for x in alg.weapons)


def core_allegation(members: list[Allegation]) -> Allegation:
    """The allegation an incident is about: the most-sourced accusation (not a denial), the first on a tie."""
    cands = [a for a in members if not a.denial] or members
    return max(cands, key=lambda a: (len(a.statement_ids), -members.index(a)))


def finding_target(f: Assessment, members: list[Allegation], by_alg: dict[str, list[Assessment]]) -> Allegation:
    """The member a matched finding is recorded against: the claim its own document reports, if any, else
    the incident's core accusation; never a claim the verifier rated otherwise (a counter-claim it could
    not verify is another claim)."""
    fit = [a for a in members if not any(x.verifier == f.verifier and x.status != f.status
                                         for x in by_alg.get(a.id, []) if x is not f)] or members
    own = [a for a in fit if a.document_id == f.document_id]
    return core_allegation(own or fit)


def attach_findings(findings: list[Assessment], groups: list[list[_Anchor]], statements: dict[str, Statement],
                    published: dict) -> dict[str, tuple[int, str]]:
    """Assessment id -> (group index, reason) for verifier findings that match an incident: a place within
    the incident's radius, an overlapping date window and a compatible act; the nearest wins, one whose
    weapon agrees first."""
    out: dict[str, tuple[int, str]] = {}
    # the same grid cells and week buckets as `group`, so a finding is compared with nearby anchors only
    cells: dict[tuple[int, int, int], list[tuple[int, _Anchor]]] = {}
    for gi, g in enumerate(groups):
        for m in g:
            cx, cy = int(math.floor(m.lat / CELL_DEG)), int(math.floor(m.lon / CELL_DEG))
            for bucket in _buckets(m.window):
                cells.setdefault((cx, cy, bucket), []).append((gi, m))
    all_buckets = sorted({k[2] for k in cells})
    for f in findings:
        info = f.finding or {}
        window = _finding_window(f, statements, published.get(f.document_id))
        buckets = set(_buckets(window)) | {-1} if window else all_buckets
        best = None
        for p in info.get("places") or []:
            cx, cy = int(math.floor(p["lat"] / CELL_DEG)), int(math.floor(p["lon"] / CELL_DEG))
            near = {(gi, id(m)): (gi, m) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for bucket in buckets
                    for gi, m in cells.get((cx + dx, cy + dy, bucket), ())}
            for gi, m in near.values():
                if info.get("act") and not _same_kind(info["act"], m.alg.act):
                    continue
                if window and m.window and ((window[0] - m.window[1]).days > SLACK_DAYS
                                            or (m.window[0] - window[1]).days > SLACK_DAYS):
                    continue
                radius = RADIUS_KM.get(p.get("precision") or "town", RADIUS_KM["town"])
                d = distance_km(p["lat"], p["lon"], m.lat, m.lon)
                if d > max(radius, m.radius):
                    continue
                key = (not _weapon_agrees(info, m.alg), d)
                if best is None or key < best[0]:
                    best = (key, gi, f"{p['name']} {d:.1f} km from {m.place.get('name')}"
                                     + (", same weapon" if not key[0] else ""))
        if best:
            out[f.id] = (best[1], best[2])
    return out


def cluster(allegations: list[Allegation], assessments: list[Assessment], statements: list[Statement],
            documents: list[dict]) -> list[Incident]:
    """Incidents over the whole corpus with derived statuses."""
    published = {}
    for d in documents:
        p = d.get("published")
        published[d["id"]] = date.fromisoformat(p) if isinstance(p, str) else p
    stmts = {s.id: s for s in statements if s.id}
    groups = group(allegations, published, {d["id"]: d.get("text") for d in documents})
    findings = [a for a in assessments if a.finding and a.id]
    matched = attach_findings(findings, groups, stmts, published)
    by_group: dict[int, list[Assessment]] = {}
    for f in findings:
        if f.id in matched:
            by_group.setdefault(matched[f.id][0], []).append(f)
    by_alg: dict[str, list[Assessment]] = {}
    for a in assessments:
        if a.finding and a.id:
            a.allegation_id = ""  # re-matched on every run: members may have changed
        elif a.allegation_id:
            by_alg.setdefault(a.allegation_id, []).append(a)
    reporters = {d["id"]: (reporter(d.get("outlet"), d.get("url"), d.get("title"), d["id"]), d.get("text") or "")
                 for d in documents}
    member_docs = {a.document_id for g in groups for m in g for a in [m.alg]}
    copies = near_duplicates([d for d in documents if d["id"] in member_docs]) if len(member_docs) > 1 else {}
    out: list[Incident] = []
    used: set[str] = set()
    for gi, g in enumerate(groups):
        algs = sorted({m.alg.id: m.alg for m in g}.values(), key=lambda a: natural_key(a.id))
        attached, notes_f = [], []
        for f in by_group.get(gi, []):
            target = finding_target(f, algs, by_alg)
            f.allegation_id = target.id
            by_alg.setdefault(target.id, []).append(f)
            attached.append({"assessment_id": f.id, "allegation_id": target.id})
            notes_f.append(f"{f.verifier}'s finding {f.id} (document {f.document_id}) matches this incident by "
                           f"place ({matched[f.id][1]}), date and act: assessed as {f.status}, attached to {target.id}")
        iid = "I." + algs[0].id
        n = 2
        while iid in used:
            iid, n = f"I.{algs[0].id}.{n}", n + 1
        used.add(iid)
        counters = {a.id for a in algs if is_counter_claim(a)}
        status, reasoning = member_status([a.id for a in algs], by_alg, counters)
        counter = [a.id for a in algs if a.id in counters] if len(counters) < len(algs) else []
        reasoning = notes_f + reasoning
        sources, notes = independent_sources(algs, stmts, copies, reporters)
        dated = [a.date for a in algs if a.date]
        out.append(Incident(id=iid, allegation_ids=[a.id for a in algs], place=g[0].place,
                            date=max(dated, key=lambda d: (len(d), dated.count(d))) if dated else None,
                            status=status, reasoning=reasoning + notes + [f"{len(sources)} independent source(s)"],
                            sources=sources, attached=attached, counter_claims=counter))
    return sorted(out, key=lambda i: natural_key(i.id))


def _store_attachments(conn, attached: dict[str, str]) -> None:
    """Write where each verifier finding was attached ("" when no incident matched it any more)."""
    from sqlalchemy import select, update

    from . import db

    rows = conn.execute(select(db.assessments.c.id, db.assessments.c.data, db.assessments.c.allegation_id)
                        .where(db.assessments.c.edited.is_(False))).all()
    for r in rows:
        if not (r.data or {}).get("finding"):
            continue
        want = attached.get(r.id, "")
        if want != r.allegation_id:
            conn.execute(update(db.assessments).where(db.assessments.c.id == r.id)
                         .values(allegation_id=want, data={**r.data, "allegation_id": want}))


def store(engine, incidents: list[Incident], allegations: list[Allegation] | None = None,
          assessments: list[Assessment] | None = None, records: set[tuple[str, str]] | None = None) -> int:
    """Store the machine's incidents with every analyst decision replayed onto them; the number stored.

    Decisions are about allegations, so each one finds its incident again in the new clustering; one whose
    incident changed is flagged for re-review, never dropped (see `decisions`). `allegations` and
    `assessments` (as `cluster` left them) give the derived statuses; read from the database if None.
    Holds the incident lock, so an analyst's edit waits for it rather than failing."""
    from . import db
    from .audit import Scope, append_event, review_records, watch
    from .decisions import replay
    from .models import from_dict
    from .review import load_decisions, save_decision_states, stored_incidents, write_incidents

    with engine.begin() as conn:
        db.lock_incidents(conn)
        w = watch(conn, review_records(), [Scope("assessment")])  # every incident; attachments move assessments
        if allegations is None:
            allegations = [from_dict(Allegation, d) for d in db.load_records(conn, db.allegations)]
        if assessments is None:
            assessments = [from_dict(Assessment, d) for d in db.load_records(conn, db.assessments)]
        by_alg: dict[str, list[Assessment]] = {}
        for a in assessments:
            if a.allegation_id:
                by_alg.setdefault(a.allegation_id, []).append(a)
        counters = {a.id for a in allegations if is_counter_claim(a)}
        derive = lambda ids: member_status(ids, by_alg, counters)  # noqa: E731
        before, before_members = stored_incidents(conn)
        decisions = load_decisions(conn)
        states = {d.id: {"applied_to": d.applied_to, "changes": d.changes, "settled_by": d.settled_by}
                  for d in decisions}
        st = replay(incidents, decisions, {a.id for a in allegations}, derive, records)
        write_incidents(conn, st, before, before_members)
        save_decision_states(conn, decisions, states)
        _store_attachments(conn, {x["assessment_id"]: x["allegation_id"] for inc in incidents for x in inc.attached})
        flagged = [d.id for d in decisions if d.needs_review]
        append_event(conn, "claimledger", "recluster", "incident", None,
                     {"incidents": len(st.incidents), "decisions": len(decisions), "needs_review": flagged},
                     watch=w)
    return len(st.incidents)
