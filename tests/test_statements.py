"""Attributed statements on sentences written for these tests (fictional people, real places)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import lists as st_lists
from hypothesis.strategies import sampled_from

from claimledger import statements
from claimledger.models import Statement

PUBLISHED = date(2024, 3, 14)  # a Thursday


@pytest.fixture(scope="module")
def pipe():
    return statements.pipeline()


def run(pipe, text: str, published: date | None = PUBLISHED) -> list[Statement]:
    found = statements.extract(pipe(text), published=published, prefix="S")
    for st in found:
        check_spans(text, st)
    return found


def check_spans(text: str, st: Statement) -> None:
    for span in (st.content, st.cue_span, st.date_span, st.speaker.mention):
        if span is not None:
            assert text[span.start:span.end] == span.text


def test_statements_indirect_with_role_and_date(pipe):
    text = "Jana Petrova, a spokeswoman for the regional governor, said on Tuesday that three shells hit a school."
    (st,) = run(pipe, text)
    assert st.speaker.name == "Jana Petrova"
    assert "spokeswoman" in st.speaker.role
    assert st.speaker.mention.text == "Jana Petrova"
    assert st.cue == "said" and st.quote == "indirect"
    assert st.content.text == "three shells hit a school"
    assert st.date == "2024-03-12" and st.date_span.text == "on Tuesday"
    assert st.id == "S1"


def test_statements_direct_quote_after_cue_inverted(pipe):
    text = "“We saw the missile hit the market before noon,” said Omar Haddad, a shopkeeper."
    (st,) = run(pipe, text)
    assert st.quote == "direct"
    assert st.content.text == "We saw the missile hit the market before noon"
    assert st.speaker.name == "Omar Haddad"


def test_statements_split_quote_is_one_statement(pipe):
    text = "“The shelling started at dawn,” Lena Moroz said, “and it did not stop until the evening.”"
    (st,) = run(pipe, text)
    assert st.quote == "direct"
    assert st.content.text.startswith("The shelling started at dawn")
    assert st.content.text.endswith("did not stop until the evening.")


def test_statements_multi_sentence_quote_is_one_statement(pipe):
    text = ("“The bridge is gone. Nobody can leave the town now. We need water,” the mayor, Ivan Soko, "
            "told reporters by telephone.")
    (st,) = run(pipe, text)
    assert st.content.text == "The bridge is gone. Nobody can leave the town now. We need water"
    assert st.speaker.name == "Ivan Soko" and st.channel == "telephone"


def test_statements_pronoun_takes_antecedent(pipe):
    text = ("Tomas Berg, a local doctor, said four patients arrived with burns.\n\n"
            "He added that the hospital had run out of antibiotics.")
    first, second = run(pipe, text)
    assert second.speaker.name == "Tomas Berg"
    assert second.speaker.mention.text == "He"
    assert second.cue == "added"
    assert second.content.text == "the hospital had run out of antibiotics"


def test_statements_according_to_verifier(pipe):
    text = "Two clinics in Idlib were damaged in the strikes, according to Human Rights Watch."
    (st,) = run(pipe, text)
    assert st.cue == "according to"
    assert st.speaker.name == "Human Rights Watch"
    assert st.speaker.kind == "independent_verifier"
    assert st.content.text == "Two clinics in Idlib were damaged in the strikes"


def test_statements_accused_of(pipe):
    text = "The defence ministry accused rebel fighters of shelling a market in Aleppo on Monday."
    (st,) = run(pipe, text)
    assert st.cue == "accused"
    assert st.content.text.startswith("rebel fighters of shelling a market")


def test_statements_clause_before_cue(pipe):
    text = "Drones struck a fuel depot near Kherson overnight, the regional administration said."
    (st,) = run(pipe, text)
    assert st.content.text == "Drones struck a fuel depot near Kherson overnight"
    assert st.speaker.name == "the regional administration"


def test_statements_relayed_once_with_reported_by(pipe):
    text = "Troops shelled the village of Kuzmino, the governor said, Interfax reported."
    (st,) = run(pipe, text)
    assert st.speaker.name == "the governor"
    assert st.reported_by == "Interfax"


def test_statements_cited_witnesses_keep_original_source(pipe):
    text = "The monitoring group cited farmers who said they had heard jets before the blast."
    (st,) = run(pipe, text)
    assert st.speaker.name == "farmers"
    assert st.reported_by == "The monitoring group"
    assert st.content.text.startswith("they had heard jets")


def test_statements_scare_quotes_and_titles_are_not_statements(pipe):
    text = "The so-called “security zone” was widened, and the film “Night Convoy” opened in Kyiv."
    assert run(pipe, text) == []


def test_statements_headline_and_byline_are_skipped(pipe):
    text = ("Ministry says strikes hit depot\nBy Jane Roe, Example Wire\n\n"
            "KYIV — The ministry said two depots were destroyed.")
    (st,) = run(pipe, text)
    assert st.content.text == "two depots were destroyed"
    assert st.speaker.name == "The ministry"


def test_statements_channel_and_participle_continuation(pipe):
    text = "Karl Moen wrote on Facebook that the convoy had been hit, saying two drivers were missing."
    (st,) = run(pipe, text)
    assert st.channel == "Facebook"
    assert "the convoy had been hit" in st.content.text and "two drivers were missing" in st.content.text


def test_statements_definite_description_resolves(pipe):
    text = ("Amnesty International said the strike on the dam was unlawful. "
            "The group said it had reviewed satellite images of the site.")
    first, second = run(pipe, text)
    assert second.speaker.name == "Amnesty International"
    assert second.speaker.mention.text == "The group"


def test_statements_odd_unicode_keeps_offsets(pipe):
    text = ("\u200fMarta\u00a0Kos said\u200b that \u00abthe power plant was hit twice\u00bb.\n\n"
            "\u201cThe lights went out,\u201d Pavel Linn said.")
    first, second = run(pipe, text)
    assert "Kos" in first.speaker.name and first.cue == "said"
    assert "the power plant was hit twice" in first.content.text
    assert second.quote == "direct" and second.content.text == "The lights went out"


def test_statements_long_documents_parse_in_chunks(pipe):
    para = "Officials said {n} buildings were damaged in the town of Izium.\n\n"
    text = "".join(para.format(n=i) for i in range(40))
    doc = statements.parse(pipe, text, max_chars=600)
    assert doc.text == text
    found = statements.extract(doc, PUBLISHED)
    assert len(found) == 40
    for st in found:
        check_spans(text, st)
    assert [c for _, c in statements.chunks(text, 600)] and "".join(c for _, c in statements.chunks(text, 600)) == text


def test_statements_workers_keep_quotes(pipe):
    text = "“We will not retreat,” the commander said."
    (doc,) = list(pipe.pipe([text], n_process=1))
    (st,) = statements.extract(doc, PUBLISHED)
    assert st.content.text == "We will not retreat"


def test_statements_gold_scores(pipe, shared_dir, tmp_path):
    """On the development gold (seed + dev), statement F1 and speaker agreement stay high."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import eval_statements

    ledger = eval_statements.ledger_for(eval_statements.gold_docs())
    out = tmp_path / "ledger.json"
    out.write_text(json.dumps(ledger))
    res = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), str(out),
                          *map(str, eval_statements.gold_files()), "--json"], capture_output=True, text=True, check=True)
    scores = json.loads(res.stdout)
    assert scores["bad_offsets"] == 0
    assert scores["statement_f1"] >= 0.9
    assert scores["statement_speaker_f1"] >= 0.85


