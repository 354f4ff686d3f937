"""The actor registry and the general rules for a speaker's type, kind and side."""
from __future__ import annotations

from claimledger import actors
from claimledger.models import Speaker


def test_actors_lookup_by_name_alias_and_acronym():
    assert actors.lookup("Human Rights Watch").name == "Human Rights Watch"
    assert actors.lookup("researchers at HRW").name == "Human Rights Watch"
    assert actors.lookup("Amnesty's Crisis Evidence Lab").name == "Amnesty International"
    assert actors.lookup("the WHO").kind == "independent"
    assert actors.lookup("a field team from the IOM").kind == "independent"
    assert actors.lookup("people who fled") is None  # acronyms match case-sensitively


def test_actors_side_from_country_or_demonym():
    assert actors.country_in("Serbia's interior ministry") == "Serbia"
    assert actors.country_in("the ethnic Albanian authorities") == "Albania"
    assert actors.country_in("the Serbian police") == "Serbia"
    assert actors.country_in("Georgian border guards") == "Georgia"
    assert actors.country_in("three farmers") is None


def test_actors_classify_kinds():
    verifier = actors.classify(Speaker(name="Bellingcat"))
    assert (verifier.kind, verifier.actor) == ("independent_verifier", "Bellingcat")
    witness = actors.classify(Speaker(name="three farmers"))
    assert witness.kind == "independent"
    parties = frozenset({"Serbia", "Croatia"})
    party = actors.classify(Speaker(name="Serbia's interior ministry"), parties)
    assert (party.kind, party.side, party.type) == ("party", "Serbia", "government")
    third = actors.classify(Speaker(name="Italy's foreign ministry"), parties)
    assert (third.kind, third.side) == ("third_party", "Italy")


def test_actors_classify_verifier_by_appositive():
    osint = actors.classify(Speaker(name="Valley Watch", role="an open-source investigation group"))
    assert (osint.kind, osint.side) == ("independent_verifier", None)
    monitor = actors.classify(Speaker(name="Danube Monitor", role="a human rights monitoring group"))
    assert monitor.kind == "independent_verifier"


def test_actors_classify_named_armed_group_and_its_spokesman():
    group = actors.classify(Speaker(name="the Karen National Army"))
    assert (group.kind, group.type, group.side) == ("party", "armed_group", "Karen National Army")
    person = actors.classify(Speaker(name="Saw Htoo", role="who speaks for the Karen National Army in Hpapun"),
                             person=True)
    assert (person.kind, person.type, person.side) == ("party", "person", "Karen National Army")
    rebel = actors.classify(Speaker(name="a spokesman for the rebel administration"))
    assert rebel.kind == "party"


def test_actors_parties_from_attack_sentences():
    text = ("Serbian artillery shelled the town. Croatian forces fired rockets at Vukovar. "
            "Serbia launched drones. Croatia said it hit a depot. Italy called for calm.")
    assert actors.parties_in(text) == frozenset({"Serbia", "Croatia"})


def test_actors_parties_count_the_title_line():
    text = ("Ethiopia: rebels accused of killings in Mekelle camp\nBy A. Writer, Some Outlet\n\n"
            "Ethiopia's federal government accused the rebels of killing 12 people.")
    assert "Ethiopia" in actors.parties_in(text)


def test_actors_user_registry_layers_over_shipped(tmp_path):
    extra = tmp_path / "actors.toml"
    extra.write_text('[[actor]]\nname = "Valley Watch"\naliases = ["VW Monitors"]\n'
                     'type = "organisation"\nkind = "independent_verifier"\n', encoding="utf-8")
    names = {a.name for a in actors.registry(str(extra))}
    assert "Valley Watch" in names and "Human Rights Watch" in names


def test_speaker_role_of_an_organisation_named_by_a_generic_noun():
    """"a researcher at the group" speaks for the organisation last quoted; the role keeps no quote marks."""
    from claimledger import statements
    text = ('The Norwegian Refugee Council said the camp was hit twice.\n\n'
            '"We saw no soldiers there," said Mira Olsen, a field coordinator at the organisation.\n\n'
            '"The militia is shelling the hospital," an army spokesman, Colonel Adil Umar, said.')
    found = statements.extract(statements.pipeline()(text))
    olsen = next(s.speaker for s in found if s.speaker.name == "Mira Olsen")
    assert (olsen.kind, olsen.side) == ("independent", None)
    umar = next(s.speaker for s in found if s.speaker.name == "Adil Umar")
    assert umar.role == "an army spokesman"


def test_actors_a_place_after_a_military_word_is_no_named_force():
    officer = actors.classify(Speaker(name="An army officer in Kassala"))
    assert (officer.kind, officer.side) == ("unknown", None)
    group = actors.classify(Speaker(name="the Wagner Group forces"))
    assert (group.kind, group.side) == ("party", "Wagner Group")


def test_actors_congo_by_any_of_its_names():
    for text in ("the DRC army", "Congo's government", "the Democratic Republic of the Congo", "Congolese troops"):
        assert actors.country_in(text) == "DR Congo", text


def test_actors_researcher_at_the_group_takes_the_organisation_not_the_country_word():
    from claimledger import statements

    text = "Israeli shells hit two villages in south Lebanon, killing a farmer. Israel said it struck Hezbollah " \
           "sites in Lebanon after rockets were fired. Human Rights Watch said it had verified the videos. “The " \
           "strikes were unlawful,” said Jane Roe, a Lebanon researcher at the group."
    sts = statements.extract(statements.pipeline()(text))
    roe = sts[-1]
    assert roe.speaker.name == "Jane Roe" and roe.speaker.role == "a Lebanon researcher at the group"
    assert (roe.speaker.kind, roe.speaker.side) == ("independent_verifier", None)
    assert roe.speaker.actor == "Human Rights Watch"
    assert roe.content.text == "The strikes were unlawful"
    assert text[roe.content.start:roe.content.end] == roe.content.text


