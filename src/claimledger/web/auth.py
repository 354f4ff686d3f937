"""Accounts and logins for the workspace, without SQL: password hashing, session tokens, roles, and the
throttle on failed logins.

Roles are ordered: a viewer reads, an analyst also edits and reviews, an admin also manages users.

>>> allowed("analyst", "viewer"), allowed("viewer", "analyst")
(True, False)
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("viewer", "analyst", "admin")
MIN_PASSWORD = 12
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_hasher = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106 low-memory profile)
_dummy: list[str] = []


class AccountError(ValueError):
    """A user name, role or password that cannot be accepted (the message says which and why)."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str


def allowed(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may (roles are ordered viewer < analyst < admin)."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_account(name: str, role: str, password: str | None = None) -> None:
    if not NAME.fullmatch(name or ""):
        raise AccountError(f"user name {name!r}: use 1-64 letters, digits, '_', '.', '@' or '-', starting with a "
                           "letter or digit")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: choose one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored argon2 hash. With no stored hash (an unknown user) a dummy
    hash is checked anyway, so the answer takes as long and tells no one which names exist."""
    if stored is None:
        if not _dummy:
            _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
        stored = _dummy[0]
        password = password + "\0"  # never matches the dummy
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the sessions table keeps of a cookie: its SHA-256 (the cookie itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; a missing one never matches."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass
class _Failures:
    count: int = 0
    first: float = 0.0
    until: float = 0.0


@dataclass
class Throttle:
    """Failed logins per key (a user name, a client address): after `limit` failures within `window`
    seconds the key is refused for `lockout` seconds, doubling with each further failure (at most an hour).

    >>> t = Throttle(limit=2, clock=lambda: 100.0)
    >>> t.failure("user:ana"); t.wait("user:ana")
    0.0
    >>> t.failure("user:ana"); t.wait("user:ana") > 0
    True
    """
    limit: int = 5
    window: float = 900.0
    lockout: float = 60.0
    clock: object = time.monotonic
    _seen: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, *keys: str) -> float:
        """Seconds until any of `keys` may try again (0 when none is locked)."""
        now = self.clock()
        with self._lock:
            return max([0.0] + [f.until - now for k in keys if (f := self._seen.get(k)) and f.until > now])

    def failure(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                f = self._seen.get(k)
                if f is None or now - f.first > self.window and f.until <= now:
                    f = self._seen[k] = _Failures(first=now)
                f.count += 1
                if f.count >= self.limit:
                    f.until = now + min(3600.0, self.lockout * 2 ** (f.count - self.limit))
            if len(self._seen) > 100_000:  # a flood of invented names must not grow memory without bound
                self._seen = {k: f for k, f in self._seen.items() if f.until > now}

    def success(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._seen.pop(k, None)
