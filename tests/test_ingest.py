import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from claimledger import audit, db, ingest
from claimledger.models import Document

ARTICLE = """Power cut after strike on substation, officials say
By Mira Castell, Harbour Tribune

Officials in the port city said a drone hit an electrical substation on Friday night.
"Half of the city has no light," the mayor said.
"""

HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Dam damaged in night attack | Valley Courier</title>
<meta property="og:site_name" content="Valley Courier"><meta name="author" content="Tomas Reyes">
<meta property="article:published_time" content="2024-03-02"></head><body><article>
<h1>Dam damaged in night attack</h1>
<p>The regional administration said on Saturday that shelling had damaged the spillway of the river dam.</p>
<p>Engineers said the structure was stable but that repairs would take weeks, and residents downstream were told to stay alert.</p>
</article></body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire</title>
<item><title>First item</title><link>http://example.org/1</link><guid>w-1</guid>
<pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate><description>&lt;p&gt;The army said it repelled an attack near the border crossing overnight.&lt;/p&gt;</description></item>
<item><title>Second item</title><link>http://example.org/2</link><guid>w-2</guid>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><description>Aid groups said convoys reached the besieged town for the first time in a month.</description></item>
</channel></rss>"""


def stored(engine):
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(db.documents).order_by(db.documents.c.id))]


def test_ingest_plain_text_title_byline_and_options(engine, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    result = ingest.ingest(engine, [str(f)], meta={"published": "2024-03-02"})
    assert len(result.stored) == 1 and not result.problems
    (doc,) = stored(engine)
    assert doc["title"] == "Power cut after strike on substation, officials say"
    assert doc["author"] == "Mira Castell" and doc["outlet"] == "Harbour Tribune"
    assert doc["published"] == date(2024, 3, 2) and doc["published_source"] == "option"
    assert doc["text"] == ARTICLE  # stored exactly as analysed
    assert doc["raw"] == ARTICLE.encode() and len(doc["sha256"]) == 64
    assert doc["language"] == "en"


def test_ingest_html_uses_trafilatura_and_htmldate(engine, tmp_path):
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    result = ingest.ingest(engine, [str(f)])
    assert len(result.stored) == 1, result.problems
    (doc,) = stored(engine)
    assert "damaged the spillway" in doc["text"] and "<p>" not in doc["text"]
    assert doc["title"] == "Dam damaged in night attack"
    assert doc["outlet"] == "Valley Courier"
    assert doc["published"] == date(2024, 3, 2)


def test_ingest_feed_entries_become_documents(engine, tmp_path):
    f = tmp_path / "wire.rss"
    f.write_text(FEED, encoding="utf-8")
    result = ingest.ingest(engine, [str(f)])
    assert len(result.stored) == 2, result.problems
    docs = stored(engine)
    assert [d["title"] for d in docs] == ["First item", "Second item"]
    assert docs[0]["text"] == "The army said it repelled an attack near the border crossing overnight."
    assert docs[0]["published"] == date(2024, 3, 4) and docs[0]["outlet"] == "Test Wire"
    assert docs[1]["url"] == "http://example.org/2" and docs[1]["external_id"] == "w-2"


def test_ingest_jsonl_keeps_text_and_id(engine, tmp_path):
    text = "  Leading spaces\u00a0and NBSP stay: the offsets must line up.  "
    f = tmp_path / "docs.jsonl"
    f.write_text(json.dumps({"id": "x-1", "text": text, "title": "T", "published": "2024-01-05",
                             "outlet": "O", "author": "A", "url": "http://u"}) + "\n", encoding="utf-8")
    ingest.ingest(engine, [str(f)])
    (doc,) = stored(engine)
    assert doc["text"] == text and doc["external_id"] == "x-1"
    assert doc["published"] == date(2024, 1, 5) and doc["published_source"] == "input"


def test_ingest_jsonl_lines_end_at_newline_only(engine, tmp_path):
    # NEL and LINE SEPARATOR are characters of a text, not line ends (str.splitlines would split there)
    text = "Rockets hit the port.\u0085A second paragraph\u2028with a line separator."
    f = tmp_path / "docs.jsonl"
    f.write_bytes((json.dumps({"id": "n-1", "text": text}, ensure_ascii=False) + "\r\n"
                   + json.dumps({"id": "n-2", "text": "Another text."}) + "\n").encode("utf-8"))
    result = ingest.ingest(engine, [str(f)])
    assert not result.problems and len(result.stored) == 2
    assert [d["text"] for d in stored(engine)] == [text, "Another text."]


def test_ingest_same_content_twice_is_stored_once(engine, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(ARTICLE.replace("\n", "\r\n").replace("  ", " ") + "\n\n", encoding="utf-8")
    result = ingest.ingest(engine, [str(a), str(b)])
    assert len(result.stored) == 1
    assert result.duplicates == [(str(b), result.stored[0])]
    again = ingest.ingest(engine, [str(a)])
    assert again.stored == [] and len(again.duplicates) == 1
    assert len(stored(engine)) == 1


def make_bad_batch(tmp_path: Path) -> dict[str, Path]:
    tmp_path.mkdir(exist_ok=True)
    files = {
        "good": tmp_path / "01-good.txt",
        "undecodable": tmp_path / "02-latin1.txt",
        "empty": tmp_path / "03-empty.txt",
        "truncated": tmp_path / "04-truncated.html",
        "jsonl": tmp_path / "05-mixed.jsonl",
        "notfeed": tmp_path / "06-notfeed.rss",
        "huge": tmp_path / "07-huge.txt",
        "binary": tmp_path / "08-blob.txt",
    }
    files["good"].write_text(ARTICLE, encoding="utf-8")
    files["undecodable"].write_bytes("Caf\u00e9 bombed, residents said.".encode("latin-1"))
    files["empty"].write_bytes(b"   \n")
    files["truncated"].write_text(HTML[: HTML.index("Engineers") + 40], encoding="utf-8")
    files["jsonl"].write_text(json.dumps({"id": "ok", "text": "The council said the bridge was destroyed."}) + "\n"
                              + '{"id": "broken", "text": "unterminated\n', encoding="utf-8")
    files["notfeed"].write_text("this is not a feed at all", encoding="utf-8")
    with open(files["huge"], "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    files["binary"].write_bytes(bytes(range(256)) * 64)
    return files


def test_ingest_bad_inputs_are_reported_and_the_rest_stored(engine, tmp_path):
    files = make_bad_batch(tmp_path / "in")
    result = ingest.ingest(engine, [str(tmp_path / "in")])
    by_source = {}
    for p in result.problems:
        by_source.setdefault(p.source, []).append(p)
    assert "not valid UTF-8" in by_source[str(files["undecodable"])][0].reason
    assert "empty" in by_source[str(files["empty"])][0].reason
    assert "truncated HTML" in by_source[str(files["truncated"])][0].reason
    bad_line = by_source[str(files["jsonl"])][0]
    assert bad_line.line == 2 and "malformed JSON" in bad_line.reason
    assert "not an RSS/Atom feed" in by_source[str(files["notfeed"])][0].reason
    assert "too large" in by_source[str(files["huge"])][0].reason
    assert "binary" in by_source[str(files["binary"])][0].reason
    titles = {d["source"] for d in stored(engine)}
    # good text, the salvageable truncated page and the good JSONL line are stored
    assert str(files["good"]) in titles and str(files["truncated"]) in titles
    assert f"{files['jsonl']}:1" in titles and len(titles) == 3
    with engine.connect() as conn:
        run = conn.execute(select(db.ingest_runs)).one()
    assert run.stored == 3 and run.failed == 6 and len(run.errors) == 7


def test_ingest_cli_exit_status_says_something_failed(tmp_path):
    files = make_bad_batch(tmp_path / "in")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    proc = subprocess.run([sys.executable, "-m", "claimledger.cli", "ingest", "--db", url, str(tmp_path / "in")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert str(files["undecodable"]) in proc.stderr and "not valid UTF-8" in proc.stderr
    assert f"{files['jsonl']}:2" in proc.stderr


def test_ingest_stdin(engine):
    import io

    result = ingest.ingest(engine, ["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert len(result.stored) == 1
    assert stored(engine)[0]["source"] == "<stdin>"


def test_ingest_detects_language():
    assert ingest.detect_language(ARTICLE) == "en"
    assert ingest.detect_language("Le gouverneur a déclaré que la frappe avait fait quatre morts dans le marché de la ville.") == "fr"
    assert ingest.detect_language("Губернатор заявил, что удар по рынку унёс жизни четырёх человек.") == "ru"
    assert ingest.detect_language("ok") == "und"


# --- URLs against a local server ---------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    hits: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/page":
            self._send(200, HTML.encode(), "text/html; charset=utf-8")
        elif self.path == "/flaky":  # fails once, then works: retries must recover
            if Handler.hits[self.path] == 1:
                self._send(503, b"busy", "text/plain")
            else:
                self._send(200, HTML.replace("river dam", "canal lock").encode(), "text/html")
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, b"too late", "text/plain")
        elif self.path == "/error":
            self._send(500, b"boom", "text/plain")
        elif self.path == "/feed":
            self._send(200, FEED.encode(), "application/rss+xml")
        else:
            self._send(404, b"", "text/plain")

    def _send(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:
            pass


@pytest.fixture
def server():
    Handler.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_ingest_url_list_with_timeouts_retries_and_errors(engine, tmp_path, server):
    urls = tmp_path / "list.urls"
    urls.write_text("\n".join(f"{server}{p}" for p in ("/page", "/flaky", "/slow", "/error", "/feed", "/missing")))
    port = int(server.rsplit(":", 1)[1])
    opts = ingest.FetchOptions(timeout=0.5, retries=2, backoff=0.01, allow_addresses=frozenset({("127.0.0.1", port)}))
    result = ingest.ingest(engine, [str(urls)], opts=opts)
    reasons = {p.source.rsplit("/", 1)[1]: p.reason for p in result.problems}
    assert "timed out" in reasons["slow"]
    assert "HTTP 500" in reasons["error"] and Handler.hits["/error"] == 2  # retried, then gave up
    assert reasons["missing"] == "HTTP 404" and Handler.hits["/missing"] == 1  # client errors are not retried
    docs = stored(engine)
    assert len(docs) == 4  # page, flaky (after a retry), two feed entries
    assert Handler.hits["/flaky"] == 2
    page = next(d for d in docs if d["source"] == f"{server}/page")
    assert page["url"] == f"{server}/page" and "spillway" in page["text"]


# --- crash safety --------------------------------------------------------------------------------------

def test_ingest_sigkill_mid_batch_then_rerun_stores_each_once(db_url, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    n = 400
    for i in range(n):
        (corpus / f"{i:04d}.txt").write_text(f"Report {i}\n\nThe district office said shelling damaged {i} homes "
                                             f"in the village of test number {i}.\n", encoding="utf-8")
    engine = db.connect(db_url)
    cmd = [sys.executable, "-m", "claimledger.cli", "ingest", "--db", db_url, "--batch-size", "50", str(corpus)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def count():
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(db.documents)).scalar()

    deadline = time.monotonic() + 120
    while count() < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = count()
    assert 0 < partial < n, "the kill should land mid-batch"
    assert partial % 50 == 0, "whole batches are committed, the open one is lost"
    rerun = subprocess.run(cmd, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    with engine.connect() as conn:
        hashes = conn.execute(select(db.documents.c.content_hash)).scalars().all()
    assert len(hashes) == n and len(set(hashes)) == n
    with engine.connect() as conn:  # every document is vouched for by the batch entry that stored it
        assert audit.verify(conn) + audit.verify_records(conn) == []
    engine.dispose()


def test_ingest_batch_stores_each_content_once_with_one_audit_entry(engine, tmp_path):
    f = tmp_path / "batch.jsonl"
    texts = ["The council said a shell hit the library.", "The council said a shell hit the library.",
             "Police said a car bomb exploded near the station.", "Farmers said a drone struck a barn."]
    f.write_text("".join(json.dumps({"id": f"b{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    result = ingest.ingest(engine, [str(f)], batch_size=3)
    assert len(result.stored) == 3 and [src.rsplit(":", 1)[1] for src, _ in result.duplicates] == ["2"]
    assert result.duplicates[0][1] == result.stored[0]
    again = ingest.ingest(engine, [str(f)], batch_size=3)
    assert again.stored == [] and len(again.duplicates) == 4
    with engine.connect() as conn:
        entries = conn.execute(select(db.audit_log.c.record_id, db.audit_log.c.change)
                               .where(db.audit_log.c.action == "ingest")).all()
        assert audit.verify(conn) + audit.verify_records(conn) == []
    # a batch of two new documents, then a batch of one: one entry each
    assert [(rid, len(c.get("documents", [c]))) for rid, c in entries] == [(None, 2), (str(result.stored[2]), 1)]


# --- bounded readers -----------------------------------------------------------------------------------

class EndlessStream(io.RawIOBase):
    """A stream that never ends (like /dev/zero or a 1.5 GB pipe); counts what was read from it."""

    def __init__(self):
        self.served = 0

    def readable(self):
        return True

    def readinto(self, buf):
        n = len(buf)
        buf[:n] = b"a" * n
        self.served += n
        return n


def test_ingest_max_bytes_is_enforced_while_reading_devices_and_stdin(engine):
    result = ingest.ingest(engine, ["/dev/zero"], opts=ingest.FetchOptions(max_bytes=1000))
    (problem,) = result.problems
    assert problem.source == "/dev/zero" and "too large: more than 1000 bytes" in problem.reason
    stream = EndlessStream()
    result = ingest.ingest(engine, ["-"], opts=ingest.FetchOptions(max_bytes=5000), stdin=stream)
    assert [p.source for p in result.problems] == ["<stdin>"] and "too large" in result.problems[0].reason
    assert stream.served <= 5001 and stored(engine) == []


def test_ingest_jsonl_lines_are_split_on_newline_only():
    """U+2028, U+0085 and a lone CR are valid inside JSON strings; only \\n ends a line."""
    texts = ["The mayor said:\u2028the bridge is gone.", "Residents said\u0085the water was cut.",
             "A statement\rwith a carriage return."]
    raw = "\r\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts)).encode()
    got = list(ingest.parse_jsonl(raw, "feed.jsonl"))
    assert [d.text for d in got] == texts and [d.source for d in got] == [f"feed.jsonl:{n}" for n in (1, 2, 3)]


def test_ingest_jsonl_bad_line_costs_only_itself(engine, tmp_path):
    good = [json.dumps({"id": n, "text": f"The council said shelling hit district {n}."}) for n in range(4)]
    lines = [good[0], "[" * 100_000 + "]" * 100_000, good[1], '{"id": ' + "9" * 5000 + ', "text": "The army '
             'said the long id was kept."}', good[2], b"\xff\xfe bad bytes".decode("latin-1"), good[3]]
    f = tmp_path / "mixed.jsonl"
    f.write_bytes("\n".join(lines).encode("utf-8").replace("ÿþ".encode(), b"\xff\xfe"))
    result = ingest.ingest(engine, [str(f)])
    assert [(p.line, p.reason) for p in result.errors] == [(2, "JSON nested too deeply to read"),
                                                           (6, "line is not valid UTF-8")]
    docs = stored(engine)
    assert [d["source"] for d in docs] == [f"{f}:{n}" for n in (1, 3, 4, 5, 7)]
    assert docs[2]["external_id"] == "9" * 512 and any("external_id" in p.reason for p in result.problems)


def test_ingest_byte_order_mark_wins_over_a_declared_charset():
    page = HTML.replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
    for enc, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00"),
                     ("utf-8", b"\xef\xbb\xbf")):
        raw = bom + page.replace("river dam", "river dam – Дніпро").encode(enc)
        assert not ingest.looks_binary(raw)
        doc, _ = ingest.parse_html(raw, f"page-{enc}.html")
        assert "spillway of the river dam – Дніпро" in doc.text, enc
    text = "\ufeffThe governor said the dam held."
    assert ingest.parse_text(text.encode("utf-32-be"), "t.txt", encoding="latin-1").text == text[1:]


def test_ingest_ascii_page_declaring_utf16_is_read_as_utf8(engine, tmp_path):
    f = tmp_path / "liar.html"
    f.write_text(HTML.replace('<meta charset="utf-8">', '<meta charset="utf-16">'), encoding="ascii")
    result = ingest.ingest(engine, [str(f)])
    assert not result.errors and "damaged the spillway" in stored(engine)[0]["text"]


def test_ingest_html_with_a_crowded_tag_is_read_with_a_warning(tmp_path):
    """200,000 attributes on one tag (3 MB): parsers spend minutes on it; its attributes are dropped."""
    crowded = "<div " + " ".join(f'data-a{i}="x"' for i in range(200_000)) + ">"
    doc, warnings = ingest.parse_html(HTML.replace("<article>", crowded + "<article>").encode(), "crowded.html")
    assert "damaged the spillway" in doc.text
    assert any("more than 256 attributes" in w.reason for w in warnings)
    assert ingest.defuse_html('<p class="lead">ok</p>' * 100)[1] == 0  # ordinary tags are untouched


XXE_FEED = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><title>T</title><item><title>Leak &xxe;</title><guid>x1</guid>
<description>The ministry said the report was false. &xxe;</description></item></channel></rss>"""
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><rss version="2.0"><channel><title>T</title><item><title>Laughs</title><guid>b1</guid>'
          '<description>Officials said the road was closed. &lol9;</description></item></channel></rss>')


