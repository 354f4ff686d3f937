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

from .allegations import SELF_CLAIM
from .geo import distance_km
from .models import Allegation, Assessment, Incident, Statement, as_dict, natural_key

NO_INCIDENT_ACTS = {"threat", "planned_attack", "genocidal_intent"}
ATTACKS = {"attack_on_civilians", "shelling", "airstrike", "missile_strike", "drone_strike",
           "use_of_prohibited_weapon", "killing", "other"}
RADIUS_KM = {"facility": 2.0, "town": 6.0, "district": 20.0}  # how far apart two mentions of one place may be
CELL_DEG = 0.25  # grid cell (~25 km): larger than any radius above
BUCKET_DAYS = 7
SLACK_DAYS = 1  # "overnight" and time zones: reports of one strike may differ by a day
UNDATED_DAYS = 14  # an undated allegation is taken to be about the fortnight before publication
RANK = {"corroborated": 4, "partially_corroborated": 3, "insufficient_evidence": 2, "alleged": 1}


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


def independent_sources(members: list[Allegation], statements: dict[str, Statement],
                        copies: dict[int, int]) -> tuple[list[str], list[str]]:
    """The independent original sources behind an incident, and notes on what was counted as one.

    Relays of one original statement (the same speaker, whichever outlet carries it) count once; so do
    a belligerent's several spokespeople and near-duplicate documents (wire copy)."""
    sources: dict[str, set[int | None]] = {}
    notes = []
    for alg in members:
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
        # a striker's own account ("we hit a command post") or a denial is a counter-claim: its assessment does
        # not change the status of the accusation it answers
        counter = [a.id for a in algs if is_counter_claim(a)] if any(not is_counter_claim(a) for a in algs) else []
        core = [a for a in algs if a.id not in counter]
        status, reasoning = derive_status([x for a in core for x in by_alg.get(a.id, [])])
        if counter:
            reasoning.append(f"counter-claim(s) {', '.join(counter)}: the accused party's own account, kept apart; "
                             "their assessments do not set the status")
        reasoning = notes_f + reasoning
        sources, notes = independent_sources(algs, stmts, copies)
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


def store(engine, incidents: list[Incident]) -> int:
    """Replace the machine incidents, keeping analyst-edited ones and the allegations they hold.

    A machine incident loses the allegations an analyst has placed (merge/split); one left empty, or
    whose id an analyst incident holds, is dropped. Returns the number of incidents written."""
    from sqlalchemy import select

    from . import db
    from .audit import append_event

    with engine.begin() as conn:
        kept = set(conn.execute(select(db.incidents.c.id).where(db.incidents.c.edited.is_(True))).scalars())
        placed = set(conn.execute(select(db.incident_members.c.allegation_id)
                                  .where(db.incident_members.c.incident_id.in_(kept))).scalars()) if kept else set()
        conn.execute(db.incidents.delete().where(db.incidents.c.edited.is_(False)))
        if conn.dialect.name == "sqlite":  # no ON DELETE CASCADE without the pragma on old files
            conn.execute(db.incident_members.delete().where(db.incident_members.c.incident_id.not_in(kept)))
        written = 0
        for inc in incidents:
            members = [a for a in inc.allegation_ids if a not in placed]
            if not members:
                continue
            inc.allegation_ids = members
            base, n = inc.id, 2
            while inc.id in kept:  # an analyst kept this id for other members: the rest get a new one
                inc.id, n = f"{base}.{n}", n + 1
            conn.execute(db.incidents.insert().values(id=inc.id, data=as_dict(inc), status=inc.status,
                                                      status_source="derived", edited=False, version=1))
            conn.execute(db.incident_members.insert(), [dict(incident_id=inc.id, allegation_id=a) for a in members])
            written += 1
        _store_attachments(conn, {x["assessment_id"]: x["allegation_id"] for inc in incidents for x in inc.attached})
        append_event(conn, "claimledger", "recluster", "incident", None,
                     {"machine_incidents": written, "analyst_incidents_kept": len(kept)})
    return written + len(kept)
