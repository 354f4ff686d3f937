"""Verifier assessments: which allegation a verifier statement concerns and the status it gives."""
from __future__ import annotations

import json
import re

import pytest

from claimledger import ledger
from claimledger.models import Allegation, Place, Span, Speaker, Statement, Target, Weapon

VERIFIER = "independent_verifier"


def stmt(text, sid, speaker, content, kind="party", type_="organisation", role=None, side=None):
    start = text.index(content)
    sp = Speaker(name=speaker, kind=kind, type=type_, role=role, side=side)
    s = Statement(speaker=sp, cue="said", content=Span.of(text, start, start + len(content)), id=sid)
    assert text[s.content.start:s.content.end] == s.content.text
    return s


def alg(aid, sids, act="attack_on_civilians", perp=None, places=(), weapons=(), targets=(), date=None):
    return Allegation(statement_ids=list(sids), act=act, perpetrator=perp, id=aid, date=date,
                      places=[Place(name=p, start=0, end=0) for p in places],
                      weapons=[Weapon(name=w) for w in weapons], targets=[Target(name=t) for t in targets])


def run(nlp, text, statements, allegations):
    out = ledger.assess(nlp.make_doc(text), statements, allegations, prefix="V")
    for a in out:
        assert text[a.basis.start:a.basis.end] == a.basis.text
    return {a.allegation_id: a for a in out}


def test_ledger_verified_footage_corroborates(nlp):
    text = ("Regional officials said Russian drones struck a maternity hospital in Kharkiv on Monday. "
            "Amnesty International said it had verified footage showing the strike on the hospital in Kharkiv.")
    ss = [stmt(text, "S1", "Regional officials", "Russian drones struck a maternity hospital in Kharkiv on Monday"),
          stmt(text, "S2", "Amnesty International", "it had verified footage showing the strike on the hospital in Kharkiv",
               kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "drone_strike", "Russia", ["Kharkiv"], ["drones"])])
    assert got["A1"].status == "corroborated"
    assert got["A1"].verifier == "Amnesty International"
    assert got["A1"].statement_ids == ["S2"]


def test_ledger_confirmed_event_with_unconfirmed_toll_is_partial(nlp):
    text = ("Local authorities said shelling hit homes in Kherson on Sunday, killing six civilians. "
            "Human Rights Watch said it had geolocated three videos filmed in Kherson showing impacts on houses. "
            "Tomas Reyne, a researcher at the group, said it had not been able to independently confirm the death toll.")
    ss = [stmt(text, "S1", "Local authorities", "shelling hit homes in Kherson on Sunday, killing six civilians"),
          stmt(text, "S2", "Human Rights Watch", "it had geolocated three videos filmed in Kherson showing impacts on houses",
               kind=VERIFIER),
          stmt(text, "S3", "Tomas Reyne", "it had not been able to independently confirm the death toll", kind=VERIFIER,
               type_="person", role="a researcher at the group")]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "shelling", None, ["Kherson"])])
    assert got["A1"].status == "partially_corroborated"
    assert got["A1"].verifier == "Human Rights Watch"
    assert got["A1"].statement_ids == ["S2", "S3"]


def test_ledger_unknown_munition_type_does_not_lower_corroboration(nlp):
    text = ("Officials said missiles hit a school in Sumy. Amnesty International said it had verified footage of the "
            "strike on the school in Sumy. It said it had not been able to determine the type of munition used.")
    ss = [stmt(text, "S1", "Officials", "missiles hit a school in Sumy"),
          stmt(text, "S2", "Amnesty International", "it had verified footage of the strike on the school in Sumy",
               kind=VERIFIER),
          stmt(text, "S3", "Amnesty International", "it had not been able to determine the type of munition used",
               kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "missile_strike", None, ["Sumy"], ["missiles"])])
    assert got["A1"].status == "corroborated"


def test_ledger_could_not_verify_that_report_is_insufficient(nlp):
    text = ("The interior ministry said militants shelled a bus station in Donetsk. "
            "Amnesty said it had not been able to verify that report.")
    ss = [stmt(text, "S1", "The interior ministry", "militants shelled a bus station in Donetsk"),
          stmt(text, "S2", "Amnesty", "it had not been able to verify that report", kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "shelling", "militants", ["Donetsk"])])
    assert got["A1"].status == "insufficient_evidence"
    assert got["A1"].verifier == "Amnesty International"


