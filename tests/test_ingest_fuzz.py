"""Fuzzing the readers (text, HTML, RSS/Atom, JSONL) and the `ingest` command with Hypothesis.

Every input must end as documents or clear problems (never a traceback), be stored once however often it is
ingested, and keep every span exact. The normal suite runs a few examples per reader; `make fuzz` runs
many more (CLAIMLEDGER_FUZZ_EXAMPLES) and prints the tries and failures.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from claimledger import db, ingest
from claimledger.models import Document
from claimledger.time import find_dates

EXAMPLES = int(os.environ.get("CLAIMLEDGER_FUZZ_EXAMPLES", "8"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 20, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz_engine(request, tmp_path_factory):
    """One database per backend for all examples of the module (examples build on what is stored)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'ledger.db'}"
    else:
        url = request.getfixturevalue("pg_schema_url")()
    engine = db.connect(url)
    yield engine
    engine.dispose()


# --- strategies ------------------------------------------------------------------------------------------

# text that news carries, and the characters readers trip on
WORDS = st.sampled_from(["The", "ministry", "said", "shelling", "hit", "the", "market", "on", "Tuesday", "yesterday",
                         "3 March 2024", "last week", "99999999 days ago", "Київ", "«", "»", "\u2028", "\u0085",
                         "\r", "\t", "\u200b", "\ufeff", "\u0000", "&amp;", "&lt;", "<", ">", "\"", "'", "é",
                         "\U0001F4A5", "\\", "\n", "\n\n", "  "])
PROSE = st.lists(WORDS, max_size=40).map(" ".join)
ANY_TEXT = st.one_of(PROSE, st.text(max_size=200))
ENCODED = st.tuples(ANY_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1"])).map(
    lambda te: te[0].encode(te[1], errors="replace"))
RAW = st.one_of(ENCODED, st.binary(max_size=300))

TAGS = st.sampled_from(["p", "div", "article", "h1", "span", "br", "a", "script", "style", "meta", "title",
                        "table", "td", "li", "!--", "![CDATA["])
ATTR = st.tuples(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), ANY_TEXT,
                 st.sampled_from(['"', "'", ""])).map(lambda a: f' {a[0]}={a[2]}{a[1]}{a[2]}')


@st.composite
def html_pages(draw) -> bytes:
    parts = [draw(st.sampled_from(["<!DOCTYPE html>", "", "<?xml version='1.0'?>"])), "<html><head>",
             draw(st.sampled_from(['<meta charset="utf-8">', '<meta charset="utf-16">', '<meta charset="bogus">',
                                   '<meta charset="windows-1251">', ""])), "</head><body>"]
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(TAGS)
        attrs = "".join(draw(st.lists(ATTR, max_size=3)))
        parts.append(f"<{tag}{attrs}>{draw(PROSE)}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    if draw(st.booleans()):
        parts.append("</body></html>")
    html = "".join(parts)
    cut = draw(st.integers(0, len(html)))
    if draw(st.booleans()):
        html = html[:cut]  # a truncated page
    enc = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]))
    return html.encode(enc, errors="replace")


ENTITY_DOCTYPES = ["", '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                   '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>']


@st.composite
def feeds(draw) -> bytes:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;") if draw(st.booleans()) else s

    items = []
    for n in range(draw(st.integers(0, 4))):
        body = draw(PROSE)
        body = f"<![CDATA[<p>{body}</p>]]>" if draw(st.booleans()) else esc(body)
        items.append(f"<item><title>{esc(draw(PROSE))}</title><guid>g{n}</guid><link>{esc(draw(ANY_TEXT))}</link>"
                     f"<pubDate>{esc(draw(st.sampled_from(['Mon, 04 Mar 2024 10:00:00 GMT', 'garbage', '', '0001-01-01'])))}"
                     f"</pubDate><description>{body}{draw(st.sampled_from(['', '&x;', '&b;']))}</description></item>")
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>{draw(st.sampled_from(ENTITY_DOCTYPES))}'
           f'<rss version="2.0"><channel><title>{esc(draw(PROSE))}</title>{"".join(items)}</channel></rss>')
    if draw(st.booleans()):
        xml = xml[:draw(st.integers(0, len(xml)))]
    return xml.encode("utf-8", errors="surrogatepass")


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(ANY_TEXT, kids, max_size=3),
                           max_leaves=8)
RECORDS = st.fixed_dictionaries({"text": ANY_TEXT}, optional={
    "id": st.one_of(st.integers(), ANY_TEXT, JSON_VALUES), "title": JSON_VALUES, "author": ANY_TEXT,
    "outlet": ANY_TEXT, "url": ANY_TEXT, "published": st.one_of(ANY_TEXT, st.sampled_from(["2024-03-01", "0001-01-01"])),
    "language": ANY_TEXT})
