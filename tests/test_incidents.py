"""Incident clustering: same event across documents and names, blocking, derived status, independence."""
from __future__ import annotations

import random

from sqlalchemy import select

from claimledger import db, incidents
from claimledger.models import Allegation, Assessment, Casualties, Incident, Place, Span, Speaker, Statement

KYIV = (50.4501, 30.5234)
IRPIN = (50.5218, 30.2506)  # ~21 km from Kyiv


def place(name, lat, lon, precision="town"):
    return Place(name=name, start=0, end=0, lat=lat, lon=lon, precision=precision)


def alg(aid, doc, where, date="2022-03-01", act="shelling", perp="Russia", sids=None, **kw):
    places = [place(*w) for w in (where if isinstance(where, list) else [where])]
    return Allegation(statement_ids=sids or [f"{aid}.s"], act=act, perpetrator=perp, places=places, date=date,
                      id=aid, document_id=doc, **kw)


def docs(*ids, published="2022-03-02"):
    return [{"id": i, "published": published, "text": f"document {i}"} for i in ids]


def test_incidents_naming_variants_across_documents_are_one_incident():
    # two spellings resolved to the same coordinates, reported by both sides' outlets
    a = alg("D1.A1", 1, ("Kyiv", *KYIV), perp="Russian forces")
    b = alg("D2.A3", 2, ("Kiev", KYIV[0] + 0.01, KYIV[1]), perp="Russia", act="missile_strike")
    out = incidents.cluster([b, a], [], [], docs(1, 2))
    assert [(i.id, i.allegation_ids) for i in out] == [("I.D1.A1", ["D1.A1", "D2.A3"])]


def test_incidents_ids_are_stable_whatever_the_input_order():
    algs = [alg(f"D{i}.A1", i, ("Kyiv", *KYIV)) for i in range(1, 6)] + [alg("D9.A2", 9, ("Irpin", *IRPIN))]
    first = [(i.id, i.allegation_ids) for i in incidents.cluster(algs, [], [], docs(*range(1, 10)))]
    random.Random(4).shuffle(algs)
    assert [(i.id, i.allegation_ids) for i in incidents.cluster(algs, [], [], docs(*range(1, 10)))] == first
    assert first == [("I.D1.A1", [f"D{i}.A1" for i in range(1, 6)]), ("I.D9.A2", ["D9.A2"])]


def test_incidents_nearby_towns_other_days_or_other_perpetrators_stay_apart():
    base = alg("D1.A1", 1, ("Kyiv", *KYIV))
    other_town = alg("D1.A2", 1, ("Irpin", *IRPIN))
    other_week = alg("D1.A3", 1, ("Kyiv", *KYIV), date="2022-03-12")
    other_side = alg("D1.A4", 1, ("Kyiv", *KYIV), perp="Ukraine")
    out = incidents.cluster([base, other_town, other_week, other_side], [], [], docs(1))
    assert sorted(len(i.allegation_ids) for i in out) == [1, 1, 1, 1]


def test_incidents_vaguer_dates_and_unknown_perpetrators_join():
    a = alg("D1.A1", 1, ("Kyiv", *KYIV), date="2022-03-01")
    b = alg("D2.A1", 2, ("Kyiv", *KYIV), date="2022-03", perp=None)
    c = alg("D3.A1", 3, ("Kyiv", *KYIV), date="2022-03-02")  # next day: an overnight strike
    assert [i.allegation_ids for i in incidents.cluster([a, b, c], [], [], docs(1, 2, 3))] == [["D1.A1", "D2.A1", "D3.A1"]]