def test_ledger_party_accusations_link_every_claim_of_that_party(nlp):
    text = ("Georgia's defence ministry said Russian artillery shelled Gori on Monday. "
            "Georgian officials also said Russian jets bombed the port of Poti. "
            "Russian officials said Georgian troops had attacked Tskhinvali. "
            "Amnesty International addressed Georgian accusations, saying it did not have sufficient evidence to "
            "corroborate them.")
    ss = [stmt(text, "S1", "Georgia's defence ministry", "Russian artillery shelled Gori on Monday"),
          stmt(text, "S2", "Georgian officials", "Russian jets bombed the port of Poti"),
          stmt(text, "S3", "Russian officials", "Georgian troops had attacked Tskhinvali"),
          stmt(text, "S4", "Amnesty International", "it did not have sufficient evidence to corroborate them", kind=VERIFIER)]
    algs = [alg("A1", ["S1"], "shelling", "Russia", ["Gori"]), alg("A2", ["S2"], "airstrike", "Russia", ["Poti"]),
            alg("A3", ["S3"], "attack_on_civilians", "Georgia", ["Tskhinvali"])]
    got = run(nlp, text, ss, algs)
    assert {k: v.status for k, v in got.items()} == {"A1": "insufficient_evidence", "A2": "insufficient_evidence"}


def test_ledger_old_footage_refutes(nlp):
    text = ("A rebel television channel said an airstrike killed nine people at a market in Marib. "
            "Bellingcat said the video aired by the channel was not new. "
            "The group said the same footage had been published in 2017 and showed a market in another province.")
    ss = [stmt(text, "S1", "A rebel television channel", "an airstrike killed nine people at a market in Marib"),
          stmt(text, "S2", "Bellingcat", "the video aired by the channel was not new", kind=VERIFIER),
          stmt(text, "S3", "The group", "the same footage had been published in 2017 and showed a market in another province",
               kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "airstrike", None, ["Marib"], targets=["market"])])
    assert got["A1"].status == "refuted"
    assert got["A1"].statement_ids == ["S2", "S3"]


def test_ledger_no_evidence_of_military_objectives_supports_not_refutes(nlp):
    text = ("Residents said rockets hit apartment blocks in Mykolaiv. Human Rights Watch said it had reviewed 12 videos "
            "from Mykolaiv. \u201cWe have seen no evidence of military objectives at these sites,\u201d said Ilse Varga, "
            "a researcher at the group.")
    ss = [stmt(text, "S1", "Residents", "rockets hit apartment blocks in Mykolaiv"),
          stmt(text, "S2", "Human Rights Watch", "it had reviewed 12 videos from Mykolaiv", kind=VERIFIER),
          stmt(text, "S3", "Ilse Varga", "We have seen no evidence of military objectives at these sites", kind=VERIFIER,
               type_="person")]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "missile_strike", None, ["Mykolaiv"], ["rockets"])])
    assert got["A1"].status == "corroborated"
    assert got["A1"].statement_ids == ["S2", "S3"]


def test_ledger_contradicting_findings_are_disputed(nlp):
    text = ("The army said its drones hit only a weapons depot in Mosul. "
            "Airwars said satellite imagery of the depot in Mosul contradicts the army's account.")
    ss = [stmt(text, "S1", "The army", "its drones hit only a weapons depot in Mosul"),
          stmt(text, "S2", "Airwars", "satellite imagery of the depot in Mosul contradicts the army's account", kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "drone_strike", "the army", ["Mosul"])])
    assert got["A1"].status == "disputed"


