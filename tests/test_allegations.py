"""Allegation frames over hand-built statements on sentences written for these tests."""
from __future__ import annotations

from datetime import date

import pytest

from claimledger import allegations
from claimledger.models import ACTS, Place, Span, Speaker, Statement

PUB = date(2024, 3, 14)  # a Thursday


def stmt(text, content, name, cue="said", kind="party", side=None, sid="S1", role=None, mention=None):
    start = text.index(content)
    m = None
    if mention:
        ms = text.index(mention)
        m = Span.of(text, ms, ms + len(mention))
    cs = text.find(cue)
    return Statement(speaker=Speaker(name=name, role=role, kind=kind, side=side, mention=m), cue=cue,
                     content=Span.of(text, start, start + len(content)), id=sid,
                     cue_span=Span.of(text, cs, cs + len(cue)) if cs >= 0 else None)


def place(text, name, lat, lon, precision="town", nth=0, resolved_by="test"):
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Place(name=name, start=start, end=start + len(name), lat=lat, lon=lon, precision=precision,
                 resolved_by=resolved_by)


def check_spans(text, alg):
    """Every span an allegation carries slices to its own text."""
    spans = [alg.perpetrator_span, alg.act_span, alg.date_span, *(t.span for t in alg.targets),
             *(w.span for w in alg.weapons), *(alg.casualties.spans if alg.casualties else [])]
    for s in spans:
        if s is not None:
            assert text[s.start:s.end] == s.text
    for p in alg.places:
        assert text[p.start:p.end] == p.name
    assert alg.act in ACTS


def run(nlp, text, stmts, places=(), published=PUB):
    doc = nlp(text)
    algs = allegations.extract(doc, list(stmts), list(places), published, "D1.A")
    for a in algs:
        check_spans(text, a)
    return algs


def test_allegations_passive_voice_perpetrator(nlp):
    text = "The mayor said the central market in Kharkiv was shelled by Russian forces on Monday, killing three civilians."
    s = stmt(text, "the central market in Kharkiv was shelled by Russian forces on Monday, killing three civilians",
             "The mayor")
    (a,) = run(nlp, text, [s], [place(text, "Kharkiv", 49.99, 36.23)])
    assert a.perpetrator == "Russia" and a.perpetrator_span.text == "Russian forces"  # the state, as written
    assert a.act == "shelling"
    assert [p.name for p in a.places] == ["Kharkiv"]
    assert a.date == "2024-03-11" and a.date_precision == "day"
    assert (a.casualties.killed_min, a.casualties.killed_max, a.casualties.civilian) == (3, 3, True)
    assert a.id == "D1.A1" and a.statement_ids == ["S1"]


def test_allegations_accused_object_is_perpetrator(nlp):
    text = "The ministry accused the rebels of shelling a hospital in Aleppo on Tuesday."
    s = stmt(text, "the rebels of shelling a hospital in Aleppo on Tuesday", "The ministry", cue="accused")
    (a,) = run(nlp, text, [s], [place(text, "Aleppo", 36.2, 37.16)])
    assert a.perpetrator == "rebels"
    assert a.act == "shelling"
    assert any(t.kind == "facility" and "hospital" in t.name for t in a.targets)
    assert a.date == "2024-03-12"


def test_allegations_denial_is_not_an_allegation_against_the_denier(nlp):
    text = ("The army denied that its troops had shelled the village of Kostiantynivka. "
            "A spokesman said the reports were fabricated by enemy propagandists.")
    s1 = stmt(text, "its troops had shelled the village of Kostiantynivka", "The army", cue="denied")
    s2 = stmt(text, "the reports were fabricated by enemy propagandists", "A spokesman", sid="S2")
    assert run(nlp, text, [s1, s2], [place(text, "Kostiantynivka", 48.52, 37.7)]) == []


def test_allegations_title_place_is_not_event_place(nlp):
    text = "The Kyiv-based group said Russian missiles struck a school in Kharkiv overnight."
    s = stmt(text, "Russian missiles struck a school in Kharkiv overnight", "The Kyiv-based group",
             kind="independent", mention="The Kyiv-based group")
    places = [place(text, "Kyiv", 50.45, 30.52, resolved_by="test; role=modifier"), place(text, "Kharkiv", 49.99, 36.23)]
    (a,) = run(nlp, text, [s], places)
    assert [p.name for p in a.places] == ["Kharkiv"]
    assert a.perpetrator == "Russia"
    assert a.act == "missile_strike"
    assert a.date == "2024-03-14"


def test_allegations_kyiv_based_without_geo_role_is_still_excluded(nlp):
    text = "Shelling by Russian forces hit homes in Kherson, a Kyiv-based monitor said."
    s = stmt(text, "Shelling by Russian forces hit homes in Kherson", "a Kyiv-based monitor", kind="independent")
    places = [place(text, "Kherson", 46.64, 32.61), place(text, "Kyiv", 50.45, 30.52)]
    (a,) = run(nlp, text, [s], places)
    assert [p.name for p in a.places] == ["Kherson"]


@pytest.mark.parametrize("phrase, killed, injured", [
    ("killing at least 12 people and wounding dozens", (12, None), (24, None)),
    ("killing more than 2,000 civilians", (2001, None), (None, None)),
    ("wounding five residents", (None, None), (5, 5)),
    ("and a ten-year-old boy was killed", (1, 1), (None, None)),
])
def test_allegations_casualties_from_digits_and_words(nlp, phrase, killed, injured):
    text = f"Officials said Syrian government aircraft bombed the town of Saraqib on Sunday, {phrase}."
    content = text[len("Officials said "):-1]
    s = stmt(text, content, "Officials")
    (a,) = run(nlp, text, [s], [place(text, "Saraqib", 35.86, 36.8)])
    c = a.casualties
    assert (c.killed_min, c.killed_max) == killed
    assert (c.injured_min, c.injured_max) == injured
    assert a.act == "airstrike"


