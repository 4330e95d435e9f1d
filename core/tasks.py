"""Queueing Celery tasks so that a broker outage never fails a request.

Every task the web process queues goes through `enqueue` or
`enqueue_after_commit`. With the broker unreachable (Redis stopped, network
down) queueing raises kombu's OperationalError after one quick retry
(CELERY_BROKER_TRANSPORT_OPTIONS); here that is caught and logged, and the
caller decides how the work still gets done:

- rows that say what is left (pending certificates, pending exports, finished
  batches without their zip) are queued again by the periodic sweeps in
  certificates.tasks and reports.tasks once the broker is back;
- work with no row to find it by later (an email, an H5P package to unpack)
  passes `fallback`, which does it in the web process instead.
"""

import logging
from collections.abc import Callable, Iterable

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


def enqueue_each_after_commit(task, ids: Iterable[int], *, what: str) -> None:
    """Once the transaction commits, queue `task(pk)` for each of `ids`.

    If the broker is unreachable, stop at the first failure (each further
    attempt would wait for the broker again) and leave the rest to the sweep
    that finds pending rows. When tasks run in-process (no broker) a task that
    fails is logged and its row stays pending for the sweep; the request that
    asked for it still succeeds. `what` names the rows in the log."""
    ids = list(ids)

    def queue_all():
        for queued, pk in enumerate(ids):
            try:
                task.delay(pk)
            except _broker_unreachable():
                logger.warning(
                    "Broker unreachable: %d %s stay pending.", len(ids) - queued, what
                )
                return
            except Exception:  # noqa: BLE001 - a failed in-process run: the sweep retries
                logger.exception("%s %s failed; it stays pending.", what, pk)

    transaction.on_commit(queue_all)
