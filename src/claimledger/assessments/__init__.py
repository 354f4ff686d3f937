"""Assessments by independent verifiers (the analyst review of incidents lives in `review`).

Three steps, each a module of this package:
- `verifiers`: who is a verifier (the registry, investigating bodies, independent experts, a source whose
  finding verb introduces a rating) and which organisation a statement speaks for;
- `stance`: what a verifier's sentence does with a claim (confirms, partly confirms, cannot verify, finds no
  evidence, contradicts, shows footage old or misplaced, states a verdict, merely relays), from the parse
  and the cue lists in data/stance.toml;
- `linking`: which allegation it concerns, by compatibility (place, weapon, act, perpetrator, date) and by
  explicit reference ("the government's claim", "the video", "both killings"), never across kinds of act.
`assess` puts them together: one assessment per (verifier, allegation). A finding about an event the
document reports no claim of is kept unlinked, with its places, act and weapons, for `incidents` to match.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..models import Allegation, Assessment, Span, Statement, Weapon
from ..nlp import doc_text
from .linking import (ACT_WORDS, RELAY_CUES, SPECIFIC, _GENERAL, _Context, _is_verifier, _part_is_whole, _self_claim, link,
                      main_event)
from .stance import Signals, rate
from ..vocabulary import NO_INCIDENT_ACTS
from .text import NEG as _NEG, _fold, _stem_match, _weapon_mentioned, sentence_around
from .verifiers import VERIFIERS, promote_verifiers, verifier_name

__all__ = ["assess", "finding", "link", "main_event", "promote_verifiers", "rate", "sentence_around", "verifier_name",
           "weapon_identified", "Signals", "VERIFIERS"]

# --- weapons named by the verifier ------------------------------------------------------------------------

def weapon_identified(text: str, spans: list[tuple[int, int]], alg: Allegation) -> Weapon | None:
    """The weapon a verifier names where it confirms something, linked to the munitions KB: a specific
    system ("M095 DPICM") before a generic one ("barrel bombs"), else one of the allegation's weapons."""
    from .. import munitions

    found = [w for start, end in spans for w in munitions.find_weapons(text, start, end)]
    specific = [w for w in found if not (munitions.lookup(w.name) or {}).get("generic")]
    if specific or found:
        return (specific or found)[0]
    for start, end in spans:
        for w in alg.weapons:
            if _weapon_mentioned(w.name, _fold(text[start:end])):
                return w
    return None


# --- assessments ------------------------------------------------------------------------------------------

# a verifier finding no military presence where a party says it struck a military target
NO_MILITARY = re.compile(r"\bno\s+(?:(?:sign|trace|evidence|indication)s?\s+of\s+(?:any\s+)?)?(?:legitimate\s+)?"
                         r"(?:soldiers|troops|fighters|combatants|military|armed\s+(?:men|groups?))\b")
RULE_OUT = re.compile(rf"\b(?:could|can|did|does)\s*{_NEG}\s+(?:rule\s+out|exclude)\b|\bno\s+independent\s+confirmation\b")


def _military_target_claims(ctx: _Context, linked: list[Allegation], before: int) -> list[Allegation]:
    """Parties' own accounts of striking where the linked claims place the event ("we hit a command post")."""
    return [a for a in ctx.allegations if a not in linked and _self_claim(ctx, a) and a.act not in NO_INCIDENT_ACTS
            and ctx.first_source.get(a.id, 0) < before
            and any(_stem_match(p.name, q.name, 5) for b in linked for p in a.places for q in b.places)]


def finding_cue(stmt: Statement, text: str, sentence_start: int) -> bool:
    """Whether a statement's reporting verb is itself a finding ("found", "confirmed", "documents"), not
    negated ("did not find")."""
    from .stance import lexicon

    cue = _fold(stmt.cue)
    words = lexicon()["finding_cues"]
    if not any(cue == w or cue.rstrip("sd") == w.rstrip("e") or (cue.startswith(w[:-1]) and len(cue) <= len(w) + 2)
               for w in words):
        return False
    span = stmt.cue_span
    before = text[sentence_start:span.start] if span is not None and span.start >= sentence_start else ""
    return not re.search(r"(?:\bnot|n't|\bnever|\bno)\s+(?:\w+\s+)?$", _fold(before))


def _relay_cue(stmt: Statement) -> bool:
    return stmt.reported_by is not None or (stmt.cue or "").lower() in RELAY_CUES


def _claim_words(alg: Allegation) -> str:
    """A pattern of the words naming an allegation's act and weapons ("shell\\w*|mortars?|artillery|grad")."""
    words = [ACT_WORDS[alg.act]] if alg.act in ACT_WORDS else []
    words += [re.escape(w) for x in alg.weapons for w in re.findall(r"[a-z]{4,}", _fold(x.name))]
    return "|".join(words)


