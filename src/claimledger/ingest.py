"""Ingestion: plain text, HTML, RSS/Atom, JSONL and URL lists become stored `Document`s.

Readers are generators of `Document` or `Problem`, so one bad input is reported with its path (and line)
and the rest of the batch goes on. `store_documents` commits a batch of documents a transaction; the same
content (hash of the normalised text) is stored once, so an interrupted run can simply be repeated.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from . import db
from .audit import Scope, append_event, watch
from .fetch import MAX_BYTES, FetchOptions, fetch
from .models import Document

log = logging.getLogger(__name__)
TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".rss", ".atom", ".xml", ".feed"}
JSONL_EXT = {".jsonl", ".ndjson"}
URLS_EXT = {".urls"}


@dataclass
class Problem:
    source: str
    reason: str
    line: int | None = None
    level: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class IngestResult:
    stored: list[int] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (source, id of the stored copy)
    problems: list[Problem] = field(default_factory=list)
    run_id: int | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


# --- text helpers ------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """What two copies of one article share: NFKC, folded whitespace, no zero-width marks."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2060\ufeff]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))  # UTF-32 first: FF FE 00 00 starts like UTF-16


def _bom(raw: bytes) -> tuple[bytes, str] | None:
    """The byte-order mark `raw` starts with and its encoding, if any."""
    return next(((bom, enc) for bom, enc in _BOMS if raw.startswith(bom)), None)


def looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control characters near the start; text with a byte-order mark is never binary."""
    if _bom(raw):
        return False
    head = raw[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and control / len(head) > 0.1


def decode(raw: bytes, encoding: str | None = None) -> str:
    """Bytes to text: a byte-order mark wins (UTF-8/16/32), then the given encoding, else UTF-8.
    Raises ValueError saying where it failed.

    >>> decode("\ufeffKyiv".encode("utf-16-le"), encoding="latin-1")
    'Kyiv'
    """
    bom = _bom(raw)
    if bom:
        raw, encoding = raw[len(bom[0]):], bom[1]
    encoding = encoding or "utf-8"
    try:
        return raw.decode(encoding)
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        hint = "; give its encoding with --encoding" if encoding == "utf-8" else ""
        name = "UTF-8" if encoding == "utf-8" else encoding
        raise ValueError(f"not valid {name} (byte 0x{raw[exc.start]:02x} at offset {exc.start}){hint}") from None


_STOPWORDS = {
    "en": "the of and to in is that for on with was said as by from at it his an have are were be has",
    "fr": "le la les de des et en un une du est que pour dans qui sur au par pas ont",
    "de": "der die das und den von zu mit ist im nicht sich auf für ein eine dem des",
    "es": "el la los las de del que y en un una por con para es se al lo como",
    "it": "il la di che e un una per non con del della sono le gli alla",
    "pt": "o a os as de do da que e em um uma para com não por no na",
    "nl": "de het een van en in is op dat te met voor zijn niet",
    "tr": "ve bir bu da de ile için olarak olan çok daha gibi ama",
    "az": "və bir bu ilə üçün olan da də ki isə",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_SCRIPTS = tuple((lang, re.compile(pat)) for lang, pat in (
    ("uk", "[іїєґІЇЄҐ]"), ("ru", "[а-яА-ЯёЁ]"), ("ar", "[\u0600-\u06ff]"), ("hy", "[\u0530-\u058f]"),
    ("he", "[\u0590-\u05ff]"), ("ka", "[\u10a0-\u10ff]"), ("el", "[\u0370-\u03ff]"), ("zh", "[\u4e00-\u9fff]"),
    ("fa", "[\u06a9\u06af\u06cc]")))


def detect_language(text: str) -> str:
    """A small offline guess: the script for non-Latin text, else the best stop-word match; 'und' if unsure."""
    from collections import Counter

    sample = text[:4000]
    if not sample.isascii():  # ASCII holds no letter of another script (the common case, skipped fast)
        letters = len(re.findall(r"[^\W\d_]", sample)) or 1
        counts = {lang: len(pat.findall(sample)) for lang, pat in _SCRIPTS}
        latin = len(re.findall(r"[A-Za-z]", sample))
        script, n = max(counts.items(), key=lambda kv: kv[1])
        if n > latin and n / letters > 0.3:
            if script == "ru" and counts["uk"] > n * 0.02:
                return "uk"
            if script == "ar" and counts["fa"] > n * 0.02:
                return "fa"
            return script
    words = re.findall(r"[^\W\d_]+", sample.lower())
    if len(words) < 8:
        return "und"
    seen = Counter(words)  # each stop word looked up once, not each word against each language
    scores = {lang: sum(seen[w] for w in stops) for lang, stops in _STOPSETS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 2 else "und"


def parse_date(value: object) -> date | None:
    """A publication date from metadata; None when it cannot be read or lies outside years 1-9999."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()[:200]
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        pass
    try:
        import dateparser

        parsed = dateparser.parse(s, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    except (ValueError, OverflowError, RecursionError, TypeError):
        return None
    except Exception:  # dateparser raises its own errors on odd strings; the date is optional
        return None
    return parsed.date() if parsed else None


_BYLINE = re.compile(r"^By\s+(?P<author>[^,\n]{2,80}?)(?:,\s*(?P<outlet>[^\n]{2,80}))?\s*$")


def parse_text(raw: bytes, source: str, meta: dict | None = None, encoding: str | None = None) -> Document:
    """A plain-text article: the text is stored as decoded; title = first line when it looks like one,
    and a "By AUTHOR, OUTLET" byline fills author and outlet. `meta` (from options) wins."""
    text = decode(raw, encoding)
    if not text.strip():
        raise ValueError("empty: no text in the file")
    doc = Document(text=text, raw=raw, source=source, source_kind="text")
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if len(lines) > 1 and 0 < len(lines[0]) <= 200 and not lines[0].endswith((".", ":", ";", ",")):
        doc.title = lines[0]
        byline = _BYLINE.match(lines[1]) if len(lines) > 2 else None
        if byline:
            doc.author = byline["author"].strip()
            doc.outlet = (byline["outlet"] or "").strip() or None
    return _apply_meta(doc, meta)


def _apply_meta(doc: Document, meta: dict | None) -> Document:
    for key, value in (meta or {}).items():
        if value in (None, ""):
            continue
        if key == "published":
            doc.published, doc.published_source = parse_date(value), "option"
        elif hasattr(doc, key):
            setattr(doc, key, value)
    return doc


def parse_html(raw: bytes, source: str, url: str | None = None, meta: dict | None = None,
               charset: str | None = None) -> tuple[Document, list[Problem]]:
    """An HTML page: trafilatura for the main text and metadata, htmldate for the date.

    `charset` is the one the server declared; a byte-order mark wins over it and over the page's own."""
    import trafilatura
    from htmldate import find_date
    from trafilatura.utils import load_html

    if looks_binary(raw):
        raise ValueError("binary data, not HTML")
    html = decode_html(raw, charset)
    html, crowded = defuse_html(html)
    warnings = [Problem(source, f"{crowded} tag(s) with more than {MAX_ATTRIBUTES} attributes: their attributes "
                                f"were dropped before parsing", level="warning")] if crowded else []
    if not re.search(r"</(html|body)\s*>", html[-4096:], re.I):
        warnings.append(Problem(source, "truncated HTML (no closing </body> or </html>); stored what could "
                                        "be extracted", level="warning"))
    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                            favor_recall=True)
    if extracted is None:
        raise ValueError("no article text found in the HTML")
    data = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    text = (data.get("text") or "").strip()
    if not text:
        raise ValueError("no article text found in the HTML")
    doc = Document(text=text, raw=raw, source=source, source_kind="html", title=data.get("title"),
                   author=data.get("author"), outlet=data.get("sitename"), url=url or data.get("url"))
    published = None
    try:
        # a parsed tree, never the string: htmldate downloads a string that starts with "http"
        tree = load_html(html)
        published = find_date(tree, extensive_search=False, original_date=True) if tree is not None else None
    except Exception:  # htmldate raises on odd markup; the date is optional
        published = None
    published = published or data.get("date")
    if published:
        doc.published, doc.published_source = parse_date(published), "htmldate"
    return _apply_meta(doc, meta), warnings


