"""The actor registry and the general rules for a speaker's type, kind and side."""
from __future__ import annotations

from claimledger import actors
from claimledger.models import Speaker


def test_actors_lookup_by_name_alias_and_acronym():
    assert actors.lookup("Human Rights Watch").name == "Human Rights Watch"
    assert actors.lookup("researchers at HRW").name == "Human Rights Watch"
    assert actors.lookup("Amnesty's Crisis Evidence Lab").name == "Amnesty International"
    assert actors.lookup("the WHO").kind == "independent"
    assert actors.lookup("people who fled") is None  # acronyms match case-sensitively


def test_actors_side_from_country_or_demonym():
    assert actors.country_in("Azerbaijan's defence ministry") == "Azerbaijan"
    assert actors.country_in("the ethnic Armenian authorities") == "Armenia"
    assert actors.country_in("Russian peacekeepers") == "Russia"
    assert actors.country_in("two residents") is None


def test_actors_classify_kinds():
    verifier = actors.classify(Speaker(name="Bellingcat"))
    assert (verifier.kind, verifier.actor) == ("independent_verifier", "Bellingcat")
    witness = actors.classify(Speaker(name="two residents"))
    assert witness.kind == "independent"
    parties = frozenset({"Azerbaijan", "Armenia"})
    party = actors.classify(Speaker(name="Azerbaijan's defence ministry"), parties)
    assert (party.kind, party.side, party.type) == ("party", "Azerbaijan", "government")
    third = actors.classify(Speaker(name="France's foreign ministry"), parties)
    assert (third.kind, third.side) == ("third_party", "France")


def test_actors_parties_from_attack_sentences():
    text = ("Azerbaijani artillery shelled the town. Armenian forces fired rockets at Ganja. "
            "Azerbaijan launched drones. Armenia said it hit a depot. France called for calm.")
    assert actors.parties_in(text) == frozenset({"Azerbaijan", "Armenia"})


def test_actors_user_registry_layers_over_shipped(tmp_path):
    extra = tmp_path / "actors.toml"
    extra.write_text('[[actor]]\nname = "Valley Watch"\naliases = ["VW Monitors"]\n'
                     'type = "organisation"\nkind = "independent_verifier"\n', encoding="utf-8")
    names = {a.name for a in actors.registry(str(extra))}
    assert "Valley Watch" in names and "Human Rights Watch" in names
