"""Why an incident needs a human, and the marked, escaped source excerpt."""
from __future__ import annotations

from claimledger.web.views import excerpt, reasons, side_of


def _st(name, kind, side=None):
    return {"speaker": {"name": name, "kind": kind, "side": side}}


def test_web_views_reasons_from_the_ledger():
    two_sides = [_st("a spokesman", "party", "Northland"), _st("the mayor", "party", "Southland")]
    assert reasons({"status": "corroborated", "sources": ["a", "b"]}, [{"confidence": 0.7}], two_sides,
                   [{"status": "corroborated"}], "analyst") == []
    got = reasons({"status": "disputed", "sources": ["a"]}, [{"confidence": 0.3}, {"confidence": 0.4}],
                  [_st("unknown", "unknown")], [{"status": "corroborated"}, {"status": "refuted"}])
    assert got == ["verifiers disagree", "single source", "narrated only: no named source", "low confidence",
                   "status not reviewed"]
    one_side = [_st("a spokesman", "party", "Northland"), _st("the ministry", "party", "Northland")]
    assert "only one side speaks" in reasons({"status": "alleged", "sources": ["x", "y"]}, [], one_side, [])
    assert "analyst marked it refuted" in reasons({"status": "refuted", "sources": ["x", "y"]}, [], [], [],
                                                  "analyst")


def test_web_views_excerpt_marks_the_exact_span_escaped():
    text = "He said <b>the depot</b> & the school were hit. " + "More words follow here. " * 30
    start = text.index("<b>")
    end = text.index("</b>") + 4
    out = str(excerpt(text, start, end, "<b>the depot</b>"))
    assert "<mark>&lt;b&gt;the depot&lt;/b&gt;</mark>" in out and "&amp; the school" in out
    assert out.endswith("…") and "<b>" not in out
    wrong = str(excerpt(text, start, end, "something else"))
    assert "<mark>" not in wrong and "does not match" in wrong
    assert "<mark>" not in str(excerpt(text, 10, 5000))


def test_web_views_side_of_a_source():
    assert side_of(_st("x", "party", "Northland")) == "party: Northland"
    assert side_of(_st("x", "independent_verifier")) == "independent verifier"
    assert side_of({}) == "unknown"
