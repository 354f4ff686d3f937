"""Hard-wrapped text: which line breaks wrap a sentence, and offsets kept through the reflowed parse."""
from __future__ import annotations

from claimledger import nlp, statements
from claimledger.models import Place, Span, Statement, Speaker

WRAPPED = ("    TOWNSVILLE -- Fighters of an armed group stormed two\n"
           "    farming villages south of the river on Sunday, killing at\n"
           "    least 12 residents, according to a local rights monitor.\n"
           "\n"
           "    The attackers torched homes and a small clinic before they\n"
           "    withdrew toward the hills, two witnesses told reporters.\n")


def test_nlp_soft_wraps_are_the_breaks_inside_sentences():
    breaks = [i for i, c in enumerate(WRAPPED) if c == "\n"]
    wraps = nlp.soft_wraps(WRAPPED)
    # the two breaks inside the first paragraph and the one inside the second wrap; the paragraph ends do not
    assert wraps == [breaks[0], breaks[1], breaks[4]]
    flowed = nlp.reflow(WRAPPED)
    assert len(flowed) == len(WRAPPED) and flowed.count("\n") == 3


def test_nlp_unwrapped_text_keeps_every_break():
    text = ("Strike on depot\nA drone hit a fuel depot in the port on Monday.\nThe fire burned for hours.\n"
            "Officials said two workers were hurt\n")
    assert nlp.soft_wraps(text) == []
    assert nlp.reflow(text) == text


def test_nlp_a_line_going_on_in_lower_case_is_a_wrap_even_when_short():
    text = "The convoy was hit near the bridge,\nkilling two drivers.\nA second line Starts here."
    assert nlp.soft_wraps(text) == [text.index("\n")]


def test_nlp_wrapped_sentence_parses_as_one_and_spans_slice_the_stored_text():
    doc = statements.pipeline()(nlp.reflow(WRAPPED))
    first = WRAPPED.index("Fighters")
    sent = next(s for s in doc.sents if s.start_char <= first < s.end_char)
    assert "monitor." in sent.text  # the whole wrapped sentence is one
    found = statements.extract(doc)
    assert found and all(WRAPPED[s.content.start:s.content.end] != s.content.text or "\n" not in s.content.text
                         for s in found)
    restored = nlp.restore_spans(found, WRAPPED)
    for s in restored:
        assert WRAPPED[s.content.start:s.content.end] == s.content.text
    assert any("\n" in s.content.text for s in restored)  # a content that runs over a wrap


def test_nlp_restore_spans_reslices_nested_records():
    text = "Port\n  city"
    flowed = nlp.reflow(text)
    st = Statement(Speaker("x", mention=Span.of(flowed, 0, 11)), "said", Span.of(flowed, 0, 11))
    place = Place(name=flowed[0:11], start=0, end=11)
    st2, place2 = nlp.restore_spans([st, place], text)
    assert st2.content.text == text and st2.speaker.mention.text == text and place2.name == text
