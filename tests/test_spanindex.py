"""Spans indexed by position: the same answers as comparing every pair, at a cost that grows linearly."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.longtext import document
from claimledger.nlp import find_quotes
from claimledger.quotes import _inside, _quote_near, is_real_quote
from claimledger.spanindex import SpanIndex

spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)).map(lambda x: (x[0], x[0] + x[1])), max_size=25)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(-2, 95), st.integers(0, 20))
def test_spanindex_answers_as_every_pair_would(items, at, width):
    items = sorted(items, key=lambda s: s[0])
    index = SpanIndex(items)
    a, b = at, at + width
    assert index.covering(a, b) == next((s for s in items if s[0] <= a and b <= s[1]), None)
    assert list(index.containing(at)) == [s for s in items if s[0] <= at < s[1]]
    assert list(index.containing(at, strict=True)) == [s for s in items if s[0] < at < s[1]]
    assert list(index.overlapping(a, b)) == [s for s in items if s[0] < b and a < s[1]]
    assert index.ending_in(a, b) == [s for s in items if a <= s[1] <= b]
    assert index.starting_in(a, b) == [s for s in items if a <= s[0] <= b]


def _quote_near_every_pair(text, quotes, block):
    """The all-pairs matching the index replaced: every quotation tested against the attribution block."""
    near = []
    for q in quotes:
        if q[1] <= block[0] and re.fullmatch(r"[\s,\u2014\u2013-]*", text[q[1]:block[0]]):
            near.append(q)
        elif q[0] >= block[1] and (re.fullmatch(r"[\s,:\u2014\u2013-]*", text[block[1]:q[0]]) or
                                   re.fullmatch(r",[^\n\"\u201c\u201d.!?;]{3,80},\s*", text[block[1]:q[0]])):
            near.append(q)
    return [q for q in near if is_real_quote(text, q)]


def test_spanindex_a_1mb_document_matches_cues_and_quotes_in_linear_comparisons():
    text = document(1_000_000)
    real = SpanIndex(q for q in find_quotes(text) if is_real_quote(text, q))
    cues = [m.span() for m in re.finditer(r"\b(?:said|told|says|added|accused)\b", text)]
    assert len(cues) > 5_000 and len(real) > 3_000
    start = SpanIndex.examined
    near = [_quote_near(text, real, cue) for cue in cues]
    inside = [real.inside(cue[0], strict=True) for cue in cues]
    held = [_inside(cue, real) for cue in cues]
    spent = SpanIndex.examined - start
    # every pair would be len(cues) * len(real), tens of millions; the index looks at a few per cue
    assert spent <= 4 * (len(cues) + len(real)), spent
    assert sum(map(bool, near)) > 1_000, "cues right beside their quotation find it"
    sample = range(0, len(cues), 397)  # the same answers as every pair, on a sample
    for i in sample:
        assert near[i] == _quote_near_every_pair(text, list(real), cues[i])
        assert inside[i] == any(q[0] < cues[i][0] < q[1] for q in real)
        assert held[i] == next((q for q in real if q[0] <= cues[i][0] and cues[i][1] <= q[1]), None)
