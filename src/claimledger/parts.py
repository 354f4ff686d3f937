"""Long documents, analysed part by part so that time and memory grow in step with their length.

A document longer than `LONG_TEXT` characters is cut into parts of at most `PART_CHARS` at paragraph breaks
(else at a sentence end, else at a space). Each part is parsed and analysed on its own, as if it were a
short document; its records then get offsets into the whole text (so every span still slices the stored text
exactly) and ids numbered on from the part before ("D4.S812" follows "D4.S811" across a cut), and are written
to a temporary file. Only one part's parse is ever in memory, and the whole result is read back record by
record when it is stored.

What a cut costs: a pronoun or a "the agency" at the start of a part cannot take a speaker from the part
before, and places are resolved per part (one sense per part, not per document).
"""
from __future__ import annotations

import pickle
import re
import tempfile
from typing import Iterator

from .models import as_dict

LONG_TEXT = 100_000  # characters; a document up to this long is analysed whole
PART_CHARS = 25_000  # characters per part of a longer one (a parse of 25,000 characters takes about 100 MB)
KINDS = ("statements", "places", "allegations", "assessments")

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")


def chunks(text: str, max_chars: int = PART_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, part) pieces of `text` that concatenate back to it, each at most `max_chars` long, cut at the
    last line break in the second half of the window, else the last sentence end, else the last space.

    >>> [p for _, p in chunks("One.\\nTwo.\\nThree.", 8)]
    ['One.\\n', 'Two.\\n', 'Three.']
    """
    start = 0
    while len(text) - start > max_chars:
        lo, hi = start + max_chars // 2, start + max_chars
        cut = text.rfind("\n", lo, hi) + 1
        if not cut:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, hi)]
            cut = ends[-1] if ends else text.rfind(" ", lo, hi) + 1 or hi
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _shift(record, by: int) -> None:
    """Move every span of a stored record (a dict with integer start and end: spans and places) by `by`."""
    if isinstance(record, dict):
        if isinstance(record.get("start"), int) and isinstance(record.get("end"), int):
            record["start"] += by
            record["end"] += by
        for value in record.values():
            _shift(value, by)
    elif isinstance(record, list):
        for value in record:
            _shift(value, by)


def _renumber(record_id: str | None, by: int) -> str | None:
    """"D4.S12" numbered on by 800: "D4.S812" (an empty id stays empty)."""
    return re.sub(r"\d+$", lambda m: str(int(m.group()) + by), record_id) if record_id else record_id


class Spool:
    """A long document's records, part after part, in a temporary file; `records(kind)` reads them back in
    order as dicts ready to store, `counts()` says how many of each there are."""

    def __init__(self, document_id: int):
        self.document_id = document_id
        self.file = tempfile.TemporaryFile()
        self.n = dict.fromkeys(KINDS, 0)

    def add(self, part, offset: int) -> None:
        """One part's `DocumentResult`, analysed on text starting at `offset` of the whole document."""
        n = self.n
        out = {k: [as_dict(x) for x in getattr(part, k)] for k in KINDS}
        for rec in out["statements"]:
            rec["id"], rec["parent"] = _renumber(rec["id"], n["statements"]), _renumber(rec["parent"], n["statements"])
        for rec in out["allegations"]:
            rec["id"] = _renumber(rec["id"], n["allegations"])
            rec["statement_ids"] = [_renumber(s, n["statements"]) for s in rec["statement_ids"]]
        for rec in out["assessments"]:
            rec["id"], rec["allegation_id"] = (_renumber(rec["id"], n["assessments"]),
                                               _renumber(rec["allegation_id"], n["allegations"]))
            rec["statement_ids"] = [_renumber(s, n["statements"]) for s in rec["statement_ids"]]
        for i, rec in enumerate(out["places"], n["places"] + 1):
            rec["id"] = f"D{self.document_id}.P{i}"
        for kind in KINDS:
            _shift(out[kind], offset)
            n[kind] += len(out[kind])
        pickle.dump(out, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def counts(self) -> dict[str, int]:
        return dict(self.n)

    def records(self, kind: str) -> Iterator[dict]:
        self.file.seek(0)
        while True:
            try:
                part = pickle.load(self.file)
            except EOFError:
                return
            yield from part[kind]

    def close(self) -> None:
        self.file.close()
