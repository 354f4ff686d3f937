"""The one vocabulary: every stage reads act types, statuses and shared word lists from vocabulary.py."""
from claimledger import allegations, assessments, export, incidents, models, report, speakers, statements, time, vocabulary
from claimledger.vocabulary import ACTS, NO_INCIDENT_ACTS


def test_every_act_has_family_priority_acled_and_incident_eligibility():
    assert set(models.ACTS) == set(ACTS) and "other" in ACTS
    assert sorted(a.priority for a in ACTS.values()) == list(range(len(ACTS)))
    acled_types = {"Explosions/Remote violence", "Violence against civilians", "Strategic developments"}
    for act in ACTS.values():
        assert act.acled[0] in acled_types and act.acled[1]
    assert NO_INCIDENT_ACTS == {"threat", "planned_attack", "genocidal_intent"}
    assert vocabulary.family("missile_strike") == vocabulary.family("killing") == "attack"
    assert vocabulary.family("detention") == "detention" and vocabulary.family("unheard_of") == "unheard_of"


def test_priority_puts_the_delivery_before_the_general_act():
    assert vocabulary.priority("airstrike") < vocabulary.priority("attack_on_civilians") < vocabulary.priority("threat")
    assert vocabulary.priority("no_such_act") == len(ACTS)
    assert vocabulary.acled("no_such_act") == ACTS["other"].acled


def test_stages_share_one_definition():
    assert incidents.NO_INCIDENT_ACTS is assessments.NO_INCIDENT_ACTS is NO_INCIDENT_ACTS
    assert allegations.ACCUSE <= statements.ACCUSE and "criticise" in statements.ACCUSE - allegations.ACCUSE
    assert speakers.PRONOUNS["they"] == "group" and speakers.PRONOUNS["she"] == "person"
    assert time.WEEKDAYS["monday"] == 0 and assessments.linking.WEEKDAYS[6] == "sunday"
    assert report.STATUSES[0] == "corroborated" and set(report.STATUSES) == set(models.STATUSES)
    assert export.acled_type("detention", []) == ACTS["detention"].acled


def test_status_rank_orders_corroboration():
    rank = vocabulary.STATUS_RANK
    assert rank["alleged"] < rank["insufficient_evidence"] < rank["partially_corroborated"] < rank["corroborated"]