def test_ingest_feeds_never_expand_xml_entities():
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0never"
    docs = [d for d in ingest.parse_feed(XXE_FEED.encode(), "xxe.rss") if isinstance(d, Document)]
    assert docs and all(hostname not in (d.text + (d.title or "")) for d in docs)
    docs = [d for d in ingest.parse_feed(LAUGHS.encode(), "laughs.rss") if isinstance(d, Document)]
    assert all("lollollol" not in d.text and len(d.text) < 1000 for d in docs)


def test_ingest_nul_and_over_long_metadata_stored_alike(engine, tmp_path):
    """SQLite would keep NULs and over-long values, PostgreSQL refuse them: both store the same, with a warning."""
    record = {"id": "n" * 600, "text": "The mayor\u0000 said the bridge was hit.", "title": "Bridge\u0000 hit",
              "author": "A" * 700, "outlet": "Wire\u0000", "language": "english-as-spoken-here"}
    f = tmp_path / "nul.jsonl"
    f.write_text(json.dumps(record) + "\n")
    result = ingest.ingest(engine, [str(f)])
    assert len(result.stored) == 1 and not result.errors
    (doc,) = stored(engine)
    assert doc["text"] == "The mayor\ufffd said the bridge was hit." and doc["title"] == "Bridge\ufffd hit"
    assert (doc["external_id"], doc["author"], doc["outlet"]) == ("n" * 512, "A" * 512, "Wire\ufffd")
    assert doc["language"] == "english-as-spoke"
    warned = " ".join(p.reason for p in result.problems if p.level == "warning")
    assert all(f in warned for f in ("text:", "title:", "external_id:", "author:", "language:"))