def test_incidents_region_threats_plans_conduct_and_unplaced_get_none():
    region = alg("D1.A1", 1, ("Donbas", 48.0, 37.8, "region"), act="killing")
    threat = alg("D1.A2", 1, ("Kyiv", *KYIV), act="threat")
    plan = alg("D1.A3", 1, ("Kyiv", *KYIV), act="planned_attack")
    conduct = alg("D1.A4", 1, ("Kyiv", *KYIV), act="other")
    unplaced = Allegation(statement_ids=["x"], act="shelling", id="D1.A5", document_id=1)
    denial = alg("D1.A6", 1, ("Kyiv", *KYIV), denial=True)
    assert incidents.cluster([region, threat, plan, conduct, unplaced, denial], [], [], docs(1)) == []


def test_incidents_two_places_in_one_allegation_are_two_events():
    both = alg("D1.A2", 1, [("Kyiv", *KYIV), ("Irpin", *IRPIN)], perp=None)
    kyiv = alg("D1.A1", 1, ("Kyiv", *KYIV))
    out = incidents.cluster([both, kyiv], [], [], docs(1))
    assert [(i.id, i.allegation_ids, i.place["name"]) for i in out] == [
        ("I.D1.A1", ["D1.A1", "D1.A2"], "Kyiv"), ("I.D1.A2", ["D1.A2"], "Irpin")]


def test_incidents_status_from_verifiers_with_reasoning():
    a, b = alg("D1.A1", 1, ("Kyiv", *KYIV)), alg("D2.A1", 2, ("Kyiv", *KYIV))
    amnesty = Assessment("D1.A1", "Amnesty International", "corroborated", id="D1.V1")
    hrw = Assessment("D2.A1", "Human Rights Watch", "partially_corroborated", id="D2.V1")
    [inc] = incidents.cluster([a, b], [amnesty, hrw], [], docs(1, 2))
    assert inc.status == "corroborated"
    assert any("Amnesty International: corroborated" in r for r in inc.reasoning)
    refuting = Assessment("D2.A1", "Bellingcat", "refuted", id="D2.V2")
    [inc] = incidents.cluster([a, b], [amnesty, refuting], [], docs(1, 2))
    assert inc.status == "disputed"
    assert incidents.derive_status([])[0] == "alleged"
    assert incidents.derive_status([Assessment("x", "Amnesty", "insufficient_evidence")])[0] == "insufficient_evidence"


def _statement(sid, doc, speaker, text):
    return Statement(Speaker(speaker, kind="party"), "said", Span.of(text, 0, len(text)), id=sid, document_id=doc)


def test_incidents_relays_of_one_statement_are_one_source():
    texts = ["Officials in Kyiv said Russian shelling hit a school.", "Russian shelling hit a school, Kyiv officials said."]
    ss = [_statement("D1.S1", 1, "the city administration", texts[0]), _statement("D2.S1", 2, "The city administration", texts[1]),
          _statement("D3.S1", 3, "Maria Holub", texts[0])]
    for s, t in zip(ss, texts + texts[:1]):
        assert t[s.content.start:s.content.end] == s.content.text
    algs = [alg("D1.A1", 1, ("Kyiv", *KYIV), sids=["D1.S1"]), alg("D2.A1", 2, ("Kyiv", *KYIV), sids=["D2.S1"]),
            alg("D3.A1", 3, ("Kyiv", *KYIV), sids=["D3.S1"])]
    [inc] = incidents.cluster(algs, [], ss, docs(1, 2, 3))
    assert inc.sources == ["city administration", "maria holub"]
    assert any("counted as one source" in r and "city administration" in r for r in inc.reasoning)


def test_incidents_one_sides_spokespeople_are_one_source():
    text = "Russian shelling hit a school."
    ss = [Statement(Speaker(name, kind="party", side="Ukraine"), "said", Span.of(text, 0, len(text)), id=f"D{d}.S1",
                    document_id=d) for d, name in ((1, "the city administration"), (2, "Ukraine's defence ministry"))]
    ss.append(Statement(Speaker("Lena Marsh", kind="independent"), "said", Span.of(text, 0, len(text)), id="D3.S1",
                        document_id=3))
    algs = [alg(f"D{d}.A1", d, ("Kyiv", *KYIV), sids=[f"D{d}.S1"]) for d in (1, 2, 3)]
    [inc] = incidents.cluster(algs, [], ss, docs(1, 2, 3))
    assert inc.sources == ["lena marsh", "ukraine (party)"]