def test_ledger_commentary_without_a_finding_gives_no_assessment(nlp):
    text = ("Officials said cluster bombs fell on Kramatorsk. \u201cCluster munitions are indiscriminate by design,\u201d "
            "said Oren Kalb of Human Rights Watch.")
    ss = [stmt(text, "S1", "Officials", "cluster bombs fell on Kramatorsk"),
          stmt(text, "S2", "Oren Kalb", "Cluster munitions are indiscriminate by design", kind=VERIFIER, type_="person",
               role="of Human Rights Watch")]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "use_of_prohibited_weapon", None, ["Kramatorsk"], ["cluster bombs"])])
    assert got == {}


def test_ledger_own_finding_is_corroborated_with_kb_weapon(nlp):
    text = ("In a separate finding, Human Rights Watch said remnants photographed in Saraqib included RBK-500 cluster "
            "bombs dropped by Syrian aircraft.")
    ss = [stmt(text, "S1", "Human Rights Watch", "remnants photographed in Saraqib included RBK-500 cluster bombs dropped "
               "by Syrian aircraft", kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "use_of_prohibited_weapon", "Syria", ["Saraqib"], ["RBK-500"])])
    a = got["A1"]
    assert a.status == "corroborated"
    assert a.weapon is not None and a.weapon.kb_id == "rbk-500"
    assert text[a.weapon.span.start:a.weapon.span.end] == a.weapon.span.text == a.weapon_identified


def test_ledger_party_statements_are_not_assessments(nlp):
    text = "The ministry said it had verified that enemy shells hit Izium."
    ss = [stmt(text, "S1", "The ministry", "it had verified that enemy shells hit Izium")]
    assert run(nlp, text, ss, [alg("A1", ["S1"], "shelling", None, ["Izium"])]) == {}


# --- oracle check on the development gold: gold statements and allegations in, gold statuses out ---------

def _gold_inputs(path, text):
    from claimledger.models import Place as P

    g = json.loads(path.read_text(encoding="utf-8"))
    ss = []
    for s in g["statements"]:
        m = re.search(r"\W+".join(map(re.escape, re.findall(r"\w+", s["anchor"]))), text)
        if not m:
            continue
        end = re.compile(r"[.!?]|[,.]?[\"\u201d]").search(text, m.end())
        end = end.start() if end else m.end()
        typ = "person" if s.get("speaker_role") else "organisation"
        ss.append(Statement(Speaker(s["speaker"], kind=s.get("speaker_kind") or "unknown", type=typ,
                                    role=s.get("speaker_role"), side=s.get("side")), s["cue"],
                            Span.of(text, m.start(), end), id=s["id"]))
    algs = [Allegation(a["alleged_by"], a["act"], a.get("perpetrator"), id=a["id"],
                       weapons=[Weapon(w) for w in a.get("weapons", [])], targets=[Target(t) for t in a.get("targets", [])],
                       places=[P(p, 0, 0) for p in a.get("places", [])]) for a in g["allegations"]]
    return g, ss, algs


def test_ledger_oracle_status_accuracy_on_dev_gold(nlp, shared_dir):
    ok = total = 0
    paths = [shared_dir / "gold" / "seed-ledger.json", *sorted((shared_dir / "eval" / "dev").glob("*.json"))]
    for path in paths:
        g = json.loads(path.read_text(encoding="utf-8"))
        doc_path = next(p for p in (path.parent / g["document"], path.parent.parent / g["document"]) if p.exists())
        text = doc_path.read_text(encoding="utf-8")
        g, ss, algs = _gold_inputs(path, text)
        got = {(a.allegation_id, a.status) for a in ledger.assess(nlp.make_doc(text), ss, algs)}
        for x in g.get("assessments", []):
            total += 1
            ok += (x["allegation"], x["status"]) in got
    assert total and ok / total >= 0.85