def _context(text: str, statements: list[Statement], allegations: list[Allegation]) -> _Context:
    """Look-ups for linking: sources by id, the allegations' toponyms, where each claim is first told."""
    ctx = _Context(text, {s.id: s for s in statements if s.id}, [a for a in allegations if a.id])
    for a in ctx.allegations:
        for p in a.places:
            if p.lat is None or p.lon is None or p.precision not in SPECIFIC:
                continue
            names = {p.name, text[p.start:p.end] if 0 <= p.start < p.end <= len(text) else None}
            ctx.toponyms += [(rf"\b{re.escape(_fold(n))}\b", p.lat, p.lon) for n in names if n and len(n) > 2]
    ctx.toponyms = list(dict.fromkeys(ctx.toponyms))  # a place many allegations share is looked for once
    for a in ctx.allegations:
        # where the claim is first told by someone other than a verifier; a verifier's own finding is told
        # where the verifier tells it (not at the top of the document)
        starts = [s.content.start for s in ctx.sources(a) if not _is_verifier(s)] or [
            s.content.start for s in ctx.sources(a)]
        ctx.first_source[a.id] = min(starts) if starts else 0
    return ctx


Rated = dict[tuple[str, str], list[tuple[Statement, Signals]]]


def _parsed(doc, *ranges: tuple[int, int]) -> list:
    """The document's own parse of each character range (Spans), or Nones where the document is not parsed
    (the stance step then parses the text alone): no second parse of what the pipeline parsed already."""
    if doc is None or not hasattr(doc, "has_annotation") or not doc.has_annotation("DEP"):
        return [None] * len(ranges)
    return [doc.char_span(a, b, alignment_mode="expand") for a, b in ranges]


def _read(ctx: _Context, statements: list[Statement], promoted: dict[str, str], doc=None
          ) -> tuple[Rated, dict[str, list[tuple[Statement, Signals]]]]:
    """Each verifier statement's stance and the allegations it concerns, in document order: signals by
    (verifier, allegation id), and by verifier those about no claim of this document."""
    text = ctx.text
    verifier_stmts = sorted((s for s in statements if _is_verifier(s) and s.id), key=lambda s: s.content.start)
    groups: Rated = {}
    unlinked: dict[str, list[tuple[Statement, Signals]]] = {}
    prev_name, prev_links, prev_pos = None, {}, {}
    for stmt in verifier_stmts:
        name = verifier_name(stmt, None if promoted.get(stmt.id) == "language" else prev_name,
                             text[max(0, stmt.content.start - 400):stmt.content.start])
        start, end = sentence_around(text, stmt.content.start, stmt.content.end)
        sig = rate(text[start:end], stmt.content.text, stmt.speaker.name,
                   *_parsed(doc, (start, end), (stmt.content.start, stmt.content.end)))
        if sig.status() is None and finding_cue(stmt, text, start) and not re.match(
                r"(?:that\s+)?(?:no|nothing|none|neither)\b", _fold(stmt.content.text)):
            sig.positive = True  # "the inquiry found that...", "the UN confirmed reports that..."
        if sig.relay and not sig.verdict:
            prev_name = name
            continue  # passing on a party's demands or estimates is no finding
        previous = prev_links.get(name)
        if previous is not None and any(prev_pos.get(name, 0) < at < start for at in ctx.first_source.values()):
            previous = None  # other claims were told since: "she added" no longer continues that point
        prev_pos[name] = stmt.content.end
        links, own = link(stmt, ctx, previous, sig.status() is not None, bool(sig.part))
        for alg in links:
            # the verifier telling the event in its own voice ("HRW said the strike killed seven") finds it
            asserted = stmt.id in alg.statement_ids and not _relay_cue(stmt) and not sig.relay \
                and not sig.insufficient  # "could not verify reports that..." asserts nothing
            s = Signals(**{**sig.__dict__, "own": asserted}).for_claim(alg.perpetrator, _claim_words(alg))
            if s.part and _part_is_whole(alg, s.part):
                s.refute = True  # the contradicted part is all this allegation claims
            groups.setdefault((name, alg.id), []).append((stmt, s))
        counter = _fold(text[start:end])
        rule_out = bool(RULE_OUT.search(counter))
        if links and (rule_out or NO_MILITARY.search(counter)):
            for alg in _military_target_claims(ctx, links, start):
                groups.setdefault((name, alg.id), []).append((stmt, Signals(refute=not rule_out,
                                                                            insufficient=rule_out)))
        if links:
            prev_links[name] = [a for a in links]
        elif sig.status() is not None and not own and (name in unlinked or name not in prev_links) \
                and not _GENERAL.search(_fold(stmt.content.text)):
            unlinked.setdefault(name, []).append((stmt, sig))
            prev_links[name] = []
        prev_name = name
    return groups, unlinked


