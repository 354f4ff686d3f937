"""The stance step, sentence by sentence, grouped by construction (every sentence is our own wording)."""
from __future__ import annotations

import pytest

from claimledger.assessments.stance import rate


def status(text, content=None, speaker=None):
    return rate(text, content, speaker).status()


# --- cannot verify: a checking verb under negation or an inability word -----------------------------------

@pytest.mark.parametrize("text", [
    "The shelling made it impossible to verify the reports from the valley.",
    "Monitors said they could not independently verify the governor's account.",
    "The team was unable to confirm what happened at the dam.",
    "Investigators failed to establish what had happened in the port.",
    "There was no way to verify the claims, the mission said.",
])
def test_cannot_verify_is_insufficient_never_corroborated(text):
    assert status(text) == "insufficient_evidence"


def test_a_claim_that_remains_a_claim_is_insufficient():
    assert status("Until inspectors reach the valley, each allegation remains an allegation.") == "insufficient_evidence"


def test_a_checking_verb_without_negation_is_positive():
    assert status("The agency verified the photographs and geolocated them to the harbour.") == "corroborated"


# --- what could not be verified: the toll, who did it, or the weapon's make ----------------------------------

def test_an_unverified_toll_beside_a_confirmed_strike_is_partial():
    assert status("It confirmed the strike on the depot but could not confirm the death toll.") == \
        "partially_corroborated"


def test_a_toll_not_supported_is_a_core_gap():
    sig = rate("Its own research did not support that figure.")
    assert sig.core_gap and sig.status() == "insufficient_evidence"


def test_who_did_it_unknown_matters_only_for_a_claim_naming_someone():
    sig = rate("Fragments at the site came from a guided bomb, and the group verified the strike, but it could not "
               "establish which force flew the aircraft.")
    assert sig.perp_gap
    assert sig.for_claim("the air force").status() == "partially_corroborated"
    assert sig.for_claim(None).status() == "corroborated"


def test_who_fired_remains_unclear_is_a_perpetrator_gap():
    sig = rate("Who launched the rockets remains unclear.")
    assert sig.perp_gap and not sig.insufficient


# --- footage from another time or place ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The clip was filmed years earlier, the analysts said.",
    "The footage was shot elsewhere, they found.",
    "The photo had been taken in another country.",
    "The video had not been filmed in the town at all.",
    "The fact-checkers said the picture was misattributed.",
    "Researchers said the clip had been debunked long ago.",
])
def test_old_or_misplaced_media_refutes(text):
    assert status(text) == "refuted"


def test_the_verifiers_own_imagery_taken_before_is_no_refutation():
    assert status("Satellite images taken the day before showed no vehicles at the farm.") != "refuted"


# --- partial confirmation, fit, verdicts -------------------------------------------------------------------

def test_partly_supports_is_partial():
    assert status("Its study of the debris partly supports the mayor's account.") == "partially_corroborated"


def test_typical_of_is_a_positive_finding():
    assert status("The burns were typical of an incendiary weapon.") == "corroborated"


def test_more_consistent_with_something_else_refutes_the_claim():
    sig = rate("The injuries were more consistent with a fall than with a beating.")
    assert sig.for_claim(None, r"beat\w*").status() == "refuted"
    assert sig.for_claim(None, r"fall\w*").status() == "corroborated"


@pytest.mark.parametrize("text,want", [
    ("The desk rates the claim as false.", "refuted"),
    ("Our team rated the post as disputed.", "disputed"),
    ("The unit rates the report as misleading.", "partially_corroborated"),
])
def test_a_stated_verdict_is_the_status(text, want):
    assert status(text) == want


# --- relaying is no finding ----------------------------------------------------------------------------------

def test_relayed_demands_are_no_finding():
    text = "The monitoring group said the militia demanded the release of its commanders."
    assert status(text, "the militia demanded the release of its commanders", "The monitoring group") is None


def test_relayed_estimates_are_no_finding():
    text = "The observatory said some 30 soldiers died, according to medical sources."
    assert status(text, "some 30 soldiers died, according to medical sources", "The observatory") is None


def test_the_verifiers_own_words_are_not_relayed():
    text = "Amnesty said its researchers confirmed the strike."
    assert status(text, "its researchers confirmed the strike", "Amnesty") == "corroborated"


# --- some of several, and hearsay -------------------------------------------------------------------------

def test_verifying_some_of_the_reported_cases_is_partial():
    assert status("The mission said it had confirmed six of the reported deaths.") == "partially_corroborated"


def test_reports_that_reached_the_verifier_are_no_finding():
    sig = rate("The office said it had received reports that gunmen seized 20 boys.")
    assert sig.relay and sig.status() is None
    assert not rate("The office said it had received credible reports that gunmen seized 20 boys.").relay


def test_hearsay_the_verifier_could_not_verify_is_rated():
    assert status("The office said it had received reports of killings but could not verify them.") == \
        "insufficient_evidence"


def test_logged_reports_are_hearsay():
    assert rate("The monitor said it had also logged local reports that a missile hit a farm.").relay
    assert not rate("The mission said it had recorded 90 civilian deaths since May.").relay