_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def decode_html(raw: bytes, charset: str | None = None) -> str:
    """Bytes of a page to text, as browsers do: a byte-order mark, else the server's charset, else the
    page's <meta charset>, else UTF-8. A page that declares UTF-16/32 in ASCII cannot be UTF-16/32, so
    that declaration means UTF-8 (WHATWG's rule). Undecodable bytes become U+FFFD."""
    if _bom(raw):
        return decode(raw)
    if not charset:
        m = _META_CHARSET.search(raw[:4096])
        charset = m.group(1).decode("ascii") if m else None
    if not charset or re.match(r"(?i)utf-?(16|32)", charset):
        charset = "utf-8"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


MAX_ATTRIBUTES = 256
# one tag, quoted values included, matched without backtracking (possessive quantifiers): linear in the page
_TAG = re.compile(r"""<([a-zA-Z][^\s<>/"']*+)([^<>"']*+(?:(?:"[^"]*+"|'[^']*+')[^<>"']*+)*+)(>?)""")
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
_ATTR_TOKEN = re.compile(r"""[^\s="'<>/]+""")


def defuse_html(html: str) -> tuple[str, int]:
    """Drop the attributes of tags that carry more than MAX_ATTRIBUTES of them, and say how many such tags.

    HTML parsers check each new attribute against the tag's earlier ones, so one tag with 200,000
    attributes costs minutes; no real page needs more than a few dozen.

    >>> defuse_html('<p ' + 'a=1 ' * 300 + '>Shelling was reported.</p>')
    ('<p>Shelling was reported.</p>', 1)
    """
    crowded = 0

    def fix(m: re.Match) -> str:
        nonlocal crowded
        attrs = m.group(2)
        if len(attrs) < 2 * MAX_ATTRIBUTES or len(_ATTR_TOKEN.findall(_QUOTED.sub("", attrs))) <= MAX_ATTRIBUTES:
            return m.group(0)
        crowded += 1
        return f"<{m.group(1)}{m.group(3)}"

    if len(html) < 2 * MAX_ATTRIBUTES:
        return html, 0
    fixed = _TAG.sub(fix, html)
    return fixed, crowded


_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*+\[.*?\]\s*>|[^>]*+>)", re.I | re.S)
_XML_ENCODING = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def without_doctype(raw: bytes) -> bytes:
    """A feed with every <!DOCTYPE> removed, so no entity it declares can be expanded (feedparser expands
    internal ones: `<!ENTITY a "...">` then `&a;`). UTF-16/32 feeds are re-encoded as UTF-8 first.

    >>> without_doctype(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "x">]><rss>&a;</rss>')
    b'<?xml version="1.0"?><rss>&a;</rss>'
    """
    bom = _bom(raw)
    if bom and bom[1] != "utf-8":
        raw = _XML_ENCODING.sub(rb'\1"utf-8"', decode(raw).encode("utf-8", "replace"), count=1)
    start = re.search(rb"(?i)<!DOCTYPE", raw)
    if start is None:
        return raw
    whole = _DOCTYPE.match(raw, start.start())  # one attempt, at the one place: linear in the feed
    if whole is None:
        raise ValueError("not a well-formed feed: unterminated <!DOCTYPE>")
    raw = raw[:whole.start()] + raw[whole.end():]
    if re.search(rb"(?i)<!DOCTYPE", raw):  # XML allows one
        raise ValueError("not a well-formed feed: more than one <!DOCTYPE>")
    return raw


