"""Where documents are analysed: in this process, in local worker processes, or on a Dask cluster.

Every way yields the same `DocumentResult`s (the stages are pure); only the caller stores them, so the
database has one writer whatever the number of workers. Each worker process loads the spaCy model and
the gazetteer once and keeps them for every document it is given.

    for result in results(engine, [1, 2, 3], workers=2):   # or dask="local:2", dask="tcp://host:8786"
        ...
"""
from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

from sqlalchemy.engine import Engine

from . import db, pipeline

CHUNK = 8  # documents a local worker gets at a time: small, so the progress bar moves evenly
PARTITION = 50  # most documents in one Dask task

_state: dict = {}  # per worker process: engines by URL


def warm() -> None:
    """Load the model and the gazetteer in this process (a worker's initializer; both are cached)."""
    from . import gazetteer, statements

    statements.pipeline()
    gazetteer.gazetteer()


def analyse(rows: list[pipeline.Pending]) -> list[pipeline.DocumentResult]:
    """Analyse the given (short) documents with this process's model; plain results, fit to pickle."""
    from . import statements

    warm()
    return list(pipeline.analyze_rows(statements.pipeline(), rows))


def analyse_partition(url: str, ids: list[int]) -> list[pipeline.DocumentResult]:
    """A Dask task: read the documents from the shared database, analyse them, return the results (the
    worker never writes)."""
    engines = _state.setdefault("engines", {})
    if url not in engines:
        engines[url] = db.connect(url, migrate=False)
    with engines[url].connect() as conn:
        rows = pipeline.load_pending(conn, ids)
    return analyse(rows)


def results(engine: Engine, ids: list[int], *, workers: int = 1, dask: str | None = None,
            task=analyse_partition) -> Iterator[pipeline.DocumentResult]:
    """A result for each document id (local runs in id order, Dask runs as partitions finish)."""
    if not ids:
        return
    if dask:
        yield from _dask(engine, ids, dask, task)
    elif workers > 1:
        yield from _pool(engine, ids, workers)
    else:
        for lo in range(0, len(ids), pipeline.BATCH_SIZE):
            with engine.connect() as conn:
                rows = pipeline.load_pending(conn, ids[lo:lo + pipeline.BATCH_SIZE])
            yield from analyse(rows)


def _pool(engine: Engine, ids: list[int], workers: int) -> Iterator[pipeline.DocumentResult]:
    """Local worker processes (spawned: the parent may run threads, as the progress bar does). The parent
    reads the texts a few chunks ahead, so memory stays flat however many documents are pending."""
    import multiprocessing

    chunks = [ids[lo:lo + CHUNK] for lo in range(0, len(ids), CHUNK)]
    ahead = 2 * workers
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm) as pool:
        futures = []
        for chunk in chunks:
            with engine.connect() as conn:
                futures.append(pool.submit(analyse, pipeline.load_pending(conn, chunk)))
            if len(futures) > ahead:
                yield from futures.pop(0).result()
        for f in futures:
            yield from f.result()


def open_client(address: str):
    """A Dask client: "local:N" starts a LocalCluster of N worker processes (closed with the client)."""
    import logging

    from dask.distributed import Client, LocalCluster

    if address.startswith("local:"):
        n = int(address.split(":", 1)[1])
        # its log lines (a slow worker killed at shutdown) are not the user's business
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
        client._claimledger_cluster = cluster  # closed by close_client
        return client
    return Client(address)


def close_client(client) -> None:
    cluster = getattr(client, "_claimledger_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def _shared_url(engine: Engine) -> str:
    """The engine's URL as workers elsewhere must use it: a SQLite path made absolute."""
    from pathlib import Path

    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))
    return url.render_as_string(hide_password=False)


def _dask(engine: Engine, ids: list[int], address: str, task) -> Iterator[pipeline.DocumentResult]:
    """Partition the ids across the cluster; each finished partition's results come back as one batch.
    Dask re-runs the partition of a worker that died on another worker (the caller drops any document
    delivered twice); a partition that raises marks its documents failed with the reason."""
    from dask.distributed import as_completed

    url = _shared_url(engine)
    client = open_client(address)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, min(PARTITION, math.ceil(len(ids) / (4 * n_workers))))
        parts = {client.submit(task, url, ids[lo:lo + size], pure=False): ids[lo:lo + size]
                 for lo in range(0, len(ids), size)}
        for future in as_completed(parts):
            try:
                batch = future.result()
            except Exception as exc:  # the partition itself failed (not one document in it)
                batch = [pipeline.DocumentResult(i, error=f"{type(exc).__name__}: {exc}") for i in parts[future]]
            future.release()
            yield from batch
    finally:
        close_client(client)
