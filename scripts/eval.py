#!/usr/bin/env python3
"""`make eval`: run `analyze` on the gold articles and public corpora under ../shared and print the scores.

Gold (seed + eval/dev) is analysed as one JSONL batch with each gold file's `metadata_given_as_input`, so
incidents can cluster across articles; the public corpora go through `corpora.py jsonl` / `score`.
Skips with a message when ../shared is absent. Ledgers and scores are written under out/eval/.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "out" / "eval"


def gold_files() -> list[Path]:
    return [SHARED / "gold" / "seed-ledger.json", *sorted((SHARED / "eval" / "dev").glob("*.json"))]


def article_text(gold_path: Path, gold: dict) -> str:
    for base in (gold_path.parent, gold_path.parent.parent):
        if (base / gold["document"]).exists():
            return (base / gold["document"]).read_text(encoding="utf-8")
    raise FileNotFoundError(gold["document"])


def gold_jsonl(paths: list[Path], out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        for p in paths:
            gold = json.loads(p.read_text(encoding="utf-8"))
            meta = gold.get("metadata_given_as_input", {})
            line = {"id": p.stem, "text": article_text(p, gold), **{k: meta.get(k) for k in
                                                                    ("title", "published", "outlet", "author")}}
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def analyze(jsonl: Path, ledger: Path) -> float:
    """Run the real CLI, as a user would; returns seconds taken."""
    start = time.perf_counter()
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "claimledger"), "analyze", str(jsonl), "--out", str(ledger)],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1) or not ledger.exists():
        sys.exit(f"analyze failed on {jsonl}:\n{proc.stderr[-4000:]}")
    return time.perf_counter() - start


def run(cmd: list[str]) -> dict:
    proc = subprocess.run(cmd + ["--json"], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def show(title: str, scores: dict, seconds: float) -> None:
    print(f"\n== {title} ({seconds:.1f}s)")
    for k, v in scores.items():
        if k not in ("counts", "problems"):
            print(f"  {k:34} {v}")
    for p in scores.get("problems", [])[:10]:
        print(f"  problem: {p}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", choices=["gold", "polnear", "gwn"], action="append")
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"make eval: {SHARED} is absent, nothing to score (skipped).")
        return 0
    only = set(args.only or ["gold", "polnear", "gwn"])
    OUT.mkdir(parents=True, exist_ok=True)
    score_py, corpora_py = SHARED / "eval" / "score.py", SHARED / "eval" / "corpora.py"
    summary = {}
    if "gold" in only:
        golds = gold_files()
        jsonl, ledger = OUT / "gold.jsonl", OUT / "gold-ledger.json"
        gold_jsonl(golds, jsonl)
        secs = analyze(jsonl, ledger)
        summary["gold_all"] = run([sys.executable, str(score_py), str(ledger), *map(str, golds)])
        show("seed + dev gold, one ledger", summary["gold_all"], secs)
        summary["dev"] = run([sys.executable, str(score_py), str(ledger), *map(str, golds[1:])])
        show("dev gold only", summary["dev"], 0)
        summary["seed"] = run([sys.executable, str(score_py), str(ledger), str(golds[0])])
        show("seed only", summary["seed"], 0)
    corpora = {"polnear": SHARED / "eval" / "polnear-dev", "gwn": SHARED / "eval" / "geo-dev" / "GWN.xml"}
    for kind in ("polnear", "gwn"):
        if kind not in only or not corpora[kind].exists():
            continue
        jsonl, ledger = OUT / f"{kind}.jsonl", OUT / f"{kind}-ledger.json"
        jsonl.write_text(subprocess.run([sys.executable, str(corpora_py), "jsonl", kind, str(corpora[kind])],
                                        capture_output=True, text=True, check=True).stdout, encoding="utf-8")
        secs = analyze(jsonl, ledger)
        summary[kind] = run([sys.executable, str(corpora_py), "score", kind, str(corpora[kind]), str(ledger)])
        show(f"{kind} ({corpora[kind].name})", summary[kind], secs)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"\nledgers and scores in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
