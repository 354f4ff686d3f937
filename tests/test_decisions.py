"""Analyst decisions replayed onto a new clustering: applied, flagged when the machine's view changed, never
dropped (pure: no database)."""
from __future__ import annotations

from claimledger import decisions
from claimledger.models import Decision, Incident


def _derive(verdicts: dict[str, str]):
    """A derived status: the first member with a verifier's verdict, else alleged."""
    return lambda ids: (next((verdicts[a] for a in ids if a in verdicts), "alleged"), [])


def _machine(*groups):
    return [Incident("I." + g[0], list(g)) for g in groups]


def _replay(machine, ds, exists=None, verdicts=None):
    exists = exists if exists is not None else {a for i in machine for a in i.allegation_ids}
    st = decisions.replay(machine, ds, exists, _derive(verdicts or {}))
    return {i.id: i for i in decisions.render(st)}


def test_decisions_split_is_replayed_onto_the_same_clustering():
    split = Decision("split", [["D1.A1", "D1.A2", "D2.A1"]], "another street", "ana", moved=["D2.A1"], id=1)
    out = _replay(_machine(["D1.A1", "D1.A2", "D2.A1"]), [split])
    assert {i: x.allegation_ids for i, x in out.items()} == {"I.D1.A1": ["D1.A1", "D1.A2"], "R.D2.A1": ["D2.A1"]}
    assert out["R.D2.A1"].decisions[0]["rationale"] == "another street"
    assert not split.changes and not out["I.D1.A1"].needs_review


def test_decisions_two_merges_keep_both_rationales():
    ds = [Decision("merge", [["D1.A1"], ["D2.A1"]], "same crater in both photos", "ana", id=1),
          Decision("merge", [["D1.A1", "D2.A1"], ["D3.A1"]], "the wire copy names the same market", "ben", id=2)]
    out = _replay(_machine(["D1.A1"], ["D2.A1"], ["D3.A1"]), ds)
    assert list(out) == ["I.D1.A1"]
    assert out["I.D1.A1"].allegation_ids == ["D1.A1", "D2.A1", "D3.A1"]
    assert [d["rationale"] for d in out["I.D1.A1"].decisions] == ["same crater in both photos",
                                                                  "the wire copy names the same market"]


def test_decisions_vanished_allegation_flags_the_decision_and_keeps_it():
    status = Decision("status", [["D1.A1", "D1.A2"]], "footage is older", "ana", status="refuted",
                      derived="alleged", id=1)
    out = _replay(_machine(["D1.A1"]), [status], exists={"D1.A1"})
    inc = out["I.D1.A1"]
    assert (inc.status, inc.status_source, inc.rationale) == ("refuted", "analyst", "footage is older")
    assert status.needs_review and inc.needs_review == ["decision 1 (status by ana): D1.A2 no longer found by "
                                                        "the analysis"]


def test_decisions_a_decision_with_nothing_left_is_flagged_not_dropped():
    split = Decision("split", [["D1.A1", "D1.A2"]], "two events", "ana", moved=["D1.A2"], id=1)
    out = _replay(_machine(["D1.A1"]), [split], exists={"D1.A1"})
    assert list(out) == ["I.D1.A1"] and split.applied_to == []
    assert split.needs_review and "D1.A2 no longer found" in split.changes[0]


def test_decisions_another_derived_status_or_new_member_needs_review():
    status = Decision("status", [["D1.A1"]], "my own check", "ana", status="corroborated", derived="alleged", id=1)
    out = _replay(_machine(["D1.A1", "D4.A1"]), [status], verdicts={"D4.A1": "refuted"})
    assert out["I.D1.A1"].status == "corroborated"
    assert status.changes == ["D4.A1 joined since the decision",
                              "the machine now derives refuted for I.D1.A1 (it derived alleged)"]


def test_decisions_clustered_apart_is_flagged_and_status_applies_to_each_part():
    status = Decision("status", [["D1.A1", "D2.A1"]], "checked", "ana", status="refuted", derived="alleged", id=1)
    out = _replay(_machine(["D1.A1"], ["D2.A1"]), [status])
    assert {i.status for i in out.values()} == {"refuted"}
    assert any("clusters D1.A1 | D2.A1 apart" in c for c in status.changes)


def test_decisions_a_later_judgement_on_the_incident_settles_the_flag():
    old = Decision("status", [["D1.A1"]], "first look", "ana", status="refuted", derived="alleged", id=1)
    new = Decision("status", [["D1.A1", "D4.A1"]], "looked again", "ana", status="refuted", derived="alleged", id=2)
    out = _replay(_machine(["D1.A1", "D4.A1"]), [old, new])
    assert old.changes and old.settled_by == 2 and not old.needs_review
    assert out["I.D1.A1"].needs_review == []


def test_decisions_evidence_follows_its_allegations_to_a_new_incident_id():
    ev = Decision("evidence", [["D1.A1", "D1.A2"]], "", "ana", sha256="ab" * 32, record_type="incident",
                  record_id="I.D1.A1", id=1)
    st = decisions.replay(_machine(["D1.A2"]), [ev], {"D1.A2"}, _derive({}))
    assert st.evidence == {"I.D1.A2": {"ab" * 32: "ana"}} and ev.needs_review


def test_decisions_evidence_on_a_vanished_record_is_flagged():
    ev = Decision("evidence", [], "", "ana", sha256="cd" * 32, record_type="statement", record_id="D1.S9", id=1)
    decisions.replay([], [ev], set(), _derive({}), records={("statement", "D1.S1")})
    assert ev.changes == ["statement D1.S9 no longer found by the analysis"]


def test_decisions_split_takes_a_whole_incident_with_its_decisions():
    status = Decision("status", [["D2.A1"]], "staged", "ana", status="refuted", derived="alleged", id=1)
    split = Decision("split", [["D1.A1", "D1.A2", "D2.A1"]], "other town", "ben", moved=["D1.A2", "D2.A1"], id=2)
    # the machine now holds D2.A1 alone, and D1.A2 with D1.A1
    out = _replay(_machine(["D1.A1", "D1.A2"], ["D2.A1"]), [status, split])
    assert {i: x.allegation_ids for i, x in out.items()} == {"I.D1.A1": ["D1.A1"], "R.D1.A2": ["D1.A2", "D2.A1"]}
    assert [d["id"] for d in out["R.D1.A2"].decisions] == [1, 2]
    assert out["R.D1.A2"].status == "refuted"


def test_decisions_keep_holds_an_older_edited_incident_under_its_id():
    keep = Decision("keep", [["D1.A1", "D2.A1"]], "merged before decisions", "migration", incident_id="I.D1.A1",
                    id=1)
    out = _replay(_machine(["D1.A1", "D1.A3"], ["D2.A1"]), [keep])
    assert {i: x.allegation_ids for i, x in out.items()} == {"I.D1.A1": ["D1.A1", "D2.A1"], "I.D1.A3": ["D1.A3"]}
    assert not keep.changes
