"""Queueing Celery tasks so that a broker outage never fails a request, and
the one periodic sweep of background jobs (core.jobs says how jobs work).

Every task the web process queues goes through `enqueue`,
`enqueue_after_commit` or `enqueue_each_after_commit`. With the broker
unreachable (Redis stopped, network down) queueing raises kombu's
OperationalError after one quick retry (CELERY_BROKER_TRANSPORT_OPTIONS);
here that is caught and logged, and the caller decides how the work still gets done:

- rows that say what is left (jobs: exports, certificate batches, H5P
  packages; and pending certificates) are queued again by the one periodic
  sweep (`sweep_jobs`, core.jobs) once the broker is back;
- work with no row to find it by later (an email, an H5P package to unpack)
  passes `fallback`, which does it in the web process instead.
"""

import logging
from collections.abc import Callable, Iterable
from functools import partial

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


def _broker_unreachable() -> type[Exception]:
    from kombu.exceptions import OperationalError

    return OperationalError


def enqueue(task, *args, fallback: Callable[[], object] | None = None) -> bool:
    """Queue `task(*args)`. Return True if it was queued (or, without a broker,
    run in-process). If the broker is unreachable, log it, call `fallback` if
    given, and return False. Never raises for the broker."""
    try:
        task.delay(*args)
    except _broker_unreachable() as exc:
        logger.warning(
            "Broker unreachable (%s): %s%r not queued.", exc, task.name, args
        )
        if fallback is not None:
            fallback()
        return False
    return True


def enqueue_after_commit(
    task, *args, fallback: Callable[[], object] | None = None
) -> None:
    """`enqueue(task, *args, fallback=fallback)` once the transaction commits
    (at once outside a transaction): a worker must find the rows the task
    names, and a rolled-back request queues nothing."""
    transaction.on_commit(partial(enqueue, task, *args, fallback=fallback))


def enqueue_each_after_commit(
    task,
    ids: Iterable[int],
    *,
    what: str,
    fallback: Callable[[int], object] | None = None,
) -> None:
    """Once the transaction commits, queue `task(pk)` for each of `ids`.

    If the broker is unreachable, stop at the first failure (each further
    attempt would wait for the broker again) and leave the rest to the sweep
    that finds pending rows, or, given `fallback`, call `fallback(pk)` for
    each of the rest in this process. When tasks run in-process (no broker) a
    task that fails is logged and its row stays pending for the sweep; the
    request that asked for it still succeeds. `what` names the rows in the
    log."""
    ids = list(ids)

    def queue_all():
        for queued, pk in enumerate(ids):
            try:
                task.delay(pk)
            except _broker_unreachable():
                logger.warning(
                    "Broker unreachable: %d %s stay pending.", len(ids) - queued, what
                )
                if fallback is not None:
                    _run_each(fallback, ids[queued:], what=what)
                return
            except Exception:  # noqa: BLE001 - a failed in-process run: the sweep retries
                logger.exception("%s %s failed; it stays pending.", what, pk)

    transaction.on_commit(queue_all)


def _run_each(fallback: Callable[[int], object], ids: list[int], *, what: str):
    for pk in ids:
        try:
            fallback(pk)
        except Exception:  # noqa: BLE001 - the sweep retries it
            logger.exception("%s %s failed in-process; it stays pending.", what, pk)


@shared_task(ignore_result=True)
def sweep_jobs() -> dict[str, int]:
    """Periodic (Celery beat): the sweep of every registered job kind."""
    from .jobs import sweep

    return sweep()
