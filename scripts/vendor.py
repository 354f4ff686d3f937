"""Copy the pinned Leaflet and Leaflet.markercluster dist files from node_modules (after `npm ci`)
into src/claimledger/static/, where `claimledger.report` inlines them into the HTML report.

Usage: python scripts/vendor.py [--node-modules DIR]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "claimledger" / "static"
# (package, file inside the package, name in static/)
FILES = [
    ("leaflet", "dist/leaflet.js", "leaflet.js"),
    ("leaflet", "dist/leaflet.css", "leaflet.css"),
    ("leaflet", "LICENSE", "LICENSE.leaflet"),
    ("leaflet.markercluster", "dist/leaflet.markercluster.js", "leaflet.markercluster.js"),
    ("leaflet.markercluster", "dist/MarkerCluster.css", "MarkerCluster.css"),
    ("leaflet.markercluster", "dist/MarkerCluster.Default.css", "MarkerCluster.Default.css"),
    ("leaflet.markercluster", "MIT-LICENCE.txt", "LICENSE.leaflet.markercluster"),
]


def pinned_versions() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text())["dependencies"]


def vendor(node_modules: Path, static: Path = STATIC) -> list[Path]:
    """Copy FILES, checking each package's installed version against package.json."""
    pins = pinned_versions()
    for pkg in {p for p, _, _ in FILES}:
        got = json.loads((node_modules / pkg / "package.json").read_text())["version"]
        if got != pins[pkg]:
            raise SystemExit(f"{pkg} {got} installed but {pins[pkg]} pinned: run `npm ci`")
    static.mkdir(parents=True, exist_ok=True)
    written = []
    for pkg, src, name in FILES:
        dest = static / name
        shutil.copyfile(node_modules / pkg / src, dest)
        if name.endswith(".css"):
            # the report is one file with no network: drop image references (unused: no default icons
            # and no layer control) so the browser never tries to fetch them
            text = re.sub(r"url\(images/[^)]*\)", "none", dest.read_text())
            dest.write_text(text)
        written.append(dest)
    (static / "VERSIONS.json").write_text(json.dumps(pins, indent=2) + "\n")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    args = ap.parse_args(argv)
    if not args.node_modules.is_dir():
        print(f"{args.node_modules} missing: run `npm ci` first", file=sys.stderr)
        return 1
    for p in vendor(args.node_modules):
        print(p.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