def parse_feed(raw: bytes, source: str) -> Iterator[Document | Problem]:
    """Each RSS/Atom entry becomes a document, with its full content where the feed has it."""
    import feedparser

    # a stream: feedparser opens bytes that name a file as that file
    feed = feedparser.parse(io.BytesIO(without_doctype(raw)))
    if not feed.entries:
        why = getattr(feed, "bozo_exception", None)
        raise ValueError(f"not an RSS/Atom feed{f' ({why})' if why else ''}: no entries found")
    title = (feed.feed.get("title") or "").strip() or None
    for n, entry in enumerate(feed.entries, 1):
        where = f"{source}#entry{n}"
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = body or entry.get("summary", "") or ""
        text = _html_to_text(body) if "<" in body else body.strip()
        if not text:
            yield Problem(where, "feed entry has no text")
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        doc = Document(text=text, raw=body.encode("utf-8"), source=where, source_kind="rss",
                       title=(entry.get("title") or "").strip() or None, author=_feed_author(entry),
                       outlet=title, url=entry.get("link"), external_id=entry.get("id"))
        if published:
            doc.published, doc.published_source = date(*published[:3]), "feed"
        yield doc


def _feed_author(entry) -> str | None:
    """RSS puts "mail (Name)" in <author>; prefer the name."""
    author = entry.get("author")
    m = re.match(r"^\S+@\S+\s+\((.+)\)$", author or "")
    return m.group(1) if m else author


def _html_to_text(fragment: str) -> str:
    import lxml.html

    fragment = defuse_html(fragment)[0]
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = [re.sub(r"[ \t]+", " ", el.text_content()).strip() for el in root.iter("p", "li", "h1", "h2", "h3",
                                                                                     "blockquote")]
    blocks = [b for b in blocks if b]
    return "\n\n".join(blocks) if blocks else re.sub(r"\s+", " ", root.text_content()).strip()


JSONL_FIELDS = ("id", "text", "title", "published", "outlet", "author", "url")


def _big_int(digits: str) -> int | str:
    """JSON integers past Python's digit limit are kept as their digits, so the record is not lost."""
    return int(digits) if len(digits) <= 4000 else digits


def jsonl_lines(raw: bytes) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each line of a JSON Lines file, split on "\\n" only: U+2028, U+0085 and
    lone "\\r" are valid inside JSON strings. A line that is not UTF-8 comes as (n, None)."""
    bom = _bom(raw)
    if bom and bom[1] != "utf-8":  # UTF-16/32 JSONL: decode whole, then split
        for n, line in enumerate(decode(raw).split("\n"), 1):
            yield n, line
        return
    if bom:
        raw = raw[len(bom[0]):]
    for n, line in enumerate(raw.split(b"\n"), 1):
        try:
            yield n, line.decode("utf-8")
        except UnicodeDecodeError:
            yield n, None


def parse_jsonl(raw: bytes, source: str) -> Iterator[Document | Problem]:
    """One JSON object per line; the stored text is the given `text`, unchanged (offsets line up).
    A bad line (malformed, nested too deeply, not UTF-8) is reported with its number; the others go on."""
    for n, line in jsonl_lines(raw):
        if line is None:
            yield Problem(source, "line is not valid UTF-8", line=n)
            continue
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_int=_big_int)
        except json.JSONDecodeError as exc:
            yield Problem(source, f"malformed JSON: {exc.msg} (column {exc.colno})", line=n)
            continue
        except RecursionError:
            yield Problem(source, "JSON nested too deeply to read", line=n)
            continue
        except (ValueError, MemoryError) as exc:
            yield Problem(source, f"unreadable JSON: {_reason(exc)}", line=n)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            yield Problem(source, "line has no non-empty string field \"text\"", line=n)
            continue
        doc = Document(text=obj["text"], raw=line.encode("utf-8", "surrogatepass"), source=f"{source}:{n}",
                       source_kind="jsonl", external_id=_scalar(obj.get("id")), title=_scalar(obj.get("title")),
                       outlet=_scalar(obj.get("outlet")), author=_scalar(obj.get("author")),
                       url=_scalar(obj.get("url")))
        if obj.get("published"):
            doc.published, doc.published_source = parse_date(obj["published"]), "input"
        if isinstance(obj.get("language"), str):
            doc.language = obj["language"]
        yield doc


def _scalar(value: object) -> str | None:
    """A metadata field as text: numbers as written, anything else (lists, objects) dropped."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