def test_ingest_storage_errors_name_no_sql_or_parameters(engine):
    from sqlalchemy.exc import IntegrityError

    secret = "a whole article the error must not repeat"
    with engine.begin() as conn:
        conn.execute(db.ingest_runs.insert().values(id=1, inputs=[secret]))
    with pytest.raises(IntegrityError) as caught:
        with engine.begin() as conn:
            conn.execute(db.ingest_runs.insert().values(id=1, inputs=[secret]))
    short = db.short_error(caught.value)
    assert "IntegrityError" in short or "UniqueViolation" in short
    assert secret not in short and "INSERT" not in short and "\n" not in short


def test_ingest_feed_whose_content_is_a_path_is_not_opened(engine, tmp_path):
    """feedparser opens bytes naming a file (or /dev/zero) as that file: the reader must never let it."""
    secret = tmp_path / "private.rss"
    secret.write_text(FEED, encoding="utf-8")
    pointer = tmp_path / "pointer.rss"
    pointer.write_bytes(str(secret).encode())
    result = ingest.ingest(engine, [str(pointer)])
    assert stored(engine) == [] and "not an RSS/Atom feed" in result.errors[0].reason


def test_ingest_feed_entry_with_a_crowded_tag_is_read():
    crowded = "&lt;p " + " ".join(f"a{i}=1" for i in range(100_000)) + "&gt;The army said the bridge was closed.&lt;/p&gt;"
    feed = FEED.replace("&lt;p&gt;The army said it repelled", crowded + "&lt;p&gt;The army said it repelled")
    docs = [d for d in ingest.parse_feed(feed.encode(), "wire.rss") if isinstance(d, Document)]
    assert docs[0].text.startswith("The army said the bridge was closed.")


