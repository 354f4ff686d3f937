"""Date mentions resolved against the publication date."""
from __future__ import annotations

from datetime import date

from claimledger.time import find_dates, last_weekday, resolve

PUBLISHED = date(2023, 9, 20)  # a Wednesday


def found(text: str, published: date | None = PUBLISHED):
    got = find_dates(text, published)
    for m in got:
        assert text[m.span.start:m.span.end] == m.span.text
    return [(m.span.text, m.value, m.precision) for m in got]


def test_time_weekday_is_latest_on_or_before_publication():
    assert found("Shells fell on Tuesday evening.") == [("on Tuesday evening", "2023-09-19", "day")]
    assert found("It happened on Wednesday.") == [("on Wednesday", "2023-09-20", "day")]
    assert found("Talks resumed on Thursday.") == [("on Thursday", "2023-09-14", "day")]
    assert last_weekday(0, PUBLISHED) == date(2023, 9, 18)


def test_time_relative_words():
    assert found("Yesterday the town was hit, and overnight the power failed.") == [
        ("Yesterday", "2023-09-19", "day"), ("overnight", "2023-09-20", "day")]
    (m,) = find_dates("Fighting intensified last week.", PUBLISHED)
    assert (m.value, m.precision, m.end_value) == ("2023-09-11", "week", "2023-09-17")


def test_time_months_resolve_to_the_past():
    assert found("The warning came in July.") == [("in July", "2023-07", "month")]
    assert found("Fighting began in late December.") == [("in late December", "2022-12", "month")]
    assert found("It was published in September 2018.") == [("in September 2018", "2018-09", "month")]


def test_time_explicit_dates():
    assert found("The strike on 4 October killed two.", date(2020, 10, 6)) == [("4 October", "2020-10-04", "day")]
    assert found("On October 4, 2020, the city was shelled.") == [("October 4, 2020", "2020-10-04", "day")]
    assert found("A day and month after publication means the year before: 25 December.") == [
        ("25 December", "2022-12-25", "day")]


def test_time_window_keeps_document_offsets():
    text = "Intro. He spoke on Monday about the strike on Sunday."
    start = text.index("He")
    got = find_dates(text, PUBLISHED, start, text.index(" about"))
    assert [(m.span.start, m.span.text, m.value) for m in got] == [(text.index("on Monday"), "on Monday", "2023-09-18")]


def test_time_without_publication_date_keeps_only_absolute_dates():
    assert found("On Tuesday, 4 October 2020, in July.", None) == [("4 October 2020", "2020-10-04", "day")]


def test_time_resolve_single_expression():
    assert resolve("on Monday", PUBLISHED) == ("2023-09-18", "day")
    assert resolve("in March 2022", PUBLISHED) == ("2022-03", "month")
    assert resolve("complete nonsense words", PUBLISHED) is None