def test_statements_source_quoted_inside_a_quotation_is_nested(pipe):
    text = ("“Local officials reported that the bridge was destroyed overnight, and we saw the damage ourselves,” "
            "Anna Lind, a volunteer, said.")
    found = run(pipe, text)
    outer = next(s for s in found if s.speaker.name == "Anna Lind")
    inner = next(s for s in found if s.speaker.name == "Local officials")
    assert inner.reported_by == "Anna Lind" and inner.parent == outer.id
    assert inner.content.text.startswith("the bridge was destroyed overnight")
    assert outer.quote == "direct"


def test_statements_signed_quotes_and_transcript_labels(pipe):
    text = ("\u201cWe waited three days for the convoy and nobody came.\u201d \u2015 Rana Aziz\n\n"
            "GAZA CITY: Strikes hit the camp overnight.\n\n"
            "MODERATOR: Let us begin with the ceasefire talks.")
    found = run(pipe, text)
    assert [(s.speaker.name, s.cue, s.quote) for s in found] == [("Rana Aziz", "\u2015", "direct"),
                                                                  ("MODERATOR", ":", "direct")]
    assert found[0].content.text == "We waited three days for the convoy and nobody came."
    assert found[1].content.text == "Let us begin with the ceasefire talks."


WORDS = ["the", "ministry", "said", "that", "he", "she", "added", "\u201c", "\u201d", '"', "''", ",", ".", "according",
         "to", "Anna", "Lind", "accused", "troops", "of", "shelling", "Kharkiv", "on", "Monday", "\n\n", "\u00a0",
         "\u200b", "\u2015", "WALLACE:", "told", "reporters", "the", "group", "it", "denied"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st_lists(sampled_from(WORDS), max_size=40))
def test_statements_any_text_keeps_exact_offsets(pipe, words):
    text = " ".join(words)
    for found in statements.extract(pipe(text), published=PUBLISHED):
        check_spans(text, found)
        assert found.content.end > found.content.start
