"""The analyst workspace: a FastAPI app serving server-rendered pages (Jinja2 + htmx) over the ledger.

`create_app(engine)` builds it; `claimledger serve` runs it under Uvicorn."""
from .app import create_app

__all__ = ["create_app"]
