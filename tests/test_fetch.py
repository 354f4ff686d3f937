"""The safe fetcher: refused addresses (every form, every hop), caps on size and time, the final URL."""
from __future__ import annotations

import functools
import gzip
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from claimledger import db, ingest
from claimledger import fetch as fetch_mod
from claimledger.fetch import FetchError, FetchOptions, fetch

PAGE = (b"<!DOCTYPE html><html><head><title>Depot fire</title></head><body><article><p>The district office said "
        b"a fire broke out at the fuel depot after an explosion on Sunday night.</p><p>Firefighters said they "
        b"had contained it by morning and no one was hurt.</p></article></body></html>")


@functools.cache
def _bomb() -> bytes:
    """16 MiB of zeros in about 16 KB of gzip."""
    return gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)


class Handler(BaseHTTPRequestHandler):
    """A server that plays every role: the page, redirects, and hostile bodies."""
    hits: list = []
    redirect_to = ""

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits.append((self.server.server_address[1], self.path, self.headers.get("Host")))
        if self.path == "/page":
            self._head(200, "text/html; charset=utf-8", len(PAGE))
            self.wfile.write(PAGE)
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", Handler.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/endless":  # no length, never ends
            self._head(200, "text/plain", None)
            self._drip(b"x" * 65536, pause=0)
        elif self.path == "/slow":  # one byte a second, forever
            self._head(200, "text/plain", None)
            self._drip(b"x", pause=0.2)
        elif self.path == "/bomb":
            body = _bomb()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/gzipped":
            body = gzip.compress(PAGE)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self._head(404, "text/plain", 0)

    def _head(self, code, ctype, length):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _drip(self, piece, pause):
        try:
            for _ in range(100_000):
                self.wfile.write(piece)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def servers():
    """Two local servers: `allowed` is let through by the test-only setting, `inside` plays an internal
    service that must never be reached."""
    Handler.hits = []
    made = []
    for _ in range(2):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        made.append(httpd)
    yield tuple(h.server_address[1] for h in made)
    for h in made:
        h.shutdown()
        h.server_close()


def opts_for(port, **kw):
    return FetchOptions(allow_addresses=frozenset({("127.0.0.1", port)}), **kw)


def inside_hits(port):
    return [h for h in Handler.hits if h[0] == port]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0x7f000001", "2130706433", "127.1", "0177.0.0.1",
                                  "[::ffff:127.0.0.1]", "[::1]"])
def test_fetch_refuses_loopback_in_every_form(servers, host):
    _, inside = servers
    with pytest.raises(FetchError, match="refused: .*loopback|not a valid URL: Invalid IPv4"):
        fetch(f"http://{host}:{inside}/page", FetchOptions(retries=1))
    assert inside_hits(inside) == []


@pytest.mark.parametrize("address, why", [
    ("169.254.169.254", "link-local"), ("10.1.2.3", "private"), ("192.168.0.10", "private"),
    ("172.16.5.4", "private"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"),
    ("[fe80::1]", "link-local"), ("[fc00::1]", "private"), ("[::]", "unspecified"), ("[ff02::1]", "multicast"),
    ("[2002:a9fe:a9fe::1]", "link-local"), ("[64:ff9b::a00:1]", "private"),
])
def test_fetch_refuses_internal_addresses_before_connecting(monkeypatch, address, why):
    connects = []
    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", lambda self, sa: connects.append(sa) or real_connect(self, sa))
    with pytest.raises(FetchError, match=f"refused: .*{why}"):
        fetch(f"http://{address}/latest/meta-data/", FetchOptions(retries=1))
    assert connects == []  # never requested, not even a connection


def test_fetch_addresses_are_classified_by_what_they_embed():
    assert fetch_mod.refused_because(ipaddress.ip_address("8.8.8.8")) is None
    assert fetch_mod.refused_because(ipaddress.ip_address("2606:4700::1111")) is None
    assert fetch_mod.refused_because(ipaddress.ip_address("::ffff:10.0.0.1")) == "a private address"
    assert fetch_mod.refused_because(ipaddress.ip_address("100.64.0.1")) == "a non-public address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/",
                                 "data:text/plain,hello", "javascript:alert(1)"])
def test_fetch_refuses_other_schemes(url):
    with pytest.raises(FetchError, match="refused: scheme|not a valid URL"):
        fetch(url, FetchOptions(retries=1))


@pytest.mark.parametrize("target", ["http://127.0.0.1:{inside}/page", "http://localhost:{inside}/page",
                                    "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"])
def test_fetch_checks_every_redirect_hop(servers, target):
    allowed, inside = servers
    Handler.redirect_to = target.format(inside=inside)
    with pytest.raises(FetchError, match="refused"):
        fetch(f"http://127.0.0.1:{allowed}/redirect", opts_for(allowed, retries=1))
    assert [h[1] for h in Handler.hits] == ["/redirect"] and inside_hits(inside) == []


