"""Development harness for the allegation stage: build a ledger over the gold articles and score it.

usage: python scripts/eval_allegations.py [--gold-statements] [--gold-places] [--out ledger.json] [-v]

By default the real chain runs (statements.extract, geo.find_places, allegations.extract). With
--gold-statements, statements are rebuilt from the gold anchors (content = anchor to the end of its
sentence), and with --gold-places the gold toponyms stand in for geo.find_places: development aids only,
so the stage can be measured before the other stages land. Nothing from the gold files enters the product.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

from claimledger import actors, allegations, geo, statements
from claimledger.models import Place, Span, Speaker, Statement, as_dict

SHARED = Path(__file__).resolve().parents[2] / "shared"


def gold_files() -> list[Path]:
    return [SHARED / "gold" / "seed-ledger.json", *sorted((SHARED / "eval" / "dev").glob("*.json"))]


def article(gold_path: Path, gold: dict) -> str:
    for base in (gold_path.parent, gold_path.parent.parent):
        p = base / gold["document"]
        if p.exists():
            return p.read_text(encoding="utf-8")
    raise FileNotFoundError(gold["document"])


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return s.lower()


def _find(text: str, anchor: str) -> int:
    """Offset of an anchor in text, tolerant of quotes and spacing (folding keeps lengths for these)."""
    pat = r"\s+".join(re.escape(w) for w in _fold(anchor).split())
    m = re.search(pat, _fold(text))
    return m.start() if m else -1


def gold_statements(doc, gold: dict, prefix: str) -> list[Statement]:
    text = doc.text
    parties = actors.parties_in(text)
    out = []
    for g in gold["statements"]:
        start = _find(text, g["anchor"])
        if start < 0:
            print("anchor not found:", g["id"], g["anchor"], file=sys.stderr)
            continue
        sent = next(s for s in doc.sents if s.start_char <= start < s.end_char)
        end = sent.end_char
        low = _fold(text)
        who = low.find(_fold(g["speaker"]).split()[-1], start + len(g["anchor"]))
        if 0 < who < end:
            end = who
        end = max(end, start + len(g["anchor"]))
        while end > start and text[end - 1] in " ,.\u201d\"":
            end -= 1
        if g["quote"] == "direct":  # a quotation runs to its closing mark, across sentences
            opening = max(text.rfind("\u201c", 0, start + 1), text.rfind('"', 0, start + 1))
            closing = min([i for i in (text.find("\u201d", start), text.find('"', start)) if i >= 0] or [end])
            if opening >= 0 and closing > start:
                start, end = opening + 1, closing
        sp = actors.classify(Speaker(name=g["speaker"], role=g.get("speaker_role")), parties)
        sp.kind = g.get("speaker_kind", sp.kind)
        out.append(Statement(speaker=sp, cue=g["cue"], content=Span.of(text, start, end),
                             quote=g["quote"], id=f"{prefix}{g['id']}"))
    return sorted(out, key=lambda s: s.content.start)


def gold_places(text: str, gold: dict) -> list[Place]:
    out = []
    for name, g in gold["places"].items():
        if "lat" not in g:
            continue
        for n in [name, *g.get("alt", [])]:
            for m in re.finditer(r"\b" + re.escape(n) + r"\b", text):
                out.append(Place(name=m.group(0), start=m.start(), end=m.end(), lat=g["lat"], lon=g["lon"],
                                 precision="town"))
    return sorted(out, key=lambda p: p.start)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold-statements", action="store_true")
    ap.add_argument("--gold-places", action="store_true")
    ap.add_argument("--out", default="/tmp/allegations-ledger.json")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args(argv)
    nlp = statements.pipeline()
    ledger = {"schema": "claimledger/ledger@1", "documents": [], "statements": [], "allegations": [], "places": []}
    for n, gp in enumerate(gold_files(), 1):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        meta = gold["metadata_given_as_input"]
        published = date.fromisoformat(meta["published"])
        text = article(gp, gold)
        doc = nlp(text)
        prefix = f"D{n}."
        stmts = (gold_statements(doc, gold, prefix + "S") if args.gold_statements
                 else statements.extract(doc, published, prefix + "S"))
        places = gold_places(text, gold) if args.gold_places else geo.find_places(doc)
        algs = allegations.extract(doc, stmts, places, published, prefix + "A")
        ledger["documents"].append({"id": n, "title": meta["title"], "text": text, "published": meta["published"]})
        for rec in (*stmts, *algs):
            rec.document_id = n
        ledger["statements"] += [as_dict(s) for s in stmts]
        ledger["allegations"] += [as_dict(a) for a in algs]
        ledger["places"] += [dict(as_dict(p), document_id=n) for p in places]
        if args.v:
            print(f"== {gp.name}")
            for a in algs:
                print(f"  {a.id} {a.statement_ids} {a.act} perp={a.perpetrator!r} ({a.perpetrator_reason})"
                      f" places={[p.name for p in a.places]} date={a.date} w={[w.name for w in a.weapons]}"
                      f" t={[t.name for t in a.targets]} cas={a.casualties and (a.casualties.killed_min, a.casualties.killed_max, a.casualties.injured_min, a.casualties.injured_max, a.casualties.civilian)}")
            for g in gold["allegations"]:
                print(f"  gold {g['id']} {g['alleged_by']} {g['act']} perp={g['perpetrator']!r} places={g['places']}")
    Path(args.out).write_text(json.dumps(ledger, indent=1, ensure_ascii=False), encoding="utf-8")
    score = SHARED / "eval" / "score.py"
    return subprocess.call([sys.executable, str(score), args.out, *map(str, gold_files())])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
