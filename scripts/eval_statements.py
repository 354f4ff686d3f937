"""Score the statement stage on the gold ledgers (seed + dev) and, optionally, on PolNeAR dev.

usage: python scripts/eval_statements.py [--polnear [--misses [speech|other]] [--fps]] [--show]
  --misses  PolNeAR relations no statement found (overlap >= 0.3, one-to-one as the scorer matches), counted by
            cue and listed with the best-overlapping prediction; "speech" or "other" keeps that kind only
  --fps     predicted statements that match no PolNeAR relation, by cue and mode, then listed
Needs ../shared (the evaluation data); writes ledgers under /tmp.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from claimledger import statements
from claimledger.models import as_dict

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def gold_files() -> list[Path]:
    return [SHARED / "gold" / "seed-ledger.json", *sorted((SHARED / "eval" / "dev").glob("*.json"))]


def ledger_for(docs: list[dict]) -> dict:
    nlp = statements.pipeline()
    out = {"schema": "claimledger/ledger@1", "documents": [], "statements": []}
    for i, d in enumerate(docs, 1):
        doc = nlp(d["text"])
        pub = date.fromisoformat(d["published"]) if d.get("published") else None
        out["documents"].append({"id": i, "external_id": d.get("id"), "title": d.get("title"), "text": d["text"]})
        for s in statements.extract(doc, published=pub, prefix=f"D{i}.S"):
            s.document_id = i
            out["statements"].append(as_dict(s))
    return out


def gold_docs() -> list[dict]:
    docs = []
    for g in gold_files():
        gold = json.loads(g.read_text())
        meta = gold["metadata_given_as_input"]
        path = next(p for p in (g.parent / gold["document"], g.parent.parent / gold["document"]) if p.exists())
        docs.append({"title": meta.get("title"), "published": meta.get("published"), "text": path.read_text()})
    return docs


def main(argv: list[str]) -> None:
    ledger = ledger_for(gold_docs())
    Path("/tmp/stmt-ledger.json").write_text(json.dumps(ledger, indent=1))
    subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "/tmp/stmt-ledger.json",
                    *map(str, gold_files())], check=True)
    if "--show" in argv:
        for s in ledger["statements"]:
            print(s["id"], "|", s["speaker"]["name"], "|", s["cue"], "|", s["quote"], "|", s.get("date"), "|",
                  s.get("channel"), "|", s.get("reported_by"), "|", s["content"]["text"][:90])
    if "--polnear" in argv:
        corpora = SHARED / "eval" / "corpora.py"
        pn = SHARED / "eval" / "polnear-dev"
        lines = subprocess.run([sys.executable, str(corpora), "jsonl", "polnear", str(pn)], check=True,
                               capture_output=True, text=True).stdout.splitlines()
        docs = [json.loads(x) for x in lines if x.strip()]
        ledger = ledger_for(docs)
        Path("/tmp/pn-ledger.json").write_text(json.dumps(ledger))
        subprocess.run([sys.executable, str(corpora), "score", "polnear", str(pn), "/tmp/pn-ledger.json"], check=True)
        if "--misses" in argv or "--fps" in argv:
            kind = argv[argv.index("--misses") + 1] if "--misses" in argv and argv.index("--misses") + 1 < len(argv) else ""
            polnear_errors(pn, ledger, "--misses" in argv, "--fps" in argv, kind)


def polnear_errors(path: Path, ledger: dict, misses: bool, fps: bool, kind: str = "") -> None:
    """Missed gold relations and unmatched predictions on PolNeAR, matched as `corpora.score_polnear` does."""
    sys.path.insert(0, str(path.parent))
    from corpora import chars, overlap_ratio, polnear_docs

    by_doc: dict = {}
    for st in ledger["statements"]:
        by_doc.setdefault(st["document_id"], []).append(st)
    ids = {d["external_id"]: d["id"] for d in ledger["documents"]}
    missed, extra = [], []
    for doc, gold in polnear_docs(path):
        text, pred = doc["text"], by_doc.get(ids.get(doc["id"]), [])
        pc = [chars([(p["content"]["start"], p["content"]["end"])]) for p in pred]
        gc = [chars(g["content"]) for g in gold]
        pairs = sorted(((overlap_ratio(a, b), gi, pi) for gi, a in enumerate(gc) for pi, b in enumerate(pc) if a & b),
                       reverse=True)
        g_used, p_used = set(), set()
        for ratio, gi, pi in pairs:
            if ratio >= 0.3 and gi not in g_used and pi not in p_used:
                g_used.add(gi)
                p_used.add(pi)
        for gi, g in enumerate(gold):
            if gi in g_used or (kind == "speech" and not g["speech"]) or (kind == "other" and g["speech"]):
                continue
            best = max(((overlap_ratio(gc[gi], pc[pi]), pi) for pi in range(len(pred))), default=(0.0, None))
            missed.append((g["cue"].lower(), " ".join(text[a:b] for a, b in g["content"]),
                           " ".join(text[a:b] for a, b in g["source"] or []), best[0],
                           pred[best[1]]["content"]["text"] if best[1] is not None and best[0] else ""))
        extra += [p for pi, p in enumerate(pred) if pi not in p_used]
    if misses:
        print(f"\n{len(missed)} missed relations, by cue:", Counter(m[0] for m in missed).most_common(40))
        for cue, content, source, ratio, best in missed:
            print(f"- [{cue}] {source[:40]!r}: {content[:100]!r}" + (f"\n    best {ratio:.2f}: {best[:100]!r}" if best else ""))
    if fps:
        print(f"\n{len(extra)} unmatched statements, by cue and mode:",
              Counter((p["cue"].lower(), p.get("mode", "speech")) for p in extra).most_common(40))
        for p in extra:
            print(f"- [{p['cue']}|{p.get('mode', 'speech')}] {p['speaker']['name'][:40]!r}: {p['content']['text'][:100]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