BAD_LINES = st.one_of(st.sampled_from(['{"text": "unterminated', "[" * 5000, "{" * 3000, '{"text": 5}', "null",
                                       '{"id": ' + "7" * 5000 + ', "text": ""}']),
                      st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" ").decode("latin-1")))
JSONL_LINES = st.lists(st.one_of(RECORDS.map(lambda r: ("record", r)), BAD_LINES.map(lambda b: ("bad", b))),
                       max_size=6)


# --- properties ------------------------------------------------------------------------------------------

def read_all(name: str, raw: bytes) -> list:
    """The reader's items for one input; any exception fails the example (a traceback is a bug)."""
    items = list(ingest.read_path(Path(name), raw, name, None, ingest.FetchOptions(max_bytes=1 << 20)))
    for item in items:
        assert isinstance(item, (Document, ingest.Problem))
        if isinstance(item, ingest.Problem):
            assert item.reason.strip() and item.source.startswith(name), item
        else:
            assert item.text.strip()
    return items


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(db.documents)).scalar()


def check_stored(engine, tmp_path_factory, name: str, raw: bytes) -> list:
    """Ingest the input twice: no errors escape, the second run stores nothing, every stored text's date
    spans are exact slices."""
    path = tmp_path_factory.mktemp("in") / name
    path.write_bytes(raw)
    before = count(engine)
    first = ingest.ingest(engine, [str(path)], opts=ingest.FetchOptions(max_bytes=1 << 20))
    assert not [p for p in first.problems if p.reason.startswith("could not store")], first.problems
    assert count(engine) == before + len(first.stored)
    again = ingest.ingest(engine, [str(path)], opts=ingest.FetchOptions(max_bytes=1 << 20))
    assert again.stored == [] and count(engine) == before + len(first.stored)
    assert sorted(i for _, i in again.duplicates) == sorted(first.stored + [i for _, i in first.duplicates])
    with engine.connect() as conn:
        rows = conn.execute(select(db.documents.c.text, db.documents.c.published)
                            .where(db.documents.c.id.in_(first.stored))).all()
    for text, published in rows:
        for m in find_dates(text, published):
            assert text[m.span.start:m.span.end] == m.span.text
    return first.problems


@FUZZ
@given(raw=RAW, ext=st.sampled_from([".txt", ".md", "", ".text"]))
def test_fuzz_text_reader(fuzz_engine, tmp_path_factory, raw, ext):
    read_all(f"doc{ext}", raw)
    check_stored(fuzz_engine, tmp_path_factory, f"doc{ext}", raw)


@FUZZ
@given(raw=html_pages())
def test_fuzz_html_reader(fuzz_engine, tmp_path_factory, raw):
    read_all("page.html", raw)
    check_stored(fuzz_engine, tmp_path_factory, "page.html", raw)


@FUZZ
@given(raw=feeds())
def test_fuzz_feed_reader(fuzz_engine, tmp_path_factory, raw):
    items = read_all("wire.rss", raw)
    for doc in (i for i in items if isinstance(i, Document)):
        assert "aaaaaaaaaaaaaaaaaaaa" not in doc.text and "root:" not in doc.text  # no entity expanded
    check_stored(fuzz_engine, tmp_path_factory, "wire.rss", raw)


@FUZZ
@given(lines=JSONL_LINES)
def test_fuzz_jsonl_reader(fuzz_engine, tmp_path_factory, lines):
    """Each good record is a document with its text unchanged, each bad line one problem at its number."""
    raw = "\n".join(json.dumps(v, ensure_ascii=False) if kind == "record" else v for kind, v in lines)
    raw = raw.encode("utf-8", errors="surrogatepass")
    items = read_all("docs.jsonl", raw)
    docs = {int(d.source.rsplit(":", 1)[1]): d for d in items if isinstance(d, Document)}
    problems = {p.line: p for p in items if isinstance(p, ingest.Problem)}
    for n, (kind, value) in enumerate(lines, 1):
        text = value.get("text") if kind == "record" else None
        if kind == "record" and text.strip():
            assert docs[n].text == text and n not in problems
        elif (value if kind == "bad" else json.dumps(value)).strip():
            assert n in problems and n not in docs, (n, value, items)
    problems = check_stored(fuzz_engine, tmp_path_factory, "docs.jsonl", raw)
    assert all(p.line is None or 1 <= p.line <= len(lines) for p in problems)


@FUZZ
@given(raw=RAW, name=st.sampled_from(["a.txt", "b.html", "c.rss", "d.jsonl", "e.urls", "f.xml", "g"]))
def test_fuzz_ingest_command(tmp_path_factory, raw, name):
    """The command itself: exit 0 or 1 with messages, never a traceback."""
    from typer.testing import CliRunner

    from claimledger.cli import app

    folder = tmp_path_factory.mktemp("cli")
    (folder / name).write_bytes(raw)
    result = CliRunner().invoke(app, ["ingest", "--db", f"sqlite:///{folder / 'cli.db'}", "--timeout", "1",
                                      "--retries", "1", str(folder / name)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