def test_incidents_wire_copies_are_noted_as_one():
    wire = " ".join(f"word{i}" for i in range(300))
    ds = [{"id": 1, "published": "2022-03-02", "text": wire}, {"id": 2, "published": "2022-03-02", "text": wire + " extra"},
          {"id": 3, "published": "2022-03-02", "text": "an entirely different report " * 20}]
    assert incidents.near_duplicates(ds) == {2: 1}
    algs = [alg("D1.A1", 1, ("Kyiv", *KYIV)), alg("D2.A1", 2, ("Kyiv", *KYIV))]
    [inc] = incidents.cluster(algs, [], [], ds)
    assert any("near-copy of document 1" in r for r in inc.reasoning)


def test_incidents_blocking_handles_many_allegations():
    rng = random.Random(7)
    algs = [alg(f"D{i}.A1", i, ("x", 48 + rng.random() * 4, 30 + rng.random() * 6), date=f"2022-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                perp=rng.choice(["Russia", "Ukraine"])) for i in range(3000)]
    out = incidents.cluster(algs, [], [], [])
    assert sum(len(i.allegation_ids) for i in out) == 3000
    assert len({i.id for i in out}) == len(out)


def test_incidents_store_replays_analyst_decisions_on_recluster(engine):
    from claimledger import review

    a, b = alg("D1.A1", 1, ("Kyiv", *KYIV)), alg("D1.A2", 1, ("Irpin", *IRPIN))
    assert incidents.store(engine, incidents.cluster([a, b], [], [], docs(1))) == 2
    with engine.begin() as conn:  # an analyst merged the two and set a status
        review.merge(conn, "I.D1.A1", ["I.D1.A2"], "one strike", "ana")
        review.set_status(conn, "I.D1.A1", "corroborated", "seen on video", "ana")
    c = alg("D1.A3", 1, ("Irpin", *IRPIN))  # re-analysis finds another report of the Irpin strike
    assert incidents.store(engine, incidents.cluster([a, b, c], [], [], docs(1))) == 1
    with engine.connect() as conn:
        rows = {r.id: (r.status, r.status_source) for r in conn.execute(select(db.incidents))}
        members = sorted((m.incident_id, m.allegation_id) for m in conn.execute(select(db.incident_members)))
        shown = review.show(conn, "I.D1.A1")
    assert rows == {"I.D1.A1": ("corroborated", "analyst")}
    assert members == [("I.D1.A1", "D1.A1"), ("I.D1.A1", "D1.A2"), ("I.D1.A1", "D1.A3")]
    assert [(d["kind"], d["rationale"]) for d in shown["decisions"]] == [("merge", "one strike"),
                                                                         ("status", "seen on video")]
    assert any("D1.A3 joined" in r for r in shown["needs_review"])


def test_incidents_a_place_named_only_to_locate_another_is_not_an_event():
    text = "An airstrike hit a market in Bucha, a town northwest of the capital Kyiv, on Monday."
    bucha = Place("Bucha", text.index("Bucha"), text.index("Bucha") + 5, 50.54, 30.21, "town")
    kyiv = Place("Kyiv", text.index("Kyiv"), text.index("Kyiv") + 4, *KYIV, "town")
    for p in (bucha, kyiv):
        assert text[p.start:p.end] == p.name
    a = Allegation(["s"], "airstrike", "Russia", places=[bucha, kyiv], date="2022-03-01", id="D1.A1", document_id=1)
    [inc] = incidents.cluster([a], [], [], [{"id": 1, "published": "2022-03-02", "text": text}])
    assert inc.place["name"] == "Bucha"


# --- verifier findings published in another document ----------------------------------------------------

def _finding(aid, doc, where, status="corroborated", act="missile_strike", weapons=(), content="it checked clips"):
    text = f"Analysts said {content}."
    start = text.index(content)
    s = Statement(Speaker("Bellingcat", kind="independent_verifier"), "said",
                  Span.of(text, start, start + len(content)), id=f"{aid}.s", document_id=doc)
    assert text[s.content.start:s.content.end] == s.content.text
    f = Assessment(allegation_id="", verifier="Bellingcat", status=status, statement_ids=[s.id], id=aid,
                   document_id=doc, finding={"act": act, "weapons": list(weapons),
                                             "places": [{"name": where[0], "lat": where[1], "lon": where[2],
                                                         "precision": "town"}]})
    return f, s


def test_incidents_finding_in_another_document_sets_the_status():
    a = alg("D1.A1", 1, ("Kyiv", *KYIV), act="missile_strike", sids=["D1.S1", "D1.S2"])
    b = alg("D1.A2", 1, ("Kyiv", *KYIV), act="killing", perp=None)
    near, s1 = _finding("D2.V1", 2, ("Kiev", KYIV[0] + 0.01, KYIV[1]), content="clips filmed on Monday showed it")
    far, s2 = _finding("D2.V2", 2, ("Irpin", *IRPIN))
    out = incidents.cluster([a, b], [near, far], [s1, s2], docs(1, 2))
    assert [(i.id, i.status) for i in out] == [("I.D1.A1", "corroborated")]
    assert near.allegation_id == "D1.A1"  # the most-sourced accusation of the incident
    assert far.allegation_id == ""  # 21 km away: another event
    assert out[0].attached == [{"assessment_id": "D2.V1", "allegation_id": "D1.A1"}]
    assert any("D2.V1" in r and "Kiev" in r for r in out[0].reasoning)


def test_incidents_finding_needs_a_compatible_act_and_date():
    a = alg("D1.A1", 1, ("Kyiv", *KYIV), act="detention", date="2022-03-01")
    # undated, the finding would cover the fortnight before publication (which holds 1 March)
    early, s1 = _finding("D2.V1", 2, ("Kyiv", *KYIV), act="detention", content="footage filmed on 20 February 2022")
    other, s2 = _finding("D2.V2", 2, ("Kyiv", *KYIV), act="shelling")
    same, s3 = _finding("D2.V3", 2, ("Kyiv", *KYIV), act=None, status="insufficient_evidence")
    out = incidents.cluster([a], [early, other], [s1, s2], docs(1, 2))
    assert out[0].status == "alleged" and early.allegation_id == other.allegation_id == ""
    out = incidents.cluster([a], [early, same], [s1, s3], docs(1, 2))
    assert out[0].status == "insufficient_evidence" and same.allegation_id == "D1.A1"


def test_incidents_store_writes_where_findings_were_attached(engine):
    from claimledger.models import as_dict

    a = alg("D1.A1", 1, ("Kyiv", *KYIV), act="missile_strike")
    f, s = _finding("D2.V1", 2, ("Kyiv", *KYIV))
    with engine.begin() as conn:
        conn.execute(db.assessments.insert().values(id=f.id, allegation_id="", verifier=f.verifier, status=f.status,
                                                    data=as_dict(f)))
    incidents.store(engine, incidents.cluster([a], [f], [s], docs(1, 2)))
    with engine.connect() as conn:
        row = conn.execute(select(db.assessments)).one()
    assert row.allegation_id == "D1.A1" and row.data["allegation_id"] == "D1.A1"
    incidents.store(engine, incidents.cluster([], [f], [s], docs(1, 2)))  # the claim is gone
    with engine.connect() as conn:
        assert conn.execute(select(db.assessments.c.allegation_id)).scalar_one() == ""


def test_incidents_finding_skips_a_counter_claim_the_verifier_rated_otherwise():
    claim = alg("D1.A1", 1, ("Kyiv", *KYIV), act="missile_strike")
    counter = alg("D2.A1", 2, ("Kyiv", *KYIV), act="other", perp="Russia", casualties=Casualties(killed_min=1))
    f, s = _finding("D2.V2", 2, ("Kyiv", *KYIV))
    rated = Assessment("D2.A1", "Bellingcat", "insufficient_evidence", id="D2.V1", document_id=2)
    out = incidents.cluster([claim, counter], [rated, f], [s], docs(1, 2))
    assert [i.allegation_ids for i in out] == [["D1.A1", "D2.A1"]]
    assert f.allegation_id == "D1.A1" and out[0].status == "corroborated"


def test_incidents_the_strikers_own_account_does_not_change_the_status():
    from claimledger.allegations import REASONS
    accusation = alg("D1.A1", 1, ("Kyiv", *KYIV))
    own = alg("D1.A2", 1, ("Kyiv", *KYIV), perpetrator_reason=REASONS["self"])
    found = Assessment("D1.A1", "Bellingcat", "corroborated", id="D1.V1")
    refuted = Assessment("D1.A2", "Bellingcat", "refuted", id="D1.V2")
    [inc] = incidents.cluster([accusation, own], [found, refuted], [], docs(1))
    assert inc.status == "corroborated"
    [inc] = incidents.cluster([own], [refuted], [], docs(1))
    assert inc.status == "refuted"  # alone, its own assessment is all there is


def test_incidents_outlets_narrating_an_event_are_independent_sources_a_party_is_its_side():
    wire = " ".join(f"word{i}" for i in range(300))
    ds = [{"id": 1, "published": "2022-03-02", "text": "a report of our own " * 20, "outlet": "Harbour Gazette"},
          {"id": 2, "published": "2022-03-02", "text": wire, "outlet": "Valley Radio"},
          {"id": 3, "published": "2022-03-02", "text": wire + " reprinted", "outlet": "Coast Echo"},
          {"id": 4, "published": "2022-03-02", "text": "Russian forces shelled Kyiv overnight. Ukrainian air "
           "defences fired back as Russia launched drones at Ukraine.",
           "outlet": "Ministry of Defence of Ukraine"}]
    text = "Russian shelling hit a school."
    ss = [Statement(Speaker("Ukraine's defence ministry", kind="party", side="Ukraine"), "said",
                    Span.of(text, 0, len(text)), id="D5.S1", document_id=5)]
    algs = [alg(f"D{d}.A1", d, ("Kyiv", *KYIV), sids=[], narrated=True, reported_by=o["outlet"])
            for d, o in zip((1, 2, 3, 4), ds)] + [alg("D5.A1", 5, ("Kyiv", *KYIV), sids=["D5.S1"])]
    [inc] = incidents.cluster(algs, [], ss, ds + [{"id": 5, "published": "2022-03-02", "text": text}])
    # the reprint counts as the outlet it copies; the ministry's release joins its side's spokespeople
    assert inc.sources == ["harbour gazette (outlet)", "ukraine (party)", "valley radio (outlet)"]


def test_incidents_a_counter_claim_stays_a_counter_claim():
    from claimledger.allegations import REASONS
    accusation = alg("D1.A1", 1, ("Kyiv", *KYIV))
    own = alg("D1.A2", 1, ("Kyiv", *KYIV), perpetrator_reason=REASONS["self"])
    refuted = Assessment("D1.A2", "Bellingcat", "refuted", id="D1.V2")
    [inc] = incidents.cluster([accusation, own], [refuted], [], docs(1))
    # the accused party's account was refuted; the accusation itself is still only alleged
    assert inc.status == "alleged"
    assert inc.counter_claims == ["D1.A2"]
    assert any("counter-claim" in r for r in inc.reasoning)
