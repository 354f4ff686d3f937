"""How the HTML report scales: synthetic ledgers of 1k, 10k and 100k incidents are rendered, opened in
headless chromium, and timed from navigation until the page sets its "report ready" flag.

    .venv/bin/python bench/bench_report.py [--sizes 1000,10000,100000] [--out DIR]

The synthetic text is generated from a few fixed sentence patterns (fictional speakers, real towns).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
TOWNS = [("Kharkiv", 49.9935, 36.2304), ("Izium", 49.2128, 37.2569), ("Kherson", 46.6354, 32.6169),
         ("Aleppo", 36.2021, 37.1343), ("Idlib", 35.9306, 36.6339), ("Khartoum", 15.5518, 32.5324),
         ("El Fasher", 13.6279, 25.3494), ("Rafah", 31.2969, 34.2455), ("Goma", -1.6792, 29.2228),
         ("Mosul", 36.335, 43.1189), ("Taiz", 13.5795, 44.0209), ("Mariupol", 47.0971, 37.5434)]
ACTORS = ["Northern Army", "Southern Front", "Coastal Brigade", "River Militia", "Government forces"]
ACTS = [("shelling", "shelled"), ("airstrike", "bombed"), ("drone_strike", "struck with drones"),
        ("attack_on_civilians", "attacked civilians in"), ("detention", "detained residents of")]
WEAPONS = ["artillery", "cluster munitions", "guided bombs", "loitering munitions", "rockets"]
VERIFIERS = ["Verifier Lab", "Open Source Desk", "Field Monitors"]
STATUSES = ["alleged", "corroborated", "partially_corroborated", "insufficient_evidence", "disputed", "refuted"]


def make_ledger(n_incidents: int, per_doc: int = 10, seed: int = 7) -> dict:
    """A ledger with n incidents (one allegation and one statement each), documents of `per_doc` incidents."""
    rnd = random.Random(seed)
    docs, stmts, algs, asmts, incs = [], [], [], [], []
    for d in range(n_incidents // per_doc + (n_incidents % per_doc > 0)):
        doc_id, parts, pos = d + 1, [f"Report {d + 1}\n\n"], 0
        pos = len(parts[0])
        for k in range(min(per_doc, n_incidents - d * per_doc)):
            i = d * per_doc + k
            town, lat, lon = rnd.choice(TOWNS)
            act, verb = rnd.choice(ACTS)
            actor, weapon = rnd.choice(ACTORS), rnd.choice(WEAPONS)
            day = f"2023-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            content = f"{actor} {verb} {town} with {weapon} on {day}, killing {rnd.randint(0, 9)} people"
            lead = f"Official {i} said "
            sentence = lead + content + ". "
            start = pos + len(lead)
            stmts.append({"id": f"D{doc_id}.S{k}", "document_id": doc_id, "cue": "said", "quote": "indirect",
                          "speaker": {"name": f"Official {i}", "kind": "party", "type": "person"},
                          "content": {"start": start, "end": start + len(content), "text": content}})
            jitter_lat, jitter_lon = lat + rnd.uniform(-0.3, 0.3), lon + rnd.uniform(-0.3, 0.3)
            place = {"name": town, "lat": round(jitter_lat, 4), "lon": round(jitter_lon, 4), "precision": "town"}
            algs.append({"id": f"D{doc_id}.A{k}", "document_id": doc_id, "statement_ids": [f"D{doc_id}.S{k}"],
                         "act": act, "perpetrator": actor, "weapons": [{"name": weapon}], "targets": [],
                         "places": [place], "date": day})
            status = rnd.choice(STATUSES)
            if status != "alleged":
                asmts.append({"id": f"D{doc_id}.V{k}", "document_id": doc_id, "allegation_id": f"D{doc_id}.A{k}",
                              "verifier": rnd.choice(VERIFIERS), "status": status})
            incs.append({"id": f"I{i + 1}", "allegation_ids": [f"D{doc_id}.A{k}"], "place": place, "date": day,
                         "status": status})
            parts.append(sentence)
            pos += len(sentence)
        docs.append({"id": doc_id, "title": f"Report {doc_id}", "outlet": "Bench Wire", "published": "2024-01-01",
                     "url": f"https://news.example.org/{doc_id}", "text": "".join(parts)})
    return {"schema": "claimledger/ledger@1", "documents": docs, "statements": stmts, "allegations": algs,
            "assessments": asmts, "incidents": incs, "places": []}


def load_seconds(page, path: Path, timeout_s: float = 300) -> tuple[float, float]:
    """Seconds from navigation until the page is interactive (list, timeline, first map chunk) and until
    it sets its "report ready" flag (every marker clustered and drawn)."""
    start = time.perf_counter()
    page.goto(path.as_uri(), timeout=timeout_s * 1000, wait_until="commit")
    page.wait_for_selector('body[data-interactive="1"]', state="attached", timeout=timeout_s * 1000)
    interactive = time.perf_counter() - start
    page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=timeout_s * 1000)
    return interactive, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    from claimledger import report

    ap = argparse.ArgumentParser(description="Time the HTML report at several ledger sizes.")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--out", type=Path, default=None, help="keep the reports (and screenshots) here")
    args = ap.parse_args([] if argv is None else argv)  # bench/run.py calls main() with its own argv
    out = args.out or Path(tempfile.mkdtemp(prefix="claimledger-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} missing (apt-get install -y chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    print(f"{'incidents':>10} {'render s':>9} {'size MB':>8} {'interactive s':>14} {'ready s':>8} {'ready x':>8}")
    prev = None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in (int(s) for s in args.sizes.split(",")):
            ledger = make_ledger(n)
            t = time.perf_counter()
            html = report.render(ledger)
            render_s = time.perf_counter() - t
            path = out / f"report-{n}.html"
            path.write_text(html, encoding="utf-8")
            page = browser.new_page(viewport={"width": 1400, "height": 850})
            interactive_s, ready_s = load_seconds(page, path)
            page.screenshot(path=str(out / f"report-{n}.png"))
            page.close()
            ratio = f"{ready_s / prev:8.1f}" if prev else ""  # growth against the previous (smaller) size
            print(f"{n:>10} {render_s:>9.2f} {path.stat().st_size / 1e6:>8.1f} {interactive_s:>14.2f} {ready_s:>8.2f} "
                  f"{ratio}", flush=True)
            prev = ready_s
        browser.close()
    print(f"reports in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