def test_allegations_weapons_linked_to_knowledge_base(nlp):
    text = "Rescuers said the army fired Grad rockets and cluster munitions at the village of Talmenas."
    s = stmt(text, "the army fired Grad rockets and cluster munitions at the village of Talmenas", "Rescuers",
             kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Talmenas", 35.64, 36.74)])
    by_name = {w.name: w for w in a.weapons}
    assert by_name["Grad rockets"].kb_id == "bm-21" and by_name["Grad rockets"].category == "MLRS rocket"
    assert by_name["cluster munitions"].cluster is True
    assert a.perpetrator == "army"


def test_allegations_acts_follow_general_rules(nlp):
    text = ("Officials said enemy artillery and drones pounded apartment blocks in Avdiivka. "
            "Monitors said Russian aircraft dropped RBK-500 cluster bombs near Bakhmut in January. "
            "The governor said the militants want to destroy the Kakhovka dam. "
            "The group warned that Russian airports would remain legitimate targets. "
            "Relatives said soldiers detained four journalists in Melitopol.")
    sents = [
        stmt(text, "enemy artillery and drones pounded apartment blocks in Avdiivka", "Officials", side="Ukraine"),
        stmt(text, "Russian aircraft dropped RBK-500 cluster bombs near Bakhmut in January", "Monitors",
             kind="independent", sid="S2"),
        stmt(text, "the militants want to destroy the Kakhovka dam", "The governor", sid="S3"),
        stmt(text, "Russian airports would remain legitimate targets", "The group", cue="warned", sid="S4",
             side="Ukraine"),
        stmt(text, "soldiers detained four journalists in Melitopol", "Relatives", kind="independent", sid="S5"),
    ]
    places = [place(text, n, lat, lon) for n, lat, lon in
              (("Avdiivka", 48.14, 37.74), ("Bakhmut", 48.6, 38.0), ("Melitopol", 46.84, 35.37))]
    algs = run(nlp, text, sents, places)
    acts = {a.statement_ids[0]: a.act for a in algs}
    assert acts["S2"] == "use_of_prohibited_weapon"
    assert acts["S3"] == "planned_attack"
    assert acts["S4"] == "threat"
    assert acts["S5"] == "detention"
    assert "S1" not in acts or acts["S1"] == "attack_on_civilians"
    s2 = next(a for a in algs if a.statement_ids == ["S2"])
    assert s2.perpetrator == "Russia" and s2.date == "2024-01"


def test_allegations_several_statements_of_one_act_merge(nlp):
    text = ("Ukrainian officials said Russian missiles hit a hospital in Dnipro on Tuesday. "
            "“They struck the maternity ward,” the regional governor, Olena Marchuk, said.")
    s1 = stmt(text, "Russian missiles hit a hospital in Dnipro on Tuesday", "Ukrainian officials", side="Ukraine")
    s2 = stmt(text, "They struck the maternity ward", "Olena Marchuk", sid="S2", side="Ukraine")
    (a,) = run(nlp, text, [s1, s2], [place(text, "Dnipro", 48.45, 34.98)])
    assert a.statement_ids == ["S1", "S2"]
    assert a.perpetrator == "Russia" and a.act == "missile_strike"


def test_allegations_verifier_assessment_carries_no_allegation(nlp):
    text = "Human Rights Watch said the damage in Izium was consistent with the use of cluster munitions."
    s = stmt(text, "the damage in Izium was consistent with the use of cluster munitions", "Human Rights Watch",
             kind="independent_verifier")
    assert run(nlp, text, [s], [place(text, "Izium", 49.21, 37.26)]) == []


def test_allegations_general_framing_by_a_party_carries_none(nlp):
    text = "The defence ministry said its units were hitting nothing but lawful military objectives with guided arms."
    s = stmt(text, "its units were hitting nothing but lawful military objectives with guided arms",
             "The defence ministry")
    assert run(nlp, text, [s]) == []


def test_allegations_unnamed_perpetrator_has_reason(nlp):
    text = "Residents said shelling hit the market in Vuhledar on Wednesday, wounding seven people."
    s = stmt(text, "shelling hit the market in Vuhledar on Wednesday, wounding seven people", "Residents",
             kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Vuhledar", 47.78, 37.25)])
    assert a.perpetrator is None and a.perpetrator_reason
    assert a.act == "shelling"
    assert (a.casualties.injured_min, a.casualties.injured_max) == (7, 7)
    assert a.date == "2024-03-13"


def test_allegations_never_dated_after_publication(nlp):
    text = "Officials said Russian drones attacked the port of Izmail on Friday."
    s = stmt(text, "Russian drones attacked the port of Izmail on Friday", "Officials")
    (a,) = run(nlp, text, [s], [place(text, "Izmail", 45.35, 28.84)], published=date(2024, 3, 14))
    assert a.date == "2024-03-08"  # the Friday before a Thursday publication
    assert a.act == "drone_strike"


def test_allegations_the_enemy_is_the_other_belligerent(nlp):
    text = ("Russian forces attacked Ukrainian positions near Kupiansk. Ukraine struck Russian depots in Belgorod. "
            "Russia shelled Kharkiv again.\n"
            "“The enemy shelled our positions near Chasiv Yar all night,” a Ukrainian commander, Ivan Doe, said.")
    s = stmt(text, "The enemy shelled our positions near Chasiv Yar all night", "Ivan Doe",
             role="a Ukrainian commander", side="Ukraine")
    (a,) = run(nlp, text, [s], [place(text, "Chasiv Yar", 48.59, 37.85)])
    assert a.perpetrator == "Russia"
    assert a.perpetrator_reason.startswith("inferred")
    assert a.act == "shelling"


def test_allegations_the_city_points_back_to_the_last_named_town(nlp):
    text = ("Fighting reached Sievierodonetsk on Monday.\n"
            "The mayor said Russian artillery was hitting apartment blocks across the city.")
    s = stmt(text, "Russian artillery was hitting apartment blocks across the city", "The mayor")
    (a,) = run(nlp, text, [s], [place(text, "Sievierodonetsk", 48.95, 38.49)])
    assert [p.name for p in a.places] == ["Sievierodonetsk"]
    assert a.act == "shelling" and a.perpetrator == "Russia"


def test_allegations_named_village_is_not_an_anaphor(nlp):
    text = ("Fighting reached Omdurman on Monday.\n"
            "Amnesty International said it had documented the use of white phosphorus by Israeli forces in the "
            "village of Dhayra in October.")
    s = stmt(text, "it had documented the use of white phosphorus by Israeli forces in the village of Dhayra in October",
             "Amnesty International", kind="independent_verifier")
    (a,) = run(nlp, text, [s], [place(text, "Omdurman", 15.64, 32.48)])
    assert a.places == []
    assert a.perpetrator == "Israel" and "Israeli forces" in a.perpetrator_actor.aliases


def test_allegations_self_claim_of_a_specific_strike(nlp):
    text = "The group's military spokesman said its drone unit had attacked a radar site at Eilat airport on Monday."
    s = stmt(text, "its drone unit had attacked a radar site at Eilat airport on Monday", "Yahya Doe",
             role="the group's military spokesman", side="Houthis")
    (a,) = run(nlp, text, [s], [place(text, "Eilat", 29.56, 34.95)])
    assert a.perpetrator == "Houthis" and a.perpetrator_reason.startswith("self-claim")
    assert a.act == "drone_strike"


def test_allegations_casualty_spans_slice_the_text():
    from claimledger.harm import casualties

    text = "The blast killed at least 12 people and wounded dozens, including a child."
    c = casualties(text)
    assert (c.killed_min, c.killed_max, c.injured_min, c.injured_max) == (12, None, 24, None)
    assert c.civilian is True
    assert [text[s.start:s.end] for s in c.spans] == [s.text for s in c.spans]
    assert casualties("The ministry said the talks went well.") is None


def test_allegations_denial_keeps_only_a_counter_accusation(nlp):
    text = "The Russian defence ministry denied striking the hospital in Mariupol, blaming Ukrainian nationalists."
    s = stmt(text, "striking the hospital in Mariupol, blaming Ukrainian nationalists", "The Russian defence ministry",
             cue="denied", side="Russia")
    assert run(nlp, text, [s], [place(text, "Mariupol", 47.1, 37.55)]) == []
    text2 = "The ministry denied that Russian troops shelled the hospital, saying Ukrainian units had shelled it."
    s2 = stmt(text2, "Russian troops shelled the hospital, saying Ukrainian units had shelled it", "The ministry",
              cue="denied", side="Russia")
    algs = run(nlp, text2, [s2])
    assert [a.perpetrator for a in algs] == ["Ukraine"]


def test_allegations_perpetrator_phrase_keeps_of_actor(nlp):
    text = "Witnesses said the forces of the Syrian government bombed a bakery in Halfaya on Friday."
    s = stmt(text, "the forces of the Syrian government bombed a bakery in Halfaya on Friday", "Witnesses",
             kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Halfaya", 35.26, 36.6)])
    assert a.perpetrator == "Syria" and a.perpetrator_span.text == "forces of the Syrian government"
    assert a.act == "airstrike"


def test_allegations_split_quote_is_read_to_its_second_half(nlp):
    text = ("“They are attacking the city again,” the governor’s office said, referring to Zaporizhzhia. "
            "“One of the missiles hit a school and four people were injured.”")
    content = "They are attacking the city again"
    s = stmt(text, content, "the governor’s office", side="Ukraine")
    s.quote = "direct"
    (a,) = run(nlp, text, [s], [place(text, "Zaporizhzhia", 47.84, 35.14)])
    assert a.act == "missile_strike"
    assert (a.casualties.injured_min, a.casualties.injured_max) == (4, 4)
    assert [p.name for p in a.places] == ["Zaporizhzhia"]


def test_allegations_displacement_and_hostages(nlp):
    text = ("Villagers said militiamen forced thousands of families to flee Geneina. "
            "The council said the gunmen took 30 students hostage in Kankara.")
    s1 = stmt(text, "militiamen forced thousands of families to flee Geneina", "Villagers", kind="independent")
    s2 = stmt(text, "the gunmen took 30 students hostage in Kankara", "The council", sid="S2")
    places = [place(text, "Geneina", 13.45, 22.44), place(text, "Kankara", 11.93, 7.41)]
    algs = run(nlp, text, [s1, s2], places)
    assert {a.statement_ids[0]: a.act for a in algs} == {"S1": "displacement", "S2": "detention"}
    assert [a.perpetrator for a in algs] == ["militiamen", "gunmen"]


def test_allegations_the_region_points_back_to_a_region_not_a_town(nlp):
    text = ("Fighting in Darfur spread to Nyala on Monday.\n"
            "According to the region's health office, the offensive killed 40 people.")
    s = stmt(text, "the offensive killed 40 people", "the region's health office", cue="According to",
             kind="independent")
    places = [place(text, "Darfur", 13.5, 24.0, precision="region"), place(text, "Nyala", 12.05, 24.88)]
    (a,) = run(nlp, text, [s], places)
    assert [p.name for p in a.places] == ["Darfur"]
    assert a.act == "killing" and (a.casualties.killed_min, a.casualties.killed_max) == (40, 40)


# ---------------------------------------------------------------- held-out style constructions (own sentences)

def test_allegations_bare_troops_in_a_spokesman_mouth_are_his_side(nlp):
    text = ("Sudan's army denied shelling any homes. A spokesman, Brigadier Omar Haddad, said troops had "
            "struck rebel training camps and accused the militia of using farmers as human shields.")
    s1 = stmt(text, "shelling any homes", "Sudan's army", cue="denied", side="Sudan")
    content = "troops had struck rebel training camps and accused the militia of using farmers as human shields"
    s2 = stmt(text, content, "Omar Haddad", kind="unknown", sid="S2", role="a spokesman")
    algs = run(nlp, text, [s1, s2])
    by_perp = {a.perpetrator: a for a in algs}
    assert set(by_perp) == {"Sudan", "militia"}
    assert by_perp["Sudan"].perpetrator_reason.startswith("self-claim") and by_perp["Sudan"].act == "other"
    assert by_perp["militia"].act == "other"  # conduct, not an attack


def test_allegations_bare_troops_from_a_bystander_stay_as_written(nlp):
    text = "A farmer said troops had struck rebel training camps near Kadugli."
    s = stmt(text, "troops had struck rebel training camps near Kadugli", "A farmer", kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Kadugli", 11.01, 29.72)])
    assert a.perpetrator == "troops"


def test_allegations_own_aircraft_claim_is_an_airstrike_in_the_article_town(nlp):
    text = ("Warplanes struck Idlib overnight, residents said. Idlib has been shelled for weeks.\n"
            "Aid groups said they had suspended deliveries.\n"
            "Prices of bread have doubled, traders said.\n"
            "The Russian defence ministry said its aircraft had destroyed a fuel depot used by militants in the city.")
    content = "its aircraft had destroyed a fuel depot used by militants in the city"
    s = stmt(text, content, "The Russian defence ministry", side="Russia")
    places = [place(text, "Idlib", 35.93, 36.63), place(text, "Idlib", 35.93, 36.63, nth=1)]
    (a,) = run(nlp, text, [s], places)
    assert a.perpetrator == "Russia" and a.perpetrator_reason.startswith("self-claim")
    assert a.act == "airstrike"
    assert [p.name for p in a.places] == ["Idlib"]


def test_allegations_organisation_saying_it_struck_is_a_self_claim(nlp):
    text = "The Israeli military said it had struck a weapons storage site in Jabalia on Monday."
    s = stmt(text, "it had struck a weapons storage site in Jabalia on Monday", "The Israeli military", side="Israel")
    s.speaker.type = "government"
    (a,) = run(nlp, text, [s], [place(text, "Jabalia", 31.53, 34.48)])
    assert a.perpetrator == "Israel" and a.perpetrator_reason.startswith("self-claim")


def test_allegations_evidence_description_is_no_allegation(nlp):
    text = "Bellingcat said satellite images showed dozens of destroyed homes in Tal Rifaat after the shelling."
    s = stmt(text, "satellite images showed dozens of destroyed homes in Tal Rifaat after the shelling", "Bellingcat",
             kind="independent")
    assert run(nlp, text, [s], [place(text, "Tal Rifaat", 36.47, 37.1)]) == []


def test_allegations_weapon_or_demonym_is_never_the_place(nlp):
    text = ("Officials said Russian bombers fired Kh-101 missiles at a power station in Kremenchuk, "
            "wounding six workers.")
    s = stmt(text, "Russian bombers fired Kh-101 missiles at a power station in Kremenchuk, wounding six workers",
             "Officials", side="Ukraine")
    places = [place(text, "Russian", 60.0, 100.0, precision="country"), place(text, "Kh-101", 10.0, 10.0),
              place(text, "Kremenchuk", 49.07, 33.42)]
    (a,) = run(nlp, text, [s], places)
    assert [p.name for p in a.places] == ["Kremenchuk"]
    assert a.act == "missile_strike" and (a.casualties.injured_min, a.casualties.injured_max) == (6, 6)


def test_allegations_looting_and_killing_keep_casualties_with_the_attack(nlp):
    text = ("The governor accused the militia of overrunning a market near Kosti, looting shops and killing at "
            "least 14 traders.")
    content = "the militia of overrunning a market near Kosti, looting shops and killing at least 14 traders"
    s = stmt(text, content, "The governor", cue="accused", side="Sudan")
    algs = run(nlp, text, [s], [place(text, "Kosti", 13.16, 32.66)])
    by_act = {a.act: a for a in algs}
    assert "looting" in by_act and by_act["looting"].casualties is None
    killing = next(a for a in algs if a.act != "looting")
    assert (killing.casualties.killed_min, killing.casualties.killed_max) == (14, None)
    assert killing.perpetrator == "militia"


def test_allegations_passive_hit_by_a_demonym_airstrike_with_a_range(nlp):
    text = ("A clinic in Marib was hit by a Turkish airstrike on Sunday, killing between 5 and 7 patients, "
            "the health office said.")
    s = stmt(text, "A clinic in Marib was hit by a Turkish airstrike on Sunday, killing between 5 and 7 patients",
             "the health office", kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Marib", 15.46, 45.32)])
    assert a.perpetrator == "Turkey" and a.act == "airstrike"
    assert (a.casualties.killed_min, a.casualties.killed_max) == (5, 7)
    assert [p.name for p in a.places] == ["Marib"] and a.date == "2024-03-10"


def test_allegations_blamed_for_the_strike_names_the_doer_of_the_strike_before(nlp):
    text = ("An air raid on a cattle market in Kidal killed at least 20 civilians, a local official said. "
            "The rebels blamed the Malian air force for the strike.")
    s1 = stmt(text, "An air raid on a cattle market in Kidal killed at least 20 civilians", "a local official",
              kind="independent")
    s2 = stmt(text, "the Malian air force for the strike", "The rebels", cue="blamed", sid="S2")
    (a,) = run(nlp, text, [s1, s2], [place(text, "Kidal", 18.44, 1.41)])
    assert a.statement_ids == ["S1", "S2"]
    assert a.perpetrator == "Mali" and a.act == "airstrike"
    assert (a.casualties.killed_min, a.casualties.killed_max) == (20, None)


def test_allegations_responsible_for_the_killing_of(nlp):
    text = "Villagers said soldiers and allied militiamen were responsible for the killing of at least 30 men in Bapa."
    s = stmt(text, "soldiers and allied militiamen were responsible for the killing of at least 30 men in Bapa",
             "Villagers", kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Bapa", 4.0, 24.0)])
    assert a.perpetrator == "soldiers and allied militiamen" and a.act == "killing"
    assert (a.casualties.killed_min, a.casualties.killed_max) == (30, None)


def test_allegations_act_named_only_to_date_something_is_no_allegation(nlp):
    text = "Residents said hundreds of displaced families fled towards Kassala after the attacks."
    s = stmt(text, "hundreds of displaced families fled towards Kassala after the attacks", "Residents",
             kind="independent")
    assert run(nlp, text, [s], [place(text, "Kassala", 15.45, 36.4)]) == []


def test_allegations_set_fire_and_ambush_are_attacks(nlp):
    text = ("Witnesses said gunmen set fire to a church in Bunia. "
            "The army said insurgents ambushed a convoy near Beni, killing nine soldiers.")
    s1 = stmt(text, "gunmen set fire to a church in Bunia", "Witnesses", kind="independent")
    s2 = stmt(text, "insurgents ambushed a convoy near Beni, killing nine soldiers", "The army", sid="S2",
              side="DR Congo")
    places = [place(text, "Bunia", 1.56, 30.25), place(text, "Beni", 0.49, 29.47)]
    algs = run(nlp, text, [s1, s2], places)
    acts = {a.statement_ids[0]: a for a in algs}
    assert acts["S1"].act == "attack_on_civilians" and acts["S1"].perpetrator == "gunmen"
    assert acts["S2"].act == "other" and acts["S2"].perpetrator == "insurgents"
    assert (acts["S2"].casualties.killed_min, acts["S2"].casualties.killed_max) == (9, 9)


def test_allegations_acronym_names_the_same_perpetrator():
    assert allegations.same_perpetrator("Allied Democratic Forces", "ADF fighters")
    assert not allegations.same_perpetrator("Allied Democratic Forces", "M23 rebels")


@pytest.mark.parametrize("text, killed, injured", [
    ("killing a 70-year-old woman", (1, 1), (None, None)),
    ("a family of six was among the dead and dozens were wounded", (6, 6), (24, None)),
    ("scores of people were killed", (40, None), (None, None)),
    ("the killing of at least 30 men", (30, None), (None, None)),
    ("killing 8-12 civilians", (8, 12), (None, None)),
    ("three people were killed and 15 injured", (3, 3), (15, 15)),
    ("killed 10 fighters and that no civilians were hurt", (10, 10), (None, None)),
])
def test_allegations_casualty_constructions(text, killed, injured):
    from claimledger.harm import casualties

    c = casualties(text)
    assert (c.killed_min, c.killed_max) == killed and (c.injured_min, c.injured_max) == injured
    assert all(text[s.start:s.end] == s.text for s in c.spans)


def test_allegations_headline_joined_by_the_parser_names_no_perpetrator(nlp):
    text = ("Russia: shelling of Kharkiv market kills five\n\nAt least five people were killed when shells "
            "slammed into a market in Kharkiv on Monday, officials said.")
    content = "At least five people were killed when shells slammed into a market in Kharkiv on Monday"
    s = stmt(text, content, "officials", kind="unknown")
    places = [place(text, "Kharkiv", 49.99, 36.23, nth=1)]
    (a,) = run(nlp, text, [s], places)
    assert a.perpetrator is None
    assert a.act == "shelling" and (a.casualties.killed_min, a.casualties.killed_max) == (5, None)


def test_allegations_blamed_for_the_bombardment_of_a_town(nlp):
    text = "The ministry blamed rebel forces for the bombardment of Kadugli, which it said killed scores of people."
    s = stmt(text, "rebel forces for the bombardment of Kadugli, which it said killed scores of people", "The ministry",
             cue="blamed", side="Sudan")
    (a,) = run(nlp, text, [s], [place(text, "Kadugli", 11.01, 29.72)])
    assert a.perpetrator == "rebel forces" and a.act == "shelling"
    assert [p.name for p in a.places] == ["Kadugli"] and a.casualties.killed_min == 40


def test_allegations_same_speaker_follow_up_joins_the_act_across_a_quote(nlp):
    text = ("Government aircraft and drones bombed the village of Wetlet on Monday, killing six people, a rebel "
            "spokesman said. “They came at dawn,” said Min Aung. He said a school and a clinic were destroyed.")
    s1 = stmt(text, "Government aircraft and drones bombed the village of Wetlet on Monday, killing six people",
              "a rebel spokesman", side="Rebels")
    s2 = stmt(text, "They came at dawn", "Min Aung", sid="S2", side="Rebels")
    s3 = stmt(text, "a school and a clinic were destroyed", "Min Aung", sid="S3", side="Rebels")
    (a,) = run(nlp, text, [s1, s2, s3], [place(text, "Wetlet", 22.4, 95.8)])
    assert a.act == "airstrike" and a.statement_ids == ["S1", "S3"]
    assert {t.name for t in a.targets} >= {"school", "clinic"}


def test_allegations_killing_during_a_raid_is_one_attack(nlp):
    text = ("A rights group said soldiers were responsible for the killing of at least 40 men during a raid on "
            "the market of Sofara on Sunday.")
    content = ("soldiers were responsible for the killing of at least 40 men during a raid on the market of Sofara "
               "on Sunday")
    s = stmt(text, content, "A rights group", kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Sofara", 14.0, -4.25)])
    assert a.perpetrator == "soldiers" and a.act == "attack_on_civilians"
    assert (a.casualties.killed_min, a.casualties.killed_max) == (40, None)


def test_allegations_weapon_naming_a_workshop_is_not_the_weapon_used(nlp):
    text = "The coalition said its jets had destroyed a drone assembly workshop near Saada on Sunday."
    s = stmt(text, "its jets had destroyed a drone assembly workshop near Saada on Sunday", "The coalition",
             side="Saudi Arabia")
    (a,) = run(nlp, text, [s], [place(text, "Saada", 16.94, 43.76)])
    assert a.weapons == [] and a.act == "airstrike"
    assert a.perpetrator == "Saudi Arabia" and a.perpetrator_reason.startswith("self-claim")


def test_allegations_possessive_forces_responsible_for_a_bombing(nlp):
    text = ("A panel of experts concluded that the junta's forces were responsible for the bombing of a "
            "wedding hall in Kanbalu that killed scores of guests.")
    content = ("the junta's forces were responsible for the bombing of a wedding hall in Kanbalu that killed scores "
               "of guests")
    s = stmt(text, content, "A panel of experts", cue="concluded", kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Kanbalu", 23.2, 95.52)])
    assert a.perpetrator == "junta's forces" and a.act in ("airstrike", "attack_on_civilians")
    assert a.casualties.killed_min == 40


def test_allegations_bare_army_hitting_our_positions_is_the_other_side(nlp):
    text = "A rebel commander said the army had shelled our positions near Kutkai on Friday."
    s = stmt(text, "the army had shelled our positions near Kutkai on Friday", "A rebel commander", side="Rebels")
    (a,) = run(nlp, text, [s], [place(text, "Kutkai", 23.45, 97.93)])
    assert a.perpetrator == "army" and a.act == "shelling"


def test_allegations_blamed_the_group_is_the_organisation_named_before(nlp):
    text = ("The army said it had struck a Hezbollah weapons depot in Nabatieh and blamed the group for hiding "
            "weapons in homes.")
    content = "it had struck a Hezbollah weapons depot in Nabatieh and blamed the group for hiding weapons in homes"
    s = stmt(text, content, "The army", side="Israel")
    s.speaker.type = "government"
    algs = run(nlp, text, [s], [place(text, "Nabatieh", 33.38, 35.48)])
    conduct = [a for a in algs if a.perpetrator != "Israel"]
    assert [a.perpetrator for a in conduct] == ["Hezbollah"] and conduct[0].act == "other"
    assert any(a.perpetrator == "Israel" and a.perpetrator_reason.startswith("self-claim") for a in algs)


def test_allegations_shooting_down_drones_and_stored_weapons_are_no_attack(nlp):
    text = ("The defence ministry said it had hit a warehouse storing drones in Kramatorsk, and that air defences "
            "had shot down 14 drones over the Kursk region.")
    content = ("it had hit a warehouse storing drones in Kramatorsk, and that air defences had shot down 14 drones "
               "over the Kursk region")
    s = stmt(text, content, "The defence ministry", side="Russia")
    s.speaker.type = "government"
    places = [place(text, "Kramatorsk", 48.72, 37.56), place(text, "Kursk region", 51.7, 36.2, precision="region")]
    (a,) = run(nlp, text, [s], places)
    assert a.perpetrator == "Russia" and a.weapons == []
    assert a.act == "other"  # a warehouse storing drones is a military target
    assert [p.name for p in a.places] == ["Kramatorsk"]


def test_allegations_came_under_fire_from_and_passive_accused(nlp):
    text = ("The town of Kaya came under fire from JNIM fighters on Sunday, wounding a dozen people, the governor "
            "said. Separately, M23 rebels were accused by the government of killing 22 people in Kishishe.")
    s1 = stmt(text, "The town of Kaya came under fire from JNIM fighters on Sunday, wounding a dozen people",
              "the governor", side="Burkina Faso")
    s2 = stmt(text, "killing 22 people in Kishishe", "the government", cue="accused", sid="S2", side="DR Congo")
    places = [place(text, "Kaya", 13.09, -1.08), place(text, "Kishishe", -1.2, 29.2)]
    algs = run(nlp, text, [s1, s2], places)
    by_stmt = {a.statement_ids[0]: a for a in algs}
    assert by_stmt["S1"].perpetrator == "JNIM" and by_stmt["S1"].perpetrator_span.text == "JNIM fighters" and by_stmt["S1"].casualties.injured_min == 12
    assert by_stmt["S2"].perpetrator == "March 23 Movement" and by_stmt["S2"].act == "killing"


def test_allegations_a_weapon_is_no_perpetrator_its_operator_is(nlp):
    text = ("The Sudanese army and the RSF have traded attacks for months. An RSF statement said Bayraktar drones "
            "flown by the army had struck a market in Kassala on Sunday. Sudan's army denied it struck Kassala.")
    s = stmt(text, "Bayraktar drones flown by the army had struck a market in Kassala on Sunday", "An RSF statement",
             kind="party", side="Rapid Support Forces")
    (a,) = run(nlp, text, [s], [place(text, "Kassala", 15.45, 36.4)])
    assert a.perpetrator == "Sudan"  # the one state the article is about
    assert a.perpetrator_span.text == "army"
    assert a.act == "drone_strike"


def test_allegations_a_military_jet_is_the_states_air_arm(nlp):
    text = ("Myanmar's junta has stepped up air attacks in Sagaing. A military jet bombed a school in Kawlin on "
            "Tuesday, killing four pupils, a rescue worker said. Myanmar state media said rebels attacked a post.")
    s = stmt(text, "A military jet bombed a school in Kawlin on Tuesday, killing four pupils", "a rescue worker",
             kind="independent")
    (a,) = run(nlp, text, [s], [place(text, "Kawlin", 23.79, 95.68)])
    assert a.perpetrator == "Myanmar"
    assert a.act == "airstrike"


def test_allegations_launch_site_is_not_the_place_struck(nlp):
    text = "Officials said a missile fired from the Belgorod region struck a dormitory in Sumy overnight."
    s = stmt(text, "a missile fired from the Belgorod region struck a dormitory in Sumy overnight", "Officials")
    places = [place(text, "Belgorod region", 50.7, 37.4, "region"), place(text, "Sumy", 50.91, 34.8)]
    (a,) = run(nlp, text, [s], places)
    assert [p.name for p in a.places] == ["Sumy"]


def test_allegations_the_doer_named_later_joins_the_strike_told_without_one(nlp):
    text = ("A drone struck the market in Dalang on Saturday, killing nine people, medics said. "
            "The medics blamed the Rapid Support Forces, saying the drone was launched from territory to the west.")
    s1 = stmt(text, "A drone struck the market in Dalang on Saturday, killing nine people", "medics", kind="independent")
    s2 = stmt(text, "the Rapid Support Forces, saying the drone was launched from territory to the west",
              "The medics", cue="blamed", kind="independent", sid="S2")
    (a,) = run(nlp, text, [s1, s2], [place(text, "Dalang", 11.94, 29.7)])
    assert a.perpetrator == "Rapid Support Forces"
    assert a.statement_ids == ["S1", "S2"]
    assert [p.name for p in a.places] == ["Dalang"]


def test_allegations_a_place_after_the_launch_site_is_still_struck(nlp):
    text = "The army said a missile fired by the militia from Lebanon had hit a house in Metula on Sunday."
    s = stmt(text, "a missile fired by the militia from Lebanon had hit a house in Metula on Sunday", "The army")
    places = [place(text, "Lebanon", 33.9, 35.9, "country"), place(text, "Metula", 33.28, 35.58)]
    (a,) = run(nlp, text, [s], places)
    assert [p.name for p in a.places] == ["Metula"]


def test_allegations_an_accusation_names_its_target_not_the_speakers_side(nlp):
    text = ("A rebel spokesman accused the army and allied Mai-Mai militias of shelling the camp near Sake on "
            "Sunday to manufacture a pretext.")
    s = stmt(text, "the army and allied Mai-Mai militias of shelling the camp near Sake on Sunday to manufacture a "
             "pretext", "A rebel spokesman", cue="accused", side="M23")
    (a,) = run(nlp, text, [s], [place(text, "Sake", -1.57, 29.04)])
    assert a.perpetrator == "army and allied Mai-Mai militias"
    assert a.act == "shelling"


def test_allegations_a_state_officer_telling_of_its_air_force_is_a_self_claim(nlp):
    text = ("Myanmar's junta has bombed villages across Sagaing for months, and Myanmar state media report rebel "
            "attacks. A spokesman for the military government said the air force struck a rebel training camp near "
            "Kawlin on Friday.")
    s = stmt(text, "the air force struck a rebel training camp near Kawlin on Friday", "Zaw Min", kind="unknown",
             role="a spokesman for the military government")
    (a,) = run(nlp, text, [s], [place(text, "Kawlin", 23.79, 95.68)])
    assert a.perpetrator == "Myanmar"
    assert a.perpetrator_reason == allegations.REASONS["self"]


def test_allegations_actor_of_coordinated_weapons(nlp):
    # the parser makes "Ukrainian artillery and glide" modifiers of "bombs": the actor sits one level down
    text = "The governor said Ukrainian artillery and glide bombs hit the centre of Horlivka overnight."
    s = stmt(text, "Ukrainian artillery and glide bombs hit the centre of Horlivka overnight", "The governor")
    (a,) = run(nlp, text, [s], [place(text, "Horlivka", 48.3, 38.05)])
    assert a.perpetrator == "Ukraine"
    assert text[a.perpetrator_span.start:a.perpetrator_span.end] == "Ukrainian"


def test_allegations_lies_as_a_verb_is_no_denial(nlp):
    text = "The governor said Ukrainian shells hit the centre of the town, which lies five kilometres from the border."
    s = stmt(text, "Ukrainian shells hit the centre of the town, which lies five kilometres from the border",
             "The governor")
    (a,) = run(nlp, text, [s])
    assert a.perpetrator == "Ukraine"
    text = "The ministry said the reports of a strike on the market were lies."
    s = stmt(text, "the reports of a strike on the market were lies", "The ministry")
    assert run(nlp, text, [s]) == []


def test_allegations_they_takes_the_armed_body_named_before(nlp):
    text = ("Rebels who seized the town of Dara last week are regrouping in the hills, and officials believe they "
            "intend to attack villages along the coast road.")
    s = stmt(text, "they intend to attack villages along the coast road", "officials", cue="believe")
    (a,) = run(nlp, text, [s])
    assert a.perpetrator == "Rebels" and a.perpetrator_reason.startswith("named earlier")
    # a platform is not whom "they" stands for: the act keeps no doer rather than "the helicopters"
    text = "A medic said the helicopters circled over the market, and on each pass they bombed the houses below."
    s = stmt(text, "the helicopters circled over the market, and on each pass they bombed the houses below", "A medic")
    assert all(a.perpetrator != "helicopters" for a in run(nlp, text, [s]))


def test_allegations_a_town_or_a_question_is_no_perpetrator(nlp):
    text = "Officials said 150 fighters took part in the Pokrovsk attack, which killed four civilians."
    s = stmt(text, "150 fighters took part in the Pokrovsk attack, which killed four civilians", "Officials")
    assert all(a.perpetrator != "Pokrovsk" for a in run(nlp, text, [s]))
    text = "\u201cThe people of Kupiansk know who burned their homes,\u201d the commander said."
    s = stmt(text, "The people of Kupiansk know who burned their homes", "the commander")
    assert all(a.perpetrator != "Kupiansk" for a in run(nlp, text, [s]))


def test_allegations_a_clause_of_its_own_keeps_its_own_polarity(nlp):
    text = ("The rebel spokesman said fighters had not fired on any civilian site and that the camp had been hit by "
            "Ukrainian artillery aimed at rebel positions.")
    s = stmt(text, "fighters had not fired on any civilian site and that the camp had been hit by Ukrainian artillery "
             "aimed at rebel positions", "The rebel spokesman")
    (a,) = run(nlp, text, [s])
    assert a.perpetrator == "Ukraine" and a.act_span.text == "hit"
    text = "The ministry said its forces did not shell the town and did not hit the hospital."
    s = stmt(text, "its forces did not shell the town and did not hit the hospital", "The ministry")
    assert run(nlp, text, [s]) == []


# ---------------------------------------------------------------- a perpetrator is an agent, named canonically

@pytest.mark.parametrize("text,content", [
    ("Police said Monday's attack on the market in Borvik killed four people.",
     "Monday's attack on the market in Borvik killed four people"),  # a date
    ("The mayor said Sunday's strike on Borvik killed two children.", "Sunday's strike on Borvik killed two children"),
    ("Officials said the Black Sunday bombings killed 40 people in Borvik.",
     "the Black Sunday bombings killed 40 people in Borvik"),  # an event's name
    ("The governor said a Sukhoi bombed the market in Borvik.", "a Sukhoi bombed the market in Borvik"),  # an aircraft
    ("Police said no group has claimed responsibility for the bombing in Borvik that killed six people.",
     "no group has claimed responsibility for the bombing in Borvik that killed six people"),  # nobody
])
def test_allegations_a_date_event_aircraft_or_nobody_is_no_perpetrator(nlp, text, content):
    (a,) = run(nlp, text, [stmt(text, content, text.split(" said")[0])], [place(text, "Borvik", 45.0, 40.0)])
    assert a.perpetrator is None and a.perpetrator_actor is None


def test_allegations_a_dateline_is_no_perpetrator(nlp):
    """The parser may take the dateline for the subject; it is a place and the report's place of filing."""
    text = "BORVIK, Ostland \u2014 Fighters of the Valley Defence Front shelled the town of Kessel, the mayor said."
    s = stmt(text, "Fighters of the Valley Defence Front shelled the town of Kessel", "the mayor")
    (a,) = run(nlp, text, [s], [place(text, "Kessel", 45.0, 40.0)])
    assert a.perpetrator != "BORVIK, Ostland"
    assert a.perpetrator == "Valley Defence Front" or "dateline" in a.perpetrator_reason


def test_allegations_an_acronym_the_text_defines_names_one_actor(nlp):
    text = ("The Valley Defence Front (VDF) has held the hills since May. The mayor said VDF fighters shelled Borvik "
            "on Tuesday.")
    s = stmt(text, "VDF fighters shelled Borvik on Tuesday", "The mayor")
    (a,) = run(nlp, text, [s], [place(text, "Borvik", 45.0, 40.0)])
    assert a.perpetrator == "Valley Defence Front" and a.perpetrator_span.text == "VDF fighters"
    assert "VDF" in a.perpetrator_actor.aliases and a.perpetrator_actor.kind == "party"


def test_allegations_a_demonym_is_the_states_forces(nlp):
    text = "The ministry said Georgian artillery shelled Borvik."
    (a,) = run(nlp, text, [stmt(text, "Georgian artillery shelled Borvik", "The ministry")],
               [place(text, "Borvik", 45.0, 40.0)])
    assert a.perpetrator == "Georgia" and a.perpetrator_actor.side == "Georgia"
    assert a.perpetrator_span.text == "Georgian"


def test_allegations_the_side_that_was_hit_is_not_the_inferred_doer(nlp):
    text = ("Georgian villages were attacked again overnight. The mayor said a military jet bombed two Georgian "
            "villages near Borvik.")
    s = stmt(text, "a military jet bombed two Georgian villages near Borvik", "The mayor", kind="unknown")
    (a,) = run(nlp, text, [s], [place(text, "Borvik", 45.0, 40.0)])
    assert a.perpetrator is None and "side that was hit" in a.perpetrator_reason
