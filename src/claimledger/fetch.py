"""The one way claimledger fetches a URL: public addresses only, bounded in size and time.

A URL list can point anywhere, including inside the newsroom's network, so every hop is checked:
- the scheme is http or https;
- the host is resolved once and every address it resolves to must be public (no loopback, private,
  link-local, multicast, reserved or unspecified address; IPv4 written as `0x7f000001`, `2130706433` or
  `127.1`, and IPv6 that embeds IPv4 such as `::ffff:127.0.0.1`, are resolved and checked the same way);
- the connection goes to the address that was checked (the host travels in the Host header and TLS SNI),
  so a DNS answer that changes between the check and the connection ("rebinding") is never used;
- redirects are followed here, one hop at a time, each hop checked as above;
- the body is read while streaming and refused past `max_bytes`, counted after decompression (gzip bomb);
- the whole URL (resolution, retries, redirects and body) must finish within `timeout` seconds.

    >>> fetch("http://169.254.169.254/latest/meta-data/", FetchOptions())
    Traceback (most recent call last):
    FetchError: refused: 169.254.169.254 is a link-local address
"""
from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from . import __version__

MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 10
USER_AGENT = f"claimledger/{__version__} (conflict-claims research; polite fetcher)"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(ValueError):
    """Why one URL was not fetched; the batch goes on."""


@dataclass
class FetchOptions:
    timeout: float = 15.0  # seconds for the whole URL: resolution, retries, redirects and body
    retries: int = 3
    backoff: float = 0.5  # seconds, doubled each retry
    max_bytes: int = MAX_BYTES
    # Exact (address, port) pairs let through the address check. Only tests set it (to reach their own
    # server on 127.0.0.1); the CLI has no option for it.
    allow_addresses: frozenset[tuple[str, int]] = field(default_factory=frozenset)


@dataclass
class Fetched:
    url: str  # the URL asked for
    final_url: str  # after redirects
    body: bytes  # decompressed
    content_type: str


# --- addresses -----------------------------------------------------------------------------------------