def test_fetch_records_the_final_url_after_redirects(servers):
    allowed, _ = servers
    Handler.redirect_to = "/page"
    got = fetch(f"http://127.0.0.1:{allowed}/redirect", opts_for(allowed))
    assert got.final_url == f"http://127.0.0.1:{allowed}/page" and got.body == PAGE


def test_fetch_connects_to_the_address_it_checked(servers, monkeypatch):
    """DNS rebinding: a name that first resolves to an allowed address and then to an internal one is
    connected to at the checked address (the server sees the name in the Host header)."""
    allowed, _ = servers
    answers = iter(["127.0.0.1"] + ["10.9.9.9"] * 10)
    real = socket.getaddrinfo

    def fake(host, port, *args, **kw):
        if host == "news.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    got = fetch(f"http://news.example.test:{allowed}/page", opts_for(allowed))
    assert got.body == PAGE and Handler.hits == [(allowed, "/page", f"news.example.test:{allowed}")]
    with pytest.raises(FetchError, match=r"refused: news.example.test \(10.9.9.9\) is a private"):
        fetch(f"http://news.example.test:{allowed}/page", opts_for(allowed))


def test_fetch_refuses_a_name_with_any_internal_address(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))])
    with pytest.raises(FetchError, match="loopback"):
        fetch("http://mixed.example.test/", FetchOptions(retries=1))


def test_fetch_stops_an_endless_body_at_max_bytes(servers):
    allowed, _ = servers
    with pytest.raises(FetchError, match="too large: more than 100000 bytes"):
        fetch(f"http://127.0.0.1:{allowed}/endless", opts_for(allowed, max_bytes=100_000, retries=1))


def test_fetch_counts_a_gzip_bomb_unpacked(servers):
    allowed, _ = servers
    with pytest.raises(FetchError, match="too large: more than 1000000 bytes unpacked"):
        fetch(f"http://127.0.0.1:{allowed}/bomb", opts_for(allowed, max_bytes=1_000_000, retries=1))
    got = fetch(f"http://127.0.0.1:{allowed}/gzipped", opts_for(allowed))
    assert got.body == PAGE


def test_fetch_total_time_caps_a_dripping_body(servers):
    """A body that never stops but always sends something in time is cut at the URL's deadline."""
    allowed, _ = servers
    with pytest.raises(FetchError, match="timed out after 1s"):
        fetch(f"http://127.0.0.1:{allowed}/slow", opts_for(allowed, timeout=1, retries=3))
    assert len(Handler.hits) == 1  # the deadline covers retries too


def test_ingest_url_list_refusals_are_per_url_and_the_rest_is_stored(engine, tmp_path, servers):
    allowed, inside = servers
    Handler.redirect_to = f"http://127.0.0.1:{inside}/page"
    urls = tmp_path / "list.urls"
    listed = [f"http://127.0.0.1:{inside}/page", f"http://localhost:{inside}/page",
              f"http://0x7f000001:{inside}/page", f"http://127.0.0.1:{allowed}/redirect",
              "http://169.254.169.254/latest/meta-data/", f"http://127.0.0.1:{allowed}/page"]
    urls.write_text("\n".join(listed))
    result = ingest.ingest(engine, [str(urls)], opts=opts_for(allowed, retries=1))
    assert [p.source for p in result.errors] == listed[:5]
    assert all("refused" in p.reason for p in result.errors)
    assert len(result.stored) == 1 and inside_hits(inside) == []


def test_html_that_starts_with_a_url_is_never_fetched(servers, tmp_path):
    """htmldate downloads any string starting with "http": the reader hands it a parsed tree instead."""
    _, inside = servers
    page = (f"http://127.0.0.1:{inside}/page<html><body><article><p>The_mayor_said_the_depot_was_hit_by_a_drone_"
            "on_Friday_night_and_burned_until_morning,_officials_said.</p></article></body></html>")
    doc, _ = ingest.parse_html(page.encode(), "odd.html")
    assert "depot_was_hit" in doc.text and inside_hits(inside) == []


def test_ingest_stores_the_url_after_redirects(engine, tmp_path, servers):
    allowed, _ = servers
    Handler.redirect_to = "/page"
    urls = tmp_path / "list.urls"
    urls.write_text(f"http://127.0.0.1:{allowed}/redirect\n")
    result = ingest.ingest(engine, [str(urls)], opts=opts_for(allowed))
    assert len(result.stored) == 1, result.problems
    with engine.connect() as conn:
        url, source = conn.execute(select(db.documents.c.url, db.documents.c.source)).one()
    assert url == f"http://127.0.0.1:{allowed}/page" and source == f"http://127.0.0.1:{allowed}/redirect"
