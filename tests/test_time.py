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


def test_time_dates_out_of_range_are_dropped_with_a_warning(caplog):
    """Relative dates that would fall before year 1 or after year 9999 are dropped, never raised."""
    cases = [("The siege began 99999999 days ago.", date(2024, 1, 1), "99999999 days ago"),
             ("Shelling resumed yesterday.", date(1, 1, 1), "yesterday"),
             ("Strikes continued this week.", date(9999, 12, 31), "this week"),
             ("It ended 9999 years ago.", date(2024, 1, 1), "9999 years ago"),
             ("Talks stalled last month.", date(1, 1, 5), "last month")]
    for text, published, phrase in cases:
        caplog.clear()
        with caplog.at_level("WARNING", logger="claimledger.time"):
            assert find_dates(text, published) == []
        assert phrase in caplog.text and "out of range" in caplog.text
    assert found("Shelling resumed yesterday.", date(1, 1, 2)) == [("yesterday", "0001-01-01", "day")]


def test_time_out_of_range_date_does_not_fail_the_document(engine, tmp_path):
    import json

    from claimledger import ingest, pipeline

    text = ("The district governor said artillery shelled the market yesterday, killing two people. "
            "Officials said the siege began 99999999 days ago.")
    f = tmp_path / "old.jsonl"
    f.write_text(json.dumps({"id": "old", "text": text, "published": "0001-01-01"}) + "\n")
    assert ingest.ingest(engine, [str(f)]).stored
    summary = pipeline.analyze(engine)
    assert summary.failed == [] and summary.documents == 1