def assess(doc, statements: list[Statement], allegations: list[Allegation], prefix: str = "V",
           places: list | None = None) -> list[Assessment]:
    """Verifier assessments of the document's allegations; ids are f"{prefix}{n}".

    One assessment per (verifier, allegation), its status from all the verifier's statements about it."""
    text = doc_text(doc) if hasattr(doc, "user_data") else str(doc)
    promoted = promote_verifiers(text, statements)
    statements = [replace(s, speaker=replace(s.speaker, kind="independent_verifier")) if s.id in promoted else s
                  for s in statements]  # copies: the caller's statements are left as they are
    ctx = _context(text, statements, allegations)
    groups, unlinked = _read(ctx, statements, promoted, doc)
    out: list[Assessment] = []
    order = {a.id: i for i, a in enumerate(ctx.allegations)}
    for (name, alg_id), items in sorted(groups.items(), key=lambda kv: (order[kv[0][1]], kv[0][0])):
        total = Signals()
        for _, s in items:
            total = total.merge(s)
        status = total.status()
        if total.refute and total.insufficient and _self_claim(ctx, ctx.allegations[order[alg_id]]):
            status = "insufficient_evidence"  # "no trace of soldiers, but troops elsewhere cannot be ruled out"
        if status is None:
            continue
        alg = ctx.allegations[order[alg_id]]
        rated = [st for st, s in items if s.status() is not None] or [items[0][0]]
        basis = rated[0].content
        spans = [sentence_around(text, st.content.start, st.content.end) for st, s in items if s.positive or s.own]
        weapon = weapon_identified(text, spans, alg) if status != "refuted" else None
        out.append(Assessment(allegation_id=alg_id, verifier=name, status=status,
                              statement_ids=[st.id for st, _ in items],
                              basis=Span.of(text, basis.start, basis.end),
                              weapon_identified=weapon.name if weapon else None, weapon=weapon,
                              id=f"{prefix}{len(out) + 1}"))
    for name, items in unlinked.items():
        found = finding(doc, text, [st for st, _ in items], places)
        total = Signals()
        for _, s in items:
            total = total.merge(s)
        if found is None or total.status() is None:
            continue
        spans = [sentence_around(text, st.content.start, st.content.end) for st, s in items if s.positive]
        weapon = weapon_identified(text, spans, Allegation([])) if total.status() != "refuted" else None
        basis = items[0][0].content
        out.append(Assessment(allegation_id="", verifier=name, status=total.status(),
                              statement_ids=[st.id for st, _ in items], basis=Span.of(text, basis.start, basis.end),
                              weapon_identified=weapon.name if weapon else None, weapon=weapon, finding=found,
                              id=f"{prefix}{len(out) + 1}"))
    return out


_ACT_ORDER = ("use_of_prohibited_weapon", "missile_strike", "drone_strike", "airstrike", "shelling", "detention",
              "displacement", "looting", "killing")


def finding(doc, text: str, items: list[Statement], places: list | None = None) -> dict | None:
    """What a verifier found about an event its document reports no claim of, for the incident stage to
    match across documents: the resolved places, act and weapons named in its sentences (None without a
    place precise enough to match on)."""
    from .. import geo, munitions

    bounds = [sentence_around(text, st.content.start, st.content.end) for st in items]
    inside = lambda a, b: any(s <= a and b <= e for s, e in bounds)  # noqa: E731
    if places is None:  # the pipeline passes the document's places; geoparse only when called alone
        places = geo.find_places(doc) if hasattr(doc, "ents") else []
    places = [p for p in places
              if p.lat is not None and p.precision in SPECIFIC and inside(p.start, p.end)]
    if not places:
        return None
    words = " ".join(_fold(text[s:e]) for s, e in bounds)
    act = next((a for a in _ACT_ORDER if re.search(rf"\b(?:{ACT_WORDS[a]})\b", words)), None)
    weapons = [w.name for s, e in bounds for w in munitions.find_weapons(text, s, e)]
    seen: set = set()
    return {"act": act, "weapons": list(dict.fromkeys(weapons)),
            "places": [{"name": p.name, "lat": p.lat, "lon": p.lon, "precision": p.precision} for p in places
                       if not ((p.lat, p.lon) in seen or seen.add((p.lat, p.lon)))]}
