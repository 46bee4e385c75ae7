"""Where independent jobs run: serially, on threads, on any ``concurrent.futures`` executor, or on dask.

:func:`run_jobs` calls ``fn(shared, item)`` for every item and returns the results in the order of the
items, whatever ran them. ``parallel`` is None or ``"serial"`` (here, one after the other),
``"threads"`` (a thread pool of one thread per core), a :class:`concurrent.futures.Executor` (yours,
left open), ``"dask"`` (a ``dask.distributed.LocalCluster`` started for the call and closed after it)
or a ``dask.distributed.Client`` (yours, left open; ``shared`` is scattered to its workers once).
``progress`` is a callable ``progress(done, total)`` or True for a tqdm bar (when tqdm is installed).

Examples
--------
>>> def add(shared, item):
...     return shared + item
>>> run_jobs(add, 10, [1, 2, 3])
[11, 12, 13]
>>> run_jobs(add, 10, [1, 2, 3], parallel="threads")
[11, 12, 13]
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .._deprecated import renamed_keywords
from ..errors import InvalidParameterError
from ..validation import MaxMemory

__all__ = ["PARALLEL_CHOICES", "run_jobs", "make_progress", "dask_client", "cluster"]

#: the names ``parallel=`` accepts (besides an executor or a dask Client)
PARALLEL_CHOICES = ("serial", "threads", "dask")


def make_progress(progress: Any, total: int, what: str = "slices") -> Callable[[int], None]:
    """A function ``step(done)`` that reports ``done`` of ``total`` jobs: to the callable ``progress``,
    to a tqdm bar (``progress=True``), or nowhere (None/False).

    Examples
    --------
    >>> seen = []
    >>> step = make_progress(lambda done, total: seen.append((done, total)), 2)
    >>> step(1); step(2); seen
    [(1, 2), (2, 2)]
    """
    if progress is None or progress is False:
        return lambda done: None
    if progress is True:
        try:
            from tqdm.auto import tqdm  # optional dependency
        except ImportError:
            return lambda done: None
        bar = tqdm(total=total, desc=what, leave=False)

        def step(done: int) -> None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        return step
    if not callable(progress):
        raise InvalidParameterError(
            f"progress must be None, True or a callable progress(done, total); got {progress!r}"
        )
    return lambda done: progress(done, total)


def _is_dask_client(obj: Any) -> bool:
    return type(obj).__name__ == "Client" and type(obj).__module__.startswith("distributed")


@renamed_keywords(memory_limit="max_memory")
def dask_client(n_workers: int = 2, max_memory: MaxMemory = None, processes: bool = False) -> Any:
    """A ``dask.distributed.Client`` on a new ``LocalCluster`` of ``n_workers`` one-thread workers.

    ``max_memory`` per worker (dask's form, e.g. ``"4GiB"``); None: no limit for in-process workers
    (``processes=False``: dask would compare the limit with the memory of this whole process) and
    dask's ``"auto"`` share for worker processes. Close it (``client.close(); client.cluster.close()``)
    when done.
    """
    if max_memory is None:
        max_memory = "auto" if processes else 0
    try:
        from dask.distributed import Client, LocalCluster  # optional dependency
    except ImportError as err:
        raise InvalidParameterError(
            "parallel='dask' needs dask.distributed, which is not installed (pip install 'tnrbm[distributed]')"
        ) from err
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=processes,
        memory_limit=max_memory,
        dashboard_address=":0",
    )
    return Client(cluster)


@contextlib.contextmanager
def cluster(n_workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A dask client for the duration of a ``with`` block: on a running scheduler at ``scheduler``
    (``"tcp://host:8786"``), on a new local cluster of ``n_workers`` worker processes, or None (serial).

    The client (and a cluster it started) is closed when the block ends.

    Examples
    --------
    >>> with cluster() as client:
    ...     client is None
    True
    """
    if scheduler is not None and n_workers is not None:
        raise InvalidParameterError(
            f"give n_workers (a local cluster) or scheduler (a running one), not both; got {n_workers}, {scheduler!r}"
        )
    if scheduler is None and n_workers is None:
        yield None
        return
    if scheduler is not None:
        try:
            from dask.distributed import Client  # optional dependency
        except ImportError as err:
            raise InvalidParameterError(
                "scheduler needs dask.distributed, which is not installed (pip install 'tnrbm[distributed]')"
            ) from err
        client = Client(str(scheduler))
    else:
        assert n_workers is not None  # both None returned above
        client = dask_client(n_workers=int(n_workers), processes=True)
    try:
        yield client
    finally:
        local = getattr(client, "cluster", None) if scheduler is None else None
        client.close()
        if local is not None:
            local.close()


def _run_dask(client: Any, fn: Callable, shared: Any, items: Sequence, step: Callable[[int], None]) -> list:
    from dask.distributed import as_completed  # optional dependency

    (shared_future,) = client.scatter([shared], broadcast=True)
    futures = [client.submit(fn, shared_future, item, pure=False) for item in items]
    for done, _ in enumerate(as_completed(futures), start=1):
        step(done)
    return client.gather(futures)


def _run_executor(executor: cf.Executor, fn: Callable, shared: Any, items: Sequence, step: Callable) -> list:
    futures = [executor.submit(fn, shared, item) for item in items]
    for done, _ in enumerate(cf.as_completed(futures), start=1):
        step(done)
    return [f.result() for f in futures]


def run_jobs(
    fn: Callable[[Any, Any], Any], shared: Any, items: Sequence, parallel: Any = None, progress: Any = None
) -> list:
    """``[fn(shared, item) for item in items]``, run where ``parallel`` says (see the module docstring).

    Examples
    --------
    >>> import concurrent.futures as cf
    >>> with cf.ThreadPoolExecutor(2) as pool:
    ...     run_jobs(pow, 2, [3, 4], parallel=pool)
    [8, 16]
    """
    items = list(items)
    step = make_progress(progress, len(items))
    if parallel is None or parallel == "serial":
        out = []
        for done, item in enumerate(items, start=1):
            out.append(fn(shared, item))
            step(done)
        return out
    if isinstance(parallel, cf.Executor):
        return _run_executor(parallel, fn, shared, items, step)
    if parallel == "threads":
        with cf.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            return _run_executor(pool, fn, shared, items, step)
    if _is_dask_client(parallel):
        return _run_dask(parallel, fn, shared, items, step)
    if parallel == "dask":
        client = dask_client()
        try:
            return _run_dask(client, fn, shared, items, step)
        finally:
            client.close()
            client.cluster.close()
    raise InvalidParameterError(
        f"parallel must be None, one of {PARALLEL_CHOICES}, a concurrent.futures.Executor or a "
        f"dask.distributed.Client; got {parallel!r}"
    )