def refused_because(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address must not be contacted, or None for a public one.

    >>> refused_because(ipaddress.ip_address("::ffff:127.0.0.1"))
    'a loopback address'
    """
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refused_because(embedded)
    for attr, what in (("is_loopback", "a loopback"), ("is_unspecified", "an unspecified"),
                       ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                       ("is_reserved", "a reserved"), ("is_private", "a private")):
        if getattr(ip, attr):
            return f"{what} address"
    if not ip.is_global:
        return "a non-public address"
    return None


_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="claimledger-dns")


def resolve(host: str, port: int, timeout: float) -> list[str]:
    """The addresses `host` resolves to (getaddrinfo, as the system would connect), within `timeout`."""
    future = _resolver.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=max(timeout, 0.01))
    except FutureTimeout:
        raise FetchError(f"timed out resolving {host}") from None
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from None
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        if sockaddr[0] not in seen:
            seen.append(sockaddr[0].split("%")[0])
    if not seen:
        raise FetchError(f"cannot resolve {host}: no addresses")
    return seen


def checked_address(host: str, port: int, opts: FetchOptions, timeout: float) -> str:
    """The address to connect to for host:port; FetchError if any address it resolves to is not public."""
    addresses = resolve(host, port, timeout)
    for addr in addresses:
        if (addr, port) in opts.allow_addresses:
            continue
        why = refused_because(ipaddress.ip_address(addr))
        if why:
            shown = host if host == addr else f"{host} ({addr})"
            raise FetchError(f"refused: {shown} is {why}")
    return addresses[0]


# --- one hop ---------------------------------------------------------------------------------------------

class _Deadline:
    def __init__(self, seconds: float):
        self.seconds, self.end = seconds, time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(f"timed out after {self.seconds:g}s")
        return left


class _Retry(Exception):
    """A failure worth another attempt (timeouts, connection errors, 5xx)."""


def _target(url, opts: FetchOptions, deadline: _Deadline):
    """(the URL with the host replaced by its checked address, headers, extensions) for one request."""
    if url.scheme not in ("http", "https"):
        raise FetchError(f"refused: scheme {url.scheme or '(none)'!r} (only http and https are fetched)")
    host = url.raw_host.decode("ascii")  # internationalised names as httpx encodes them (IDNA 2008)
    if not host:
        raise FetchError("refused: no host in the URL")
    port = url.port or (443 if url.scheme == "https" else 80)
    addr = checked_address(host, port, opts, deadline.left())
    headers = {"Host": url.netloc.decode("ascii"), "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
               "Accept": "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, */*;q=0.5"}
    direct = url.copy_with(host=addr, port=url.port)
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    return direct, headers, extensions


def _decoder(encoding: str):
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return None
    if enc in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if enc == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")


def _read_body(resp, opts: FetchOptions, deadline: _Deadline) -> bytes:
    """The body, decompressed as it streams; refused as soon as it passes max_bytes or the deadline."""
    limit = opts.max_bytes
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise FetchError(f"too large: {length} bytes announced (limit {limit}; raise it with --max-bytes)")
    decoder = _decoder(resp.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    size = 0
    for chunk in resp.iter_raw():
        deadline.left()
        pending = chunk
        while pending:
            if decoder is None:
                out, pending = pending, b""
            else:
                try:
                    out = decoder.decompress(pending, limit - size + 1)
                except zlib.error as exc:
                    raise FetchError(f"corrupt {resp.headers.get('content-encoding')} body: {exc}") from None
                pending = decoder.unconsumed_tail
            size += len(out)
            if size > limit:
                raise FetchError(f"too large: more than {limit} bytes"
                                 f"{' unpacked' if decoder is not None else ''} (raise it with --max-bytes)")
            parts.append(out)
            if decoder is not None and not out and pending:
                break  # no progress: the decoder wants more input
    return b"".join(parts)


def _get_once(client, url, opts: FetchOptions, deadline: _Deadline):
    """One request to one URL: ("redirect", next URL) or ("done", body, content type)."""
    import httpx

    direct, headers, extensions = _target(url, opts, deadline)
    left = deadline.left()
    request = client.build_request("GET", direct, headers=headers, extensions=extensions,
                                   timeout=httpx.Timeout(min(left, opts.timeout)))
    try:
        resp = client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException:
        raise _Retry(f"timed out after {opts.timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise _Retry(f"{type(exc).__name__}: {exc}") from None
    try:
        if resp.status_code in (301, 302, 303, 307, 308) and resp.headers.get("location"):
            try:
                return "redirect", url.join(resp.headers["location"])
            except httpx.InvalidURL as exc:
                raise FetchError(f"bad redirect to {resp.headers['location']!r}: {exc}") from None
        if resp.status_code >= 500:
            raise _Retry(f"HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise FetchError(f"HTTP {resp.status_code}")
        try:
            body = _read_body(resp, opts, deadline)
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {opts.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from None
        return "done", body, resp.headers.get("content-type", "")
    finally:
        resp.close()


def fetch(url: str, opts: FetchOptions, client=None) -> Fetched:
    """GET one URL safely (see the module docstring); FetchError says why not."""
    import httpx

    try:
        current = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"not a valid URL: {exc}") from None
    deadline = _Deadline(opts.timeout)
    own = client is None
    # trust_env=False: a proxy from the environment would connect on our behalf, past the address check
    client = client or httpx.Client(trust_env=False, verify=True)
    try:
        hops = 0
        last = ""
        attempt = 0
        while True:
            try:
                got = _get_once(client, current, opts, deadline)
            except _Retry as exc:
                last, attempt = str(exc), attempt + 1
                if attempt >= opts.retries:
                    raise FetchError(f"gave up after {opts.retries} attempts: {last}") from None
                pause = opts.backoff * 2 ** (attempt - 1)
                if pause >= deadline.left():
                    raise FetchError(f"timed out after {opts.timeout:g}s ({last})") from None
                time.sleep(pause)
                continue
            if got[0] == "redirect":
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise FetchError(f"more than {MAX_REDIRECTS} redirects")
                current = got[1]
                continue
            return Fetched(url=url, final_url=str(current), body=got[1], content_type=got[2])
    finally:
        if own:
            client.close()
