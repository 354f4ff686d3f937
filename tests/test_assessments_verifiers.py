"""Who is a verifier (sentences of our own wording)."""
from __future__ import annotations

import pytest

from claimledger.assessments import verifiers
from claimledger.models import Span, Speaker, Statement


def stmt(text, sid, name, content, kind="unknown", type_="organisation", role=None):
    start = text.index(content)
    return Statement(Speaker(name=name, kind=kind, type=type_, role=role), "said",
                     Span.of(text, start, start + len(content)), id=sid)


@pytest.mark.parametrize("name", ["The UN Board of Inquiry", "a panel of experts on Chad",
                                  "the Joint Investigative Mechanism", "the Commission of Inquiry",
                                  "Northlight Fact-Check"])
def test_investigating_bodies_are_verifiers(name):
    assert verifiers.investigating_body(name)


@pytest.mark.parametrize("name", ["the defence ministry", "the Inquirer newspaper", "Border Guard Service"])
def test_other_bodies_are_not(name):
    assert not verifiers.investigating_body(name)


def test_an_independent_expert_speaks_as_a_verifier_even_with_a_former_army_role():
    text = ("Officials said troops shot four farmers. Jonas Berg, a former navy officer who examined the photographs, "
            "said the wounds came from shrapnel.")
    ss = [stmt(text, "S1", "Officials", "troops shot four farmers", kind="party"),
          stmt(text, "S2", "Jonas Berg", "the wounds came from shrapnel", kind="party", type_="person",
               role="a former navy officer who examined the photographs")]
    assert verifiers.promote_verifiers(text, ss) == {"S2": "language"}


def test_a_forensic_pathologist_is_a_verifier():
    assert verifiers.expert_role("an independent forensic pathologist")
    assert not verifiers.expert_role("a regional army commander")


def test_a_foreign_ministry_reporting_its_own_inquiry_stays_a_claimant():
    text = "The foreign ministry said its own inquiry showed the convoy was hit by jets."
    ss = [stmt(text, "S1", "The foreign ministry", "its own inquiry showed the convoy was hit by jets",
               kind="third_party")]
    assert verifiers.promote_verifiers(text, ss) == {}


def test_a_body_named_before_a_pronoun_speaker_is_the_verifier():
    assert verifiers.body_named("The report by the Panel of Experts on Ruritania makes bleak reading: ") == \
        "Panel of Experts on Ruritania"
    assert verifiers.body_named("The minister said the report makes bleak reading: ") is None


def test_an_independent_speaker_whose_verb_is_a_finding_is_a_verifier():
    text = "Villagers said gunmen killed nine herders. The Red Crescent confirmed reports that nine herders died."
    ss = [stmt(text, "S1", "Villagers", "gunmen killed nine herders", kind="independent"),
          stmt(text, "S2", "The Red Crescent", "reports that nine herders died", kind="independent")]
    ss[1].cue = "confirmed"
    ss[0].cue = "said"
    assert verifiers.promote_verifiers(text, ss) == {"S2": "language"}


def test_a_pronoun_with_a_finding_verb_after_a_named_inquiry_is_a_verifier():
    text = ("The envoy said the report by the Commission of Inquiry on Ruritania makes bleak reading: it documents "
            "the shelling of six hospitals.")
    ss = [stmt(text, "S1", "it", "the shelling of six hospitals")]
    ss[0].cue = "documents"
    assert verifiers.promote_verifiers(text, ss) == {"S1": "language"}
    assert verifiers.verifier_name(ss[0], None, text[:ss[0].content.start]) == "Commission of Inquiry on Ruritania"


def test_an_unplaced_desk_whose_finding_verb_introduces_a_rating_is_a_verifier():
    text = "Factline Desk found that the clip was filmed years earlier."
    s = stmt(text, "S1", "Factline Desk", "the clip was filmed years earlier", type_="person")
    s.cue = "found"
    assert verifiers.promote_verifiers(text, [s]) == {"S1": "language"}
    text = "Police found that the car was parked outside."
    s = stmt(text, "S1", "Police", "the car was parked outside", type_="government")
    s.cue = "found"
    assert verifiers.promote_verifiers(text, [s]) == {}