def test_actors_armed_groups_are_their_own_side():
    m23 = actors.classify(Speaker(name="The M23"))
    assert (m23.kind, m23.type, m23.side) == ("party", "armed_group", "March 23 Movement")
    official = actors.classify(Speaker(name="a Hezbollah official"))
    assert (official.kind, official.side) == ("party", "Hezbollah")
    mission = actors.classify(Speaker(name="MONUSCO"))
    assert mission.kind == "independent" and mission.side is None


# ---------------------------------------------------------------- canonical actors

def test_actors_acronyms_the_text_defines():
    text = ("Fighters of the Valley Defence Front (VDF) crossed the river. The Coastal Liberation Army (ELC) denied it. "
            "The ceasefire held on Sunday (AFP).")
    found = actors.defined_acronyms(text)
    assert found == {"VDF": "Valley Defence Front", "ELC": "Coastal Liberation Army"}  # a translated acronym too


def test_actors_an_in_text_acronym_is_an_alias_of_its_name():
    acronyms = {"VDF": "Valley Defence Front"}
    short, full = actors.resolve("VDF fighters", acronyms), actors.resolve("the Valley Defence Front", acronyms)
    assert short == full and short.name == "Valley Defence Front" and "VDF" in short.aliases
    assert (short.type, short.kind, short.side) == ("armed_group", "party", "Valley Defence Front")


def test_actors_well_known_aliases_resolve_to_the_registry_name():
    a, b = actors.resolve("RSF paramilitaries"), actors.resolve("the Rapid Support Forces")
    assert a.name == b.name == "Rapid Support Forces" and "RSF" in a.aliases


def test_actors_a_state_its_forces_and_its_demonym_are_one_actor():
    names = ["Georgian", "the Georgian army", "Georgia's military", "Georgian forces", "Georgia", "Armed Forces of Georgia"]
    resolved = {actors.resolve(n).name for n in names}
    assert resolved == {"Georgia"}
    georgia = actors.resolve("Georgian troops")
    assert (georgia.type, georgia.kind, georgia.side) == ("government", "party", "Georgia")
    assert "Georgian" in georgia.aliases and "Georgian troops" in georgia.aliases


def test_actors_a_demonym_by_its_ending_and_country_codes():
    assert actors.resolve("Chilean marines").name == "Chile"  # no table entry: the ending names the country
    assert actors.iso2("Republic of Armenia") == actors.iso2("Armenian") == "AM"
    assert actors.iso2("Narnia") is None


def test_actors_a_named_force_or_two_states_are_not_one_state():
    assert actors.resolve("Libyan National Army").name == "Libyan National Army"  # a force of its own
    assert actors.state_of("Syrian or Russian") is None
    assert actors.resolve("masked gunmen").name == "masked gunmen"


def test_actors_a_perpetrator_must_be_an_agent():
    cases = {
        "Oct. 3": "a date or time", "Sunday": "a date or time", "Monday's attack": "a date or time",
        "(0900 GMT) attack": "a date or time", "the Black Sunday bombings": "an event",
        "Sukhoi": "a weapon or aircraft", "release of their prisoners": "no doer named", "No group": "nobody named",
        "15 people": "a number", "the Kessel airport": "a place",
    }
    for name, why in cases.items():
        assert actors.not_agent(name) == why, name
        assert actors.resolve(name) is None
    for agent in ("Georgian", "20 gunmen", "masked men", "Russian Sukhoi jets", "the Valley Defence Front"):
        assert actors.is_agent(agent), agent


def test_actors_a_dateline_is_no_doer():
    name = "BORVIK, Ostland \u2014 Fighters of the Valley Defence Front"
    assert actors.not_agent(name) == "a dateline"
    assert name[actors.dateline_end(name):] == "Fighters of the Valley Defence Front"


def test_actors_a_speaker_named_by_an_in_text_acronym_is_that_party():
    sp = actors.canonical_speaker(Speaker(name="the VDF"), {"VDF": "Valley Defence Front"})
    assert (sp.actor, sp.kind, sp.side) == ("Valley Defence Front", "party", "Valley Defence Front")
    assert "VDF" in sp.aliases
    hrw = actors.canonical_speaker(Speaker(name="HRW", kind="independent_verifier"), {})
    assert hrw.actor == "Human Rights Watch" and "HRW" in hrw.aliases


def test_actors_an_ombudsman_or_ministry_of_no_named_state_gets_a_kind():
    office = Speaker(name="the Ombudsman's Office", type="government")
    assert actors.classify(office).kind == "unknown"  # no state in the words themselves
    one = actors.canonical_speaker(office, {}, frozenset({"Georgia"}))
    assert (one.kind, one.side) == ("party", "Georgia")  # the one state the article is about
    two = actors.canonical_speaker(Speaker(name="The Ministry of Defence", type="government"), {},
                                   frozenset({"Georgia", "Armenia"}))
    assert (two.kind, two.side) == ("party", None)
    assert actors.canonical_speaker(office, {}).kind == "third_party"


def test_statements_speakers_carry_canonical_actors():
    from claimledger import statements
    text = ("The Valley Defence Front (VDF) has held the ridge since May.\n\n"
            "The VDF said its fighters had not entered the town of Kessel.")
    found = statements.extract(statements.pipeline()(text))
    vdf = next(s for s in found if "VDF" in s.speaker.name)
    assert (vdf.speaker.actor, vdf.speaker.kind) == ("Valley Defence Front", "party")