# --- URLs ----------------------------------------------------------------------------------------------

def read_urls(urls: Iterable[str], source: str, opts: FetchOptions) -> Iterator[Document | Problem]:
    """Each URL through the safe fetcher (`fetch`); a refused or failed URL is one problem, the rest go on."""
    for url in urls:
        try:
            got = fetch(url, opts)
            raw, ctype = got.body, got.content_type.lower()
            if "xml" in ctype and ("rss" in ctype or "atom" in ctype or raw.lstrip()[:200].find(b"<rss") >= 0):
                yield from parse_feed(raw, url)
            elif "html" in ctype or raw.lstrip()[:1] == b"<":
                doc, warnings = parse_html(raw, url, url=got.final_url, charset=_charset(ctype))
                yield from warnings
                doc.url = got.final_url
                yield doc
            else:
                doc = parse_text(raw, url, encoding=_charset(ctype) if not _bom(raw) else None)
                doc.url, doc.source_kind = got.final_url, "url"
                yield doc
        except Exception as exc:
            yield Problem(url, _reason(exc))


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
    return m.group(1) if m else None


def _reason(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "too large to read in memory"
    return str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"


# --- dispatch ------------------------------------------------------------------------------------------

def kind_of(path: Path, raw: bytes) -> str:
    ext = path.suffix.lower()
    for kind, exts in (("text", TEXT_EXT), ("html", HTML_EXT), ("feed", FEED_EXT), ("jsonl", JSONL_EXT),
                       ("urls", URLS_EXT)):
        if ext in exts:
            if kind == "text" and _is_url_list(raw):
                return "urls"
            return kind
    head = raw.lstrip()[:512].lower()
    if head.startswith(b"{"):
        return "jsonl"
    if b"<rss" in head or b"<feed" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "urls" if _is_url_list(raw) else "text"


def _is_url_list(raw: bytes) -> bool:
    lines = [ln.strip() for ln in raw[:65536].splitlines() if ln.strip() and not ln.strip().startswith(b"#")]
    return bool(lines) and all(re.match(rb"https?://\S+$", ln) for ln in lines)


def read_path(path: Path, raw: bytes, source: str, meta: dict | None, opts: FetchOptions,
              encoding: str | None = None) -> Iterator[Document | Problem]:
    if not raw.strip():
        yield Problem(source, "empty file")
        return
    if len(raw) > opts.max_bytes:
        yield Problem(source, f"too large: {len(raw)} bytes (limit {opts.max_bytes}; raise it with --max-bytes)")
        return
    kind = kind_of(path, raw)
    if kind != "jsonl" and looks_binary(raw):  # JSONL is judged line by line: one bad line costs only itself
        yield Problem(source, "binary data, not a text, HTML, feed or JSONL file")
        return
    try:
        if kind == "html":
            doc, warnings = parse_html(raw, source, meta=meta)
            yield from warnings
            yield doc
        elif kind == "feed":
            yield from parse_feed(raw, source)
        elif kind == "jsonl":
            yield from parse_jsonl(raw, source)
        elif kind == "urls":
            lines = decode(raw).split("\n")
            yield from read_urls([ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")], source, opts)
        else:
            yield parse_text(raw, source, meta, encoding)
    except Exception as exc:  # one input's failure is its own problem, never the batch's
        yield Problem(source, _reason(exc))


class TooLarge(ValueError):
    pass


def read_limited(stream, limit: int, name: str = "input") -> bytes:
    """At most `limit` bytes from a binary stream, read in chunks; TooLarge as soon as there are more.
    Devices (/dev/zero), pipes and stdin are never read past the limit, whatever their announced size."""
    parts, size = [], 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"too large: more than {limit} bytes (raise it with --max-bytes)")


def read_file_limited(path: Path, limit: int) -> bytes:
    """A file's bytes, at most `limit` (TooLarge past it); OSError when it cannot be opened."""
    with open(path, "rb") as fh:
        return read_limited(fh, limit, str(path))


def expand(inputs: Iterable[str]) -> Iterator[str]:
    """Files as given, directories walked in sorted order (hidden files skipped), '-' for stdin."""
    for item in inputs:
        p = Path(item)
        if item != "-" and p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(p).parts):
                    yield str(child)
        else:
            yield item


def read_inputs(inputs: Iterable[str], meta: dict | None = None, opts: FetchOptions | None = None,
                encoding: str | None = None, stdin: io.BufferedReader | None = None) -> Iterator[Document | Problem]:
    opts = opts or FetchOptions()
    for item in expand(inputs):
        source, path = ("<stdin>", Path("stdin.txt")) if item == "-" else (item, Path(item))
        try:
            if item == "-":
                raw = read_limited(stdin or sys.stdin.buffer, opts.max_bytes, source)
            else:
                raw = read_file_limited(path, opts.max_bytes)
        except TooLarge as exc:
            yield Problem(source, str(exc))
            continue
        except OSError as exc:
            yield Problem(source, f"cannot read: {exc.strerror or exc}")
            continue
        yield from read_path(path, raw, source, meta, opts, encoding)


# --- storing -------------------------------------------------------------------------------------------

BATCH_SIZE = 200  # documents stored per transaction


def store_document(engine: Engine, doc: Document, run_id: int | None = None,
                   notes: list[str] | None = None) -> tuple[int, bool]:
    """Store one document in its own transaction. Returns (id, created); a duplicate returns the stored id.
    Each value changed to be storable (`fit_document`) is added to `notes`."""
    changed = fit_document(doc)
    if notes is not None:
        notes.extend(changed)
    return store_documents(engine, [doc], run_id)[0]


def fit_document(doc: Document) -> list[str]:
    """Make the document's fields storable alike on SQLite and PostgreSQL (`db.fit_row`), in place; returns
    a note per changed field (none the second time)."""
    row, changed = db.fit_row(db.documents, dict(
        external_id=doc.external_id, text=doc.text, title=doc.title, outlet=doc.outlet, author=doc.author,
        url=doc.url, language=doc.language, published_source=doc.published_source, source=doc.source,
        source_kind=doc.source_kind))
    for key, value in row.items():
        setattr(doc, key, value)
    return changed


def store_documents(engine: Engine, docs: list[Document], run_id: int | None = None) -> list[tuple[int, bool]]:
    """Store a batch of documents in one transaction (one multi-row INSERT, one audit entry); returns
    (id, created) for each, in order. The content hash is the idempotency key: content already stored, or
    repeated in the batch, returns the id of the stored copy, so a batch lost to a crash is simply redone
    by the next run. Raises when the batch cannot be stored (nothing of it is)."""
    rows = [_row(doc, run_id) for doc in docs]
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                ids = _insert_new(conn, rows)
            break
        except IntegrityError:  # another writer stored some of the same content first: it is known now
            if attempt == 2:
                raise
    out, first = [], set()
    for doc, row in zip(docs, rows):
        doc_id, created = ids[row["content_hash"]]
        created = created and row["content_hash"] not in first
        first.add(row["content_hash"])
        if created:
            doc.id = doc_id
        out.append((doc_id, created))
    return out


def _row(doc: Document, run_id: int | None) -> dict:
    if doc.language is None:
        doc.language = detect_language(doc.text)
    fit_document(doc)
    raw = doc.raw if doc.raw is not None else doc.text.encode("utf-8")
    return dict(external_id=doc.external_id, content_hash=content_hash(doc.text), sha256=hashlib.sha256(raw).hexdigest(),
                raw=raw, text=doc.text, title=doc.title, outlet=doc.outlet, author=doc.author, url=doc.url,
                language=doc.language, published=doc.published, published_source=doc.published_source,
                source=doc.source, source_kind=doc.source_kind, ingest_run_id=run_id, analysis_status="pending")


def _ids_of(conn, digests: list[str]) -> dict[str, int]:
    c = db.documents.c
    return dict(conn.execute(select(c.content_hash, c.id).where(c.content_hash.in_(digests))).all())


def _insert_new(conn, rows: list[dict]) -> dict[str, tuple[int, bool]]:
    """{content hash: (id, created)} after inserting the rows whose content is not stored yet."""
    digests = list(dict.fromkeys(r["content_hash"] for r in rows))
    w = watch(conn, [Scope("document", db.documents.c.content_hash.in_(digests))])
    known = _ids_of(conn, digests)
    new, seen = [], set(known)
    now = db.utcnow()
    for r in rows:
        if r["content_hash"] not in seen:
            seen.add(r["content_hash"])
            new.append(dict(r, ingested_at=now))
    out = {h: (i, False) for h, i in known.items()}
    if not new:
        return out
    made = conn.execute(db.documents.insert().returning(db.documents.c.id, db.documents.c.content_hash), new)
    out.update({h: (i, True) for i, h in made})
    entries = [{"id": out[r["content_hash"]][0], "sha256": r["sha256"], "source": r["source"], "title": r["title"]}
               for r in new]
    one = str(entries[0]["id"]) if len(entries) == 1 else None
    change = ({k: v for k, v in entries[0].items() if k != "id"} if one else {"documents": entries})
    append_event(conn, "claimledger", "ingest", "document", one, change, watch=w)
    return out


def ingest(engine: Engine, inputs: list[str], meta: dict | None = None, opts: FetchOptions | None = None,
           encoding: str | None = None, on_item: Callable[[Document | Problem], None] | None = None,
           stdin=None, batch_size: int = BATCH_SIZE) -> IngestResult:
    """Read every input and store the documents, `batch_size` a transaction; problems are collected, never
    raised. `on_item` is called for each problem as found and each document once stored."""
    result = IngestResult()
    with engine.begin() as conn:
        result.run_id = conn.execute(db.ingest_runs.insert().values(inputs=list(inputs))).inserted_primary_key[0]
    batch: list[Document] = []

    def flush() -> None:
        for doc in batch:
            result.problems.extend(Problem(doc.source or "?", f"normalised {n}", level="warning")
                                   for n in fit_document(doc))
        try:
            stored = store_documents(engine, batch, result.run_id)
        except Exception:  # find the document that cannot be stored: the others are stored on their own
            stored = []
            for doc in batch:
                try:
                    stored.append(store_document(engine, doc, result.run_id))
                except Exception as exc:
                    result.problems.append(Problem(doc.source or "?", f"could not store: {db.short_error(exc)}"))
                    stored.append(None)
        for doc, got in zip(batch, stored):
            if got is not None:
                (result.stored.append(got[0]) if got[1] else result.duplicates.append((doc.source or "?", got[0])))
        for doc in batch:
            if on_item:
                on_item(doc)
        batch.clear()

    for item in read_inputs(inputs, meta, opts, encoding, stdin=stdin):
        if isinstance(item, Problem):
            result.problems.append(item)
            if on_item:
                on_item(item)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    with engine.begin() as conn:
        conn.execute(db.ingest_runs.update().where(db.ingest_runs.c.id == result.run_id).values(
            finished_at=db.utcnow(), stored=len(result.stored), duplicates=len(result.duplicates),
            failed=len(result.errors), errors=[dict(source=db.storable_text(p.source), line=p.line,
                                                    reason=db.storable_text(p.reason), level=p.level)
                                               for p in result.problems]))
    return result
