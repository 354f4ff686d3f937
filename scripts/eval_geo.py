"""Geoparsing harness: GeoWebNews-style corpora and the gold ledgers' document places.

  python scripts/eval_geo.py gwn [--xml PATH] [--kind gwn] [--out ledger.json] [--cache DIR]
  python scripts/eval_geo.py gold          # gold places of ../shared seed + dev found within 25 km
"""
from __future__ import annotations

import argparse
import glob
import json
import subprocess
import sys
import time
from pathlib import Path

from spacy.tokens import DocBin

from claimledger import geo
from claimledger.nlp import base_model

SHARED = Path(__file__).resolve().parents[2] / "shared"


def parsed(texts: list[str], cache: Path | None):
    """spaCy docs for the texts, cached as a DocBin (parsing dominates the harness's time)."""
    nlp = base_model()
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    docs = list(nlp.pipe(texts, batch_size=16))
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs).to_disk(cache)
    return docs


def run_corpus(kind: str, xml: str, out: Path, cache: Path | None) -> dict:
    corpora = SHARED / "eval" / "corpora.py"
    lines = subprocess.run([sys.executable, str(corpora), "jsonl", kind, xml], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    rows = [json.loads(x) for x in lines]
    docs = parsed([r["text"] for r in rows], cache)
    t = time.perf_counter()
    geo.gazetteer()
    load = time.perf_counter() - t
    t = time.perf_counter()
    ledger = {"documents": [], "places": []}
    for n, (r, d) in enumerate(zip(rows, docs), 1):
        ledger["documents"].append({"id": n, "external_id": r["id"], "title": r["title"], "text": r["text"]})
        for p in geo.find_places(d):
            ledger["places"].append({"document_id": n, "name": p.name, "start": p.start, "end": p.end,
                                     "lat": p.lat, "lon": p.lon, "precision": p.precision, "text": p.name,
                                     "resolved_by": p.resolved_by})
    print(f"gazetteer load {load:.1f}s, geoparse {time.perf_counter() - t:.1f}s", file=sys.stderr)
    out.write_text(json.dumps(ledger), encoding="utf-8")
    res = subprocess.run([sys.executable, str(corpora), "score", kind, xml, str(out), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(res)


def run_gold() -> dict:
    """Share of gold document places (with coordinates) that some found place lies within 25 km of."""
    pairs = [(SHARED / "gold" / "seed-ledger.json", SHARED / "seed" / "cluster-munitions-article.txt")]
    pairs += [(Path(j), Path(j).with_suffix(".txt")) for j in sorted(glob.glob(str(SHARED / "eval/dev/*.json")))]
    nlp = base_model()
    ok = total = 0
    misses = []
    for gold_path, text_path in pairs:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        places = geo.find_places(nlp(text_path.read_text(encoding="utf-8")))
        for name, g in gold.get("places", {}).items():
            if "lat" not in g:
                continue
            total += 1
            hit = any(p.lat is not None and geo.distance_km(p.lat, p.lon, g["lat"], g["lon"]) <= 25 for p in places)
            ok += hit
            if not hit:
                misses.append(f"{gold_path.name}:{name}")
    return {"document_place_recall_25km": round(ok / total, 3) if total else None, "gold": total, "missed": misses}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["gwn", "gold"])
    ap.add_argument("--xml", default=str(SHARED / "eval/geo-dev/GWN.xml"))
    ap.add_argument("--kind", default="gwn")
    ap.add_argument("--out", default="/tmp/geo-ledger.json")
    ap.add_argument("--cache", default=None)
    a = ap.parse_args()
    if a.what == "gold":
        print(json.dumps(run_gold(), indent=1))
    else:
        res = run_corpus(a.kind, a.xml, Path(a.out), Path(a.cache) if a.cache else None)
        print(json.dumps({k: v for k, v in res.items()}, indent=1))


if __name__ == "__main__":
    main()
