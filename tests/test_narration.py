"""Narrated events: sentences of our own, each a construction the outlet uses to tell an act itself."""
from __future__ import annotations

from datetime import date

import pytest

from claimledger import geo, narration, statements
from claimledger.models import ACTS

PUB = date(2024, 3, 14)


@pytest.fixture(scope="module")
def nlp():
    return statements.pipeline()


def narrated(nlp, text, outlet="Daily Wire Service"):
    doc = nlp(text)
    stmts = statements.extract(doc, published=PUB)
    places = geo.find_places(doc)
    algs = narration.extract(doc, stmts, places, PUB, prefix="D1.A", reported_by=outlet)
    for a in algs:
        spans = [a.span, a.act_span, a.perpetrator_span, a.date_span, *(t.span for t in a.targets),
                 *(w.span for w in a.weapons), *(a.casualties.spans if a.casualties else [])]
        for s in spans:
            if s is not None:
                assert text[s.start:s.end] == s.text
        assert a.narrated and a.statement_ids == [] and a.reported_by == outlet and a.act in ACTS
    return algs


# ---------------------------------------------------------------- told by the outlet

def test_narration_plain_attack_with_doer_target_place(nlp):
    text = "Gunmen stormed a police post outside Maiduguri on Sunday, killing four officers."
    (a,) = narrated(nlp, text)
    assert a.perpetrator == "Gunmen"
    assert a.act_span.text == "stormed"
    assert a.casualties and a.casualties.killed_min == 4
    assert a.span.text.startswith("Gunmen stormed")


def test_narration_agentless_deaths_from_a_bomb(nlp):
    text = "Nine police officers died when a roadside bomb hit their truck near the border crossing on Monday."
    (a,) = narrated(nlp, text)
    assert a.perpetrator is None
    assert [w.name for w in a.weapons] == ["roadside bomb"]
    assert a.casualties and a.casualties.killed_min == 9


def test_narration_explosion_and_phrasal_verbs(nlp):
    text = ("A car bomb exploded outside a hotel in the capital, wounding 15 guests.\n"
            "Two more devices went off near the central bus depot an hour later.")
    algs = narrated(nlp, text)
    assert [a.act_span.text for a in algs] == ["exploded", "went"]


def test_narration_headline_present_tells_a_past_event(nlp):
    text = "Truck bomb kills eleven at army checkpoint\nThe blast shook the whole district."
    algs = narrated(nlp, text)
    assert algs and algs[0].act_span.text in ("bomb", "kills")


# ---------------------------------------------------------------- what is not narration

def test_narration_trailing_cue_stays_attributed(nlp):
    text = "Gunmen stormed two villages in the north on Sunday, officials said."
    assert narrated(nlp, text) == []


def test_narration_according_to_stays_attributed(nlp):
    text = "Rockets struck a fuel depot near the harbour overnight, according to the port authority."
    assert narrated(nlp, text) == []


def test_narration_quotation_is_not_the_outlet(nlp):
    text = "\u201cThey shelled the school twice,\u201d a teacher told reporters."
    assert narrated(nlp, text) == []


@pytest.mark.parametrize("text", [
    "Militants could attack the garrison if the army withdraws.",  # modal, condition
    "The rebels plan to bomb the bridge next week.",  # a plan
    "Officials fear a new attack on the pipeline.",  # a fear
    "Gunmen did not attack the convoy.",  # negated
    "Insurgents attack convoys on this road almost every week.",  # a habit
    "Will the army shell the town again?",  # a question
    "The senator attacked the spending bill on Tuesday.",  # no violence
    "Seven miners were killed in an accidental explosion at the colliery.",  # an accident
    "Two men were killed.",  # a death told alone, no attack alleged
])
def test_narration_no_concrete_violent_event(nlp, text):
    assert narrated(nlp, text) == []


# ---------------------------------------------------------------- responsibility

def test_narration_claim_of_responsibility_names_the_perpetrator(nlp):
    text = "A bomb tore through a market in the town on Friday. The Northern Front accepted responsibility for the bombing."
    algs = narrated(nlp, text)
    claimed = [a for a in algs if a.act_span.text == "bombing"]
    assert claimed and claimed[0].perpetrator == "Northern Front"


def test_narration_no_group_claimed_gives_no_perpetrator(nlp):
    text = "A bomb tore through a market in the town on Friday. No group has claimed responsibility for the bombing."
    algs = narrated(nlp, text)
    assert algs and all(a.perpetrator is None for a in algs)
    assert all("no" not in (a.perpetrator or "").lower() for a in algs)


# ---------------------------------------------------------------- several sentences

def test_narration_deaths_told_after_the_attack_are_its_casualties(nlp):
    text = ("A suicide bomber blew himself up at a checkpoint outside the airbase on Tuesday.\n"
            "Six soldiers were killed and nine were wounded.")
    (a,) = narrated(nlp, text)
    assert a.act_span.text == "blew"
    assert a.casualties and a.casualties.killed_min == 6


def test_narration_the_attack_in_an_article_about_violence(nlp):
    text = ("Gunmen opened fire on worshippers at a mosque in the city on Friday, killing 12 people.\n"
            "The attack was the deadliest in the province this year.")
    algs = narrated(nlp, text)
    assert len(algs) == 2 and algs[1].act_span.text == "attack"


def test_narration_reporter_falls_back_to_domain_then_title():
    assert narration.reporter("Coastal Times") == "Coastal Times"
    assert narration.reporter(None, "https://www.example-news.org/a/1") == "example-news.org"
    assert narration.reporter(None, None, "Morning brief") == "Morning brief"
    assert narration.reporter(None, None, None, 7) == "document 7"


def test_narration_a_partys_own_release_tells_its_own_acts_as_self_claims(nlp):
    text = ("Our forces struck an ammunition depot of the enemy near Izium overnight, destroying 40 shells. "
            "Russia shelled Kharkiv again on Monday, killing two civilians.")
    algs = narrated(nlp, text, outlet="Ministry of Defence of Ukraine")
    assert [(a.act_span.text, a.perpetrator) for a in algs] == [("struck", "Ukraine"), ("shelled", "Russia")]
    assert algs[0].perpetrator_reason.startswith("self-claim")
