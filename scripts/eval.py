#!/usr/bin/env python3
"""`make eval` / `make eval-gate`: analyse every dev corpus under ../shared and print one table of scores.

Corpora (each analysed as one JSONL batch through the real CLI, as a user would):
- dev:        the seed article + eval/dev (fictional), pooled, so incidents can cluster across articles;
- dev-real:   eval/dev-real (real official statements and news);
- wikievents: eval/wikievents-dev (real news on attacks, KAIROS event arguments);
- polnear:    eval/polnear-dev (attribution relations in US political news);
- gwn:        eval/geo-dev/GWN.xml (GeoWebNews toponyms).
`--gate` compares the pooled figures with the floors pinned in eval/floors.toml and exits 1 when one drops.
Skips with a message when ../shared is absent. Ledgers and scores are written under out/eval/.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
OUT = ROOT / "out" / "eval"
FLOORS = ROOT / "eval" / "floors.toml"
CORPORA = ("dev", "dev-real", "wikievents", "polnear", "gwn")
GATED = ("dev", "dev-real", "wikievents")   # fast enough for a pre-stop gate; polnear/gwn in `make eval`
# the figures shown in the table, per corpus (the full score files are kept in out/eval)
SHOWN = {
    "dev": ("statement_f1", "statement_speaker_f1", "allegation_f1", "act_accuracy",
            "allegation_place_accuracy_25km", "assessment_status_accuracy", "incident_status_accuracy",
            "incident_pairwise_f1", "bad_offsets"),
    "polnear": ("content_f1_overlap_0.3", "speech_recall_0.3", "speaker_accuracy", "bad_offsets"),
    "gwn": ("toponym_f1", "accuracy_161km", "bad_offsets"),
    "wikievents": ("attack_events_sentence_f1", "attack_args_sentence_head_f1", "bad_spans"),
}
SHOWN["dev-real"] = SHOWN["dev"]


def gold_files(corpus: str) -> list[Path]:
    if corpus == "dev":
        return [SHARED / "gold" / "seed-ledger.json", *sorted((EVAL / "dev").glob("*.json"))]
    return sorted((EVAL / "dev-real").glob("*.json"))


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
            line = {"id": p.stem, "text": article_text(p, gold),
                    **{k: meta.get(k) for k in ("title", "published", "outlet", "author")}}
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def analyze(jsonl: Path, ledger: Path) -> float:
    """Run the real CLI; returns seconds taken."""
    start = time.perf_counter()
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "claimledger"), "analyze", str(jsonl), "--out", str(ledger)],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1) or not ledger.exists():
        sys.exit(f"analyze failed on {jsonl}:\n{proc.stderr[-4000:]}")
    return time.perf_counter() - start


def scored(cmd: list[str]) -> dict:
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def run_gold(corpus: str) -> tuple[dict, float]:
    golds = gold_files(corpus)
    jsonl, ledger = OUT / f"{corpus}.jsonl", OUT / f"{corpus}-ledger.json"
    gold_jsonl(golds, jsonl)
    secs = analyze(jsonl, ledger)
    return scored([sys.executable, str(EVAL / "score.py"), str(ledger), *map(str, golds), "--json"]), secs


def run_corpus(kind: str, path: Path) -> tuple[dict, float]:
    jsonl, ledger = OUT / f"{kind}.jsonl", OUT / f"{kind}-ledger.json"
    jsonl.write_text(subprocess.run([sys.executable, str(EVAL / "corpora.py"), "jsonl", kind, str(path)],
                                    capture_output=True, text=True, check=True).stdout, encoding="utf-8")
    secs = analyze(jsonl, ledger)
    return scored([sys.executable, str(EVAL / "corpora.py"), "score", kind, str(path), str(ledger), "--json"]), secs


def run_wikievents() -> tuple[dict, float]:
    base = EVAL / "wikievents-dev"
    jsonl, ledger, result = OUT / "wikievents.jsonl", OUT / "wikievents-ledger.json", OUT / "wikievents-scores.json"
    jsonl.write_text(subprocess.run([sys.executable, str(EVAL / "wikievents_jsonl.py"), str(base / "dev.jsonl")],
                                    capture_output=True, text=True, check=True).stdout, encoding="utf-8")
    secs = analyze(jsonl, ledger)
    subprocess.run([sys.executable, str(EVAL / "wikievents_score.py"), "--gold", str(base / "dev.jsonl"),
                    "--coref", str(base / "coref" / "dev.jsonlines"), "--ledger", str(ledger),
                    "--json", str(result)], capture_output=True, text=True, check=True)
    full = json.loads(result.read_text(encoding="utf-8"))
    attack = full["attack"]
    return {"attack_events_sentence_f1": attack["events/sentence"]["f1"],
            "attack_args_sentence_head_f1": attack["args/sentence/head"]["overall"]["f1"],
            "bad_spans": full["bad_spans"], "full": full}, secs


def run(corpus: str) -> tuple[dict, float]:
    if corpus in ("dev", "dev-real"):
        return run_gold(corpus)
    if corpus == "wikievents":
        return run_wikievents()
    return run_corpus(corpus, EVAL / ("polnear-dev" if corpus == "polnear" else "geo-dev/GWN.xml"))


def available(corpus: str) -> bool:
    return {"dev": SHARED / "gold", "dev-real": EVAL / "dev-real", "wikievents": EVAL / "wikievents-dev",
            "polnear": EVAL / "polnear-dev", "gwn": EVAL / "geo-dev" / "GWN.xml"}[corpus].exists()


def fmt(v) -> str:
    return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def table(summary: dict, secs: dict, floors: dict) -> list[str]:
    """One table: corpus, metric, value, floor; returns the metrics below their floor."""
    below = []
    print(f"\n{'corpus':11} {'metric':34} {'value':>7} {'floor':>7}")
    for corpus, scores in summary.items():
        print(f"{corpus:11} {'(seconds)':34} {secs[corpus]:7.1f}")
        for metric in SHOWN[corpus]:
            value, floor = scores.get(metric), floors.get(corpus, {}).get(metric)
            bad = floor is not None and (value is None or (value > floor if metric.startswith("bad_")
                                                            else value < floor))
            below += [f"{corpus} {metric} {fmt(value)} < floor {floor}"] if bad else []
            print(f"{corpus:11} {metric:34} {fmt(value):>7} {fmt(floor) if floor is not None else '':>7}"
                  + ("  BELOW FLOOR" if bad else ""))
    return below


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=CORPORA, action="append", help="score only this corpus (repeatable)")
    ap.add_argument("--gate", action="store_true", help=f"fail when a figure drops below {FLOORS.name}")
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"eval: {SHARED} is absent, nothing to score (skipped).")
        return 0
    corpora = [c for c in CORPORA if c in (args.only or (GATED if args.gate else CORPORA)) and available(c)]
    OUT.mkdir(parents=True, exist_ok=True)
    summary, secs = {}, {}
    for corpus in corpora:
        summary[corpus], secs[corpus] = run(corpus)
    floors = tomllib.loads(FLOORS.read_text(encoding="utf-8"))
    below = table(summary, secs, floors)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"\nledgers and scores in {OUT}")
    if args.gate and below:
        print("eval-gate FAILED:\n  " + "\n  ".join(below), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
