"""Character spans (start, end) indexed by position, for the questions the stages ask of quotations and
statements again and again: "is this cue inside a quotation?", "which quotation ends just before the
speaker?", "which statement's content holds this cue?". Each answer looks only at the few spans near the
place asked about, never at all of them, so the cost of a document stays linear in its length.

    >>> quotes = SpanIndex([(10, 40), (60, 90)])
    >>> quotes.covering(12, 30), quotes.inside(50), quotes.ending_in(35, 45)
    ((10, 40), False, [(10, 40)])
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate


class SpanIndex:
    """Spans in order of their start (ties in the order given), each with an optional item (the statement
    a content span belongs to, say); iterating gives the spans, like the list it was built from.

    `examined` counts, over all indexes, the spans a query or a loop looked at: a test of the bound above."""
    examined = 0

    def __init__(self, spans, items=None):
        pairs = list(zip(spans, items)) if items is not None else [(s, None) for s in spans]
        pairs.sort(key=lambda p: p[0][0])  # stable: equal starts keep their given order
        self.spans = [tuple(s) for s, _ in pairs]
        self.items = [x for _, x in pairs]
        self.starts = [s[0] for s in self.spans]
        self.reach = list(accumulate((s[1] for s in self.spans), max))  # the furthest end up to each span
        self.by_end = sorted((s[1], i) for i, s in enumerate(self.spans))
        self.ends = [e for e, _ in self.by_end]

    @classmethod
    def of(cls, spans) -> "SpanIndex":
        """`spans` itself when already indexed."""
        return spans if isinstance(spans, cls) else cls(spans)

    def __iter__(self):  # counted too: a loop over every span is what the index is there to avoid
        for span in self.spans:
            SpanIndex.examined += 1
            yield span

    def __len__(self) -> int:
        return len(self.spans)

    def _from(self, i: int, below: int):
        """Positions i, i+1, ... of the spans starting before `below`."""
        while i < len(self.spans) and self.spans[i][0] < below:
            SpanIndex.examined += 1
            yield i
            i += 1

    def covering(self, start: int, end: int) -> tuple[int, int] | None:
        """The first span s with s[0] <= start and end <= s[1]."""
        i = bisect_left(self.reach, end)  # the first span reaching `end`: any covering one is this or a later one
        if i < len(self.spans):
            SpanIndex.examined += 1
            if self.spans[i][0] <= start:
                return self.spans[i]
        return None  # later spans start later still

    def containing_at(self, at: int, strict: bool = False):
        """Positions of the spans around offset `at` (s[0] <= at < s[1]; s[0] < at < s[1] when strict)."""
        for i in self._from(bisect_right(self.reach, at), at if strict else at + 1):
            if at < self.spans[i][1]:
                yield i

    def containing(self, at: int, strict: bool = False):
        """The spans around offset `at`, in order."""
        return (self.spans[i] for i in self.containing_at(at, strict))

    def inside(self, at: int, strict: bool = False) -> bool:
        return next(self.containing_at(at, strict), None) is not None

    def overlapping(self, start: int, end: int):
        """The spans sharing characters with [start, end), in order."""
        return (self.spans[i] for i in self._from(bisect_right(self.reach, start), end) if start < self.spans[i][1])

    def ending_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The spans whose end lies in [lo, hi], in order."""
        a, b = bisect_left(self.ends, lo), bisect_right(self.ends, hi)
        SpanIndex.examined += b - a
        return [self.spans[i] for i in sorted(i for _, i in self.by_end[a:b])]

    def starting_in_at(self, lo: int, hi: int) -> range:
        """Positions of the spans whose start lies in [lo, hi]."""
        a, b = bisect_left(self.starts, lo), bisect_right(self.starts, hi)
        SpanIndex.examined += b - a
        return range(a, b)

    def starting_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The spans whose start lies in [lo, hi], in order."""
        return [self.spans[i] for i in self.starting_in_at(lo, hi)]