def test_ingest_feeds_never_expand_internal_entities():
    """feedparser expands entities declared inside the feed's DOCTYPE; the reader removes the DOCTYPE."""
    small = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ammo"><!ENTITY b "&a;&a;&a;&a;">]><rss version="2.0">'
             '<channel><title>T</title><item><title>x</title><guid>e1</guid><description>The army said &b; ran out.'
             '</description></item></channel></rss>')
    for raw in (small.encode(), "\ufeff".encode("utf-16-le") + small.replace('"1.0"?', '"1.0" encoding="utf-16"?')
                .encode("utf-16-le")):
        docs = [d for d in ingest.parse_feed(raw, "small.rss") if isinstance(d, Document)]
        assert docs and all("ammo" not in d.text for d in docs), [d.text for d in docs]


def test_ingest_feed_doctype_removal_is_linear_and_refuses_oddities():
    with pytest.raises(ValueError, match="unterminated"):
        ingest.without_doctype(b"<!DOCTYPE rss [" * 100_000)
    with pytest.raises(ValueError, match="more than one"):
        ingest.without_doctype(b"<!DOCTYPE rss>" * 100_000)
    tricky = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "]>"><!ENTITY b "xyzzy">]><rss version="2.0"><channel>'
              b'<title>T</title><item><title>t</title><guid>g</guid><description>The army said &b; here.</description>'
              b'</item></channel></rss>')
    docs = [d for d in ingest.parse_feed(tricky, "tricky.rss") if isinstance(d, Document)]
    assert docs and all("xyzzy" not in d.text for d in docs)