def test_ledger_staff_of_the_group_count_as_the_verifier(nlp):
    text = ("Officials said drones hit flats in Odesa on Friday. Human Rights Watch said it had geolocated two videos "
            "filmed in Odesa. \u201cThe damage is consistent with a drone strike,\u201d said Pia Lund, a researcher at "
            "the group. She added that the group had not been able to independently confirm the death toll.")
    ss = [stmt(text, "S1", "Officials", "drones hit flats in Odesa on Friday"),
          stmt(text, "S2", "Human Rights Watch", "it had geolocated two videos filmed in Odesa", kind=VERIFIER),
          stmt(text, "S3", "Pia Lund", "The damage is consistent with a drone strike", kind="unknown", type_="person"),
          stmt(text, "S4", "Pia Lund", "the group had not been able to independently confirm the death toll",
               kind="unknown", type_="person")]
    assert ledger.promote_verifiers(text, ss) == {"S3", "S4"}
    got = run(nlp, text, ss, [alg("A1", ["S1"], "drone_strike", None, ["Odesa"], ["drones"])])
    assert got["A1"].status == "partially_corroborated"
    assert got["A1"].statement_ids == ["S2", "S3", "S4"]
    assert ss[2].speaker.kind == "unknown"  # the caller's records are not changed


def test_ledger_place_variants_match_by_coordinates_and_weekday_decides(nlp):
    text = ("Officials said shelling hit homes in Kyiv on Monday. The mayor said 12 people were killed in Kiev on "
            "Tuesday. Amnesty International said it had verified footage of shelling of homes in Kiev on Monday.")
    ss = [stmt(text, "S1", "Officials", "shelling hit homes in Kyiv on Monday"),
          stmt(text, "S2", "The mayor", "12 people were killed in Kiev on Tuesday"),
          stmt(text, "S3", "Amnesty International", "it had verified footage of shelling of homes in Kiev on Monday",
               kind=VERIFIER)]
    kyiv = dict(lat=50.45, lon=30.52, precision="town")
    a1 = Allegation(["S1"], "shelling", id="A1", date="2022-03-07",
                    places=[Place("Kyiv", text.index("Kyiv"), text.index("Kyiv") + 4, **kyiv)])
    a2 = Allegation(["S2"], "killing", id="A2", date="2022-03-08",
                    places=[Place("Kiev", text.index("Kiev"), text.index("Kiev") + 4, **kyiv)])
    for a in (a1, a2):
        p = a.places[0]
        assert text[p.start:p.end] == p.name
    got = run(nlp, text, ss, [a1, a2])
    assert list(got) == ["A1"] and got["A1"].status == "corroborated"


def test_ledger_the_video_refers_to_the_claim_that_showed_it(nlp):
    text = ("The health ministry said an airstrike killed five people in Saada. A rebel channel aired footage it said "
            "showed the aftermath. The army said rebels fired rockets at Najran. "
            "Bellingcat said the video aired by the channel was not new.")
    ss = [stmt(text, "S1", "The health ministry", "an airstrike killed five people in Saada"),
          stmt(text, "S2", "The army", "rebels fired rockets at Najran"),
          stmt(text, "S3", "Bellingcat", "the video aired by the channel was not new", kind=VERIFIER)]
    got = run(nlp, text, ss, [alg("A1", ["S1"], "airstrike", None, ["Saada"]),
                              alg("A2", ["S2"], "missile_strike", "rebels", ["Najran"])])
    assert {k: v.status for k, v in got.items()} == {"A1": "refuted"}


def test_ledger_relayed_claim_is_not_the_verifiers_own_finding(nlp):
    text = "Amnesty International said local officials reported shelling in Bucha."
    s = stmt(text, "S1", "Amnesty International", "shelling in Bucha", kind=VERIFIER)
    s.cue = "reported"
    assert run(nlp, text, [s], [alg("A1", ["S1"], "shelling", None, ["Bucha"])]) == {}


def test_ledger_party_accusations_include_attacks_on_its_soil_by_unplaced_speakers(nlp):
    text = ("Nino Beridze, an opposition leader, wrote that Russian jets bombed Poti. "
            "Amnesty International addressed Georgian accusations, saying it could not verify them.")
    ss = [stmt(text, "S1", "Nino Beridze", "Russian jets bombed Poti", kind="unknown", type_="person"),
          stmt(text, "S2", "Amnesty International", "it could not verify them", kind=VERIFIER)]
    a = alg("A1", ["S1"], "airstrike", "Russia")
    a.places = [Place("Poti", 0, 0, 42.15, 41.67, "town", country="GE")]
    got = run(nlp, text, ss, [a])
    assert got["A1"].status == "insufficient_evidence"
