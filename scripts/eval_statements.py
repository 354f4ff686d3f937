"""Score the statement stage on the gold ledgers (seed + dev) and, optionally, on PolNeAR dev.

usage: python scripts/eval_statements.py [--polnear] [--show]
Needs ../shared (the evaluation data); writes ledgers under /tmp.
"""
from __future__ import annotations

import json
import subprocess
import sys
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
        doc = statements.parse(nlp, d["text"])
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


if __name__ == "__main__":
    main(sys.argv[1:])
