"""Date mentions in news text, resolved against the publication date.

Relative expressions ("on Tuesday", "yesterday", "overnight", "last week") are resolved by hand so that
they never land after publication; explicit dates ("4 October", "October 4, 2020", "in July") go through
`dateparser` with the publication date as the reference.
"""
from __future__ import annotations

import calendar
import logging
import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import vocabulary
from .models import Span

WEEKDAYS = {name: i for i, name in enumerate(vocabulary.WEEKDAYS)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
        r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_PART = r"(?:morning|afternoon|evening|night)"
_MOD = r"(?:early|late|mid|mid-|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)"

# ordered: longer, more specific patterns first; overlapping later matches are dropped
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("dmy", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MON}),?\s+(?P<y>\d{{4}})\b")),
    ("mdy", re.compile(rf"\b(?P<m>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b")),
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("dm", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MON})(?![\w])")),
    ("md", re.compile(rf"\b(?P<m>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})(?!\s*(?:%|per))")),
    ("my", re.compile(rf"\b(?:(?:in|since|during|by|until|of)\s+)?(?:{_MOD}\s*)?(?P<m>{_MON})\s+(?:of\s+)?(?P<y>\d{{4}})\b",
                      re.I)),
    ("month", re.compile(rf"\b(?:in|since|during|by|until|of|last|this|early|late|mid-?)\s+(?:{_MOD}\s*)?(?P<m>"
                         r"January|February|March|April|June|July|August|September|October|November|December)\b")),
    ("weekday", re.compile(rf"\b(?:(?:earlier|late|early|later)\s+)?(?:on\s+|last\s+|this\s+|on\s+the\s+night\s+of\s+)?"
                           rf"(?P<wd>{_WD})(?:\s+{_PART})?\b(?:,?\s+(?P<d2>\d{{1,2}})\s+(?P<m2>{_MON}))?")),
    ("yesterday", re.compile(r"\b(?:the\s+day\s+before\s+)?yesterday(?:\s+" + _PART + r")?\b", re.I)),
    ("today", re.compile(r"\b(?:today|this\s+(?:morning|afternoon|evening))\b", re.I)),
    ("tonight", re.compile(r"\b(?:tonight|last\s+night)\b", re.I)),
    ("overnight", re.compile(r"\bovernight\b", re.I)),
    ("lastweek", re.compile(r"\b(?:last|this|earlier\s+this|past)\s+(?P<u>week|month|year)\b", re.I)),
    ("ago", re.compile(r"\b(?P<n>\d+|two|three|four|five|six|seven|ten|a)\s+(?P<u>day|week|month|year)s?\s+ago\b", re.I)),
    ("year", re.compile(r"\b(?:in|since|during|by|until)\s+(?:early\s+|late\s+|mid-?)?(?P<y>(?:19|20)\d{2})\b")),
]
log = logging.getLogger(__name__)
_NUM = {"a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}


@dataclass(frozen=True)
class DateMention:
    span: Span
    value: str  # YYYY-MM-DD | YYYY-MM | YYYY
    precision: str  # day | week | month | year
    end_value: str | None = None  # last day of a range ("last week")


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _past_year(m: int, d: int, published: date | None) -> date | None:
    """A day-and-month with no year: the latest such date on or before publication (this year if none)."""
    if published is None:
        return None
    got = _day(published.year, m, d)
    if got and got > published:
        got = _day(published.year - 1, m, d)
    return got


def last_weekday(weekday: int, published: date) -> date:
    """The most recent `weekday` (Monday=0) on or before publication."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def _resolve_match(kind: str, m: re.Match, published: date | None) -> tuple[str, str, str | None] | None:
    """(value, precision, end_value) for one regex match, or None when it cannot be resolved."""
    g = m.groupdict()
    if kind in ("dmy", "mdy", "iso"):
        mon = int(g["m"]) if kind == "iso" else _month(g["m"])
        d = _day(int(g["y"]), mon, int(g["d"]))
        return (d.isoformat(), "day", None) if d else None
    if kind in ("dm", "md"):
        d = _past_year(_month(g["m"]), int(g["d"]), published)
        return (d.isoformat(), "day", None) if d else None
    if kind == "my":
        return f"{int(g['y']):04d}-{_month(g['m']):02d}", "month", None
    if kind == "month":
        if published is None:
            return None
        mon = _month(g["m"])
        y = published.year if mon <= published.month else published.year - 1
        return f"{y:04d}-{mon:02d}", "month", None
    if kind == "year":
        return g["y"], "year", None
    if published is None:
        return None
    if kind == "weekday":
        if g.get("d2") and g.get("m2"):
            d = _past_year(_month(g["m2"]), int(g["d2"]), published)
            if d:
                return d.isoformat(), "day", None
        d = last_weekday(WEEKDAYS[g["wd"].lower()], published)
        if m.group(0).lower().startswith("last ") and d == published:
            d -= timedelta(days=7)
        return d.isoformat(), "day", None
    if kind == "yesterday":
        back = 2 if "before" in m.group(0).lower() else 1
        return (published - timedelta(days=back)).isoformat(), "day", None
    if kind in ("today", "overnight"):
        return published.isoformat(), "day", None
    if kind == "tonight":
        d = published - timedelta(days=1) if "last" in m.group(0).lower() else published
        return d.isoformat(), "day", None
    if kind == "lastweek":
        unit, this = g["u"].lower(), not m.group(0).lower().startswith(("last", "past"))
        if unit == "week":
            monday = published - timedelta(days=published.weekday()) - timedelta(days=0 if this else 7)
            end = min(monday + timedelta(days=6), published)
            return monday.isoformat(), "week", end.isoformat()
        if unit == "month":
            y, mon = published.year, published.month
            if not this:
                y, mon = (y, mon - 1) if mon > 1 else (y - 1, 12)
            return f"{y:04d}-{mon:02d}", "month", None
        return str(published.year - (0 if this else 1)), "year", None
    if kind == "ago":
        n = _NUM.get(g["n"].lower()) or int(g["n"])
        unit = g["u"].lower()
        if unit == "day":
            return (published - timedelta(days=n)).isoformat(), "day", None
        if unit == "week":
            d = published - timedelta(weeks=n)
            return d.isoformat(), "week", None
        if unit == "month":
            y, mon = divmod(published.year * 12 + published.month - 1 - n, 12)
            return f"{y:04d}-{mon + 1:02d}", "month", None
        return str(published.year - n), "year", None
    return None


def _resolve_in_range(kind: str, m: re.Match, published: date | None) -> tuple[str, str, str | None] | None:
    """`_resolve_match`, with a date outside years 1-9999 ("99999999 days ago", "yesterday" in year 1)
    dropped with a logged warning instead of failing the document."""
    try:
        got = _resolve_match(kind, m, published)
    except (OverflowError, ValueError):
        got = ("", "", None)
    if got is not None and not _in_range(got[0]):
        log.warning("date %r is out of range (years 1-9999) against publication date %s; dropped",
                    m.group(0)[:80], published)
        return None
    return got


def _in_range(value: str) -> bool:
    """A YYYY, YYYY-MM or YYYY-MM-DD value between years 1 and 9999."""
    m = re.fullmatch(r"(-?\d+)(?:-\d{2}){0,2}", value)
    return bool(m) and 1 <= int(m.group(1)) <= 9999


def _as_date(published) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, str):
        try:
            return date.fromisoformat(published[:10])
        except ValueError:
            return None
    return published


def find_dates(text: str, published: date | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date mentions in text[start:end], in text order, with spans into `text` and resolved values."""
    published = _as_date(published)
    end = len(text) if end is None else end
    window = text[start:end]
    taken: list[tuple[int, int]] = []  # disjoint, in text order: only the last one starting before e can overlap
    found: list[DateMention] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(window):
            s, e = m.start() + start, m.end() + start
            i = bisect_left(taken, (e,))
            if i and taken[i - 1][1] > s:
                continue
            got = _resolve_in_range(kind, m, published)
            if got is None:
                continue
            value, precision, end_value = got
            if published and precision == "day" and value > published.isoformat():
                continue  # never in the future of publication
            insort(taken, (s, e))
            found.append(DateMention(Span.of(text, s, e), value, precision, end_value))
    return sorted(found, key=lambda x: x.span.start)


def resolve(expression: str, published: date | None) -> tuple[str, str] | None:
    """(value, precision) of one date expression, e.g. ("2020-10-04", "day"); dateparser as fallback."""
    got = find_dates(expression, published)
    if got:
        return got[0].value, got[0].precision
    try:
        import dateparser

        ref = datetime.combine(_as_date(published), datetime.min.time()) if published else None
        settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
        if ref:
            settings["RELATIVE_BASE"] = ref
        parsed = dateparser.parse(expression, languages=["en"], settings=settings)
    except Exception:  # dateparser raises on odd input; an unparsable expression is simply unknown
        return None
    if parsed is None:
        return None
    return parsed.date().isoformat(), "day"
