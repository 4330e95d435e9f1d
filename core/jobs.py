"""Background jobs: one model, one sweep, one progress shape.

A job is a row that says what work is left. The web process writes the row
and queues a Celery task that takes the row's id once the transaction commits
(`core.tasks.enqueue_after_commit`, `enqueue_each_after_commit`); a broker
that is down never fails the request. Whatever then goes wrong (the broker
was down, Redis lost its queue, a worker was killed half-way), the row is
still there, and the sweep finds it.

The job model (abstract `Job`)
    status          the state: pending -> running -> done | failed (a kind may
                    store other words for them, see `JobStates`)
    attempts        how often a worker has started it (`Job.claim`)
    progress_done   units of work done (rows written, PDFs rendered, ...)
    progress_total  units of work in all
    error           why it failed, in words the person who asked can read
    created_at, updated_at (moves on every claim and every progress step),
    finished_at     when it became done or failed

The sweep
    `sweep()` is the one periodic task (`core.tasks.sweep_jobs`, on Celery
    beat; `manage.py sweep_jobs` runs it by hand or from cron). For every
    registered kind it
    1. gives up on live jobs tried `max_attempts` times that have not moved
       for `stale_after`: they become failed, with `error` saying so;
    2. queues again the jobs waiting longer than `pending_after` (nobody
       queued them: the broker was down) and the running ones that have not
       moved for `stale_after` (their worker died);
    3. runs the kind's `housekeeping` (old files, rows that belong to the
       job but are swept on their own).

The progress JSON
    Every job's progress endpoint answers (``Cache-Control: no-store``)::

        {"total": 20,        # units of work in all
         "percent": 45,      # 0-99 while working; 100 only once done
         "done": false,      # the work succeeded
         "finished": false,  # nothing will change any more: stop polling
         ...}                # the kind's own keys: its count under its own
                             # name ("issued", "rows"), links
                             # ("archive_url", "download_url"), labels

    `finished` and not `done` means it failed; the page says why (`error`).
    `progress()` builds it. The page that shows a job renders the same state
    on the server, so it works without JavaScript (a Refresh link inside
    <noscript>); `static/js/job-progress.js` then polls the endpoint every
    2 s: a <progress> follows "percent", elements marked data-text="key",
    data-href="key", data-show-if="key" and data-hide-if="key" follow the
    other keys, and polling stops at "finished".

How to add a job
    1. Model: subclass `Job` (add the fields that say what to do). If the
       statuses are stored under other words, override `status` and set
       `STATES` (see courses.H5PPackage).
    2. Service: `start` creates the row and queues the task after commit;
       `run` begins with `Model.claim(pk)` (False: someone finished it, leave
       it), reports with `Model.step(pk, n)`, ends with `finish` or `fail`
       (or `release` after an error, to wait for the sweep). Make `run`
       idempotent: a task may be delivered twice.
    3. Task: a thin `@shared_task(acks_late=True, ignore_result=True)` that
       takes the id and calls `run`.
    4. Register the kind in the app's `AppConfig.ready()`:
       `jobs.register(jobs.JobKind(name=..., model=..., task=...))`.
    5. Progress: a view answering `progress_response(progress(...))`, and a
       page with data-progress-url and job-progress.js.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.db import models, transaction
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .tasks import enqueue_each_after_commit

logger = logging.getLogger(__name__)


class JobState(models.TextChoices):
    PENDING = "pending", _("waiting for a worker")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


@dataclass(frozen=True)
class JobStates:
    """The stored value of each state, for a kind that keeps its own words
    (an H5P package is "processing" while waiting and while running)."""

    pending: str = JobState.PENDING
    running: str = JobState.RUNNING
    done: str = JobState.DONE
    failed: str = JobState.FAILED

    @property
    def live(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.pending, self.running)))


class Job(models.Model):
    """What every background job records; see the module docstring."""

    STATES: ClassVar[JobStates] = JobStates()

    status = models.CharField(
        _("status"), max_length=12, choices=JobState.choices, default=JobState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        return self.status in self.STATES.live

    @property
    def is_done(self) -> bool:
        return self.status == self.STATES.done

    @property
    def is_failed(self) -> bool:
        return self.status == self.STATES.failed

    @property
    def percent(self) -> int:
        return progress_percent(
            completed=self.progress_done, total=self.progress_total, done=self.is_done
        )

    @classmethod
    def claim(cls, pk: int, **fields) -> bool:
        """A worker starts the job: running, one attempt more, and `fields`
        set in the same update (progress_done=0 to start afresh). False if
        the job is finished (or gone): leave it alone."""
        return bool(
            cls.objects.filter(pk=pk, status__in=cls.STATES.live).update(
                status=cls.STATES.running,
                attempts=F("attempts") + 1,
                updated_at=timezone.now(),
                **fields,
            )
        )

    @classmethod
    def step(cls, pk: int, done: int) -> None:
        """Record progress; the moving `updated_at` tells the sweep the
        worker is alive."""
        cls.objects.filter(pk=pk).update(progress_done=done, updated_at=timezone.now())

    @classmethod
    def release(cls, pk: int, *, max_attempts: int) -> None:
        """After a failed attempt the job waits for the sweep, or fails for
        good once it has had `max_attempts`."""
        now = timezone.now()
        running = cls.objects.filter(pk=pk, status=cls.STATES.running)
        running.filter(attempts__lt=max_attempts).update(
            status=cls.STATES.pending, updated_at=now
        )
        running.filter(attempts__gte=max_attempts).update(
            status=cls.STATES.failed, finished_at=now, updated_at=now
        )

    @classmethod
    def fail(cls, pk: int, reason: str) -> int:
        now = timezone.now()
        return cls.objects.filter(pk=pk).update(
            status=cls.STATES.failed, error=reason, finished_at=now, updated_at=now
        )


def progress_percent(*, completed: int, total: int, done: bool) -> int:
    """100 only once done: a job whose last unit is written but not yet
    committed is still working."""
    if done:
        return 100
    if not total:
        return 0
    return min(99, round(100 * completed / total))


def progress(
    *, completed: int, total: int, done: bool, finished: bool | None = None, **extra
) -> dict:
    """The progress JSON (module docstring). Service-level helpers may leave
    `finished` out; the view adds it with the links it decides on."""
    state = {
        "total": total,
        "percent": progress_percent(completed=completed, total=total, done=done),
        "done": done,
    }
    if finished is not None:
        state["finished"] = finished
    state.update(extra)
    return state


def progress_response(state: dict) -> JsonResponse:
    """The progress endpoint's answer: never cached, it changes every poll."""
    response = JsonResponse(state)
    response["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class JobKind:
    """A kind of job the sweep looks after.

    `task` runs one job by id. `run_here(pk)`, if given, runs one in the
    sweeping process when the broker is unreachable (work that must not wait
    for the broker: an H5P package its trainer is looking at).
    `housekeeping(now)` runs after each sweep of the kind; `on_give_up(ids)`
    after jobs were given up (files to remove)."""

    name: str
    model: type[Job]
    task: object
    max_attempts: int = 3
    pending_after: datetime.timedelta = datetime.timedelta(minutes=1)
    stale_after: datetime.timedelta = datetime.timedelta(minutes=10)
    batch_size: int = 500
    run_here: Callable[[int], object] | None = None
    housekeeping: Callable[[datetime.datetime], object] | None = None
    on_give_up: Callable[[list[int]], object] | None = None


_kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Make the sweep look after `kind` (call from AppConfig.ready())."""
    _kinds[kind.name] = kind
    return kind


def registered() -> dict[str, JobKind]:
    return dict(_kinds)


def give_up_message(attempts: int) -> str:
    return gettext(
        "Stopped after %(attempts)d attempts that did not finish. "
        "Please start it again, or ask the programme office."
    ) % {"attempts": attempts}


def sweep_kind(kind: JobKind, *, pending_after: datetime.timedelta | None = None):
    """Give up, queue again, tidy up, for one kind (module docstring).
    Returns how many jobs were queued."""
    model, states = kind.model, kind.model.STATES
    now = timezone.now()
    stale = now - kind.stale_after
    waited = now - (kind.pending_after if pending_after is None else pending_after)
    tried = model.objects.filter(
        status__in=states.live, attempts__gte=kind.max_attempts, updated_at__lt=stale
    )
    given_up = list(tried.values_list("pk", flat=True))
    if given_up:
        model.objects.filter(pk__in=given_up).update(
            status=states.failed, error=give_up_message(kind.max_attempts),
            finished_at=now, updated_at=now,
        )  # fmt: skip
        logger.warning("%s: gave up on %s", kind.name, given_up)
        if kind.on_give_up is not None:
            kind.on_give_up(given_up)
    waiting = model.objects.filter(status=states.pending, updated_at__lt=waited)
    stuck = model.objects.filter(status=states.running, updated_at__lt=stale)
    ids = list((waiting | stuck).values_list("pk", flat=True)[: kind.batch_size])
    if ids:
        # Touched, so that a job still waiting in a busy queue is not queued
        # again at every sweep.
        model.objects.filter(pk__in=ids).update(status=states.pending, updated_at=now)
        with transaction.atomic():
            enqueue_each_after_commit(
                kind.task, ids, what=kind.name, fallback=kind.run_here
            )
    if kind.housekeeping is not None:
        kind.housekeeping(now)
    return len(ids)


def sweep(names: Iterable[str] | None = None) -> dict[str, int]:
    """Sweep every registered kind (or those named); returns how many jobs
    of each were queued. One kind failing does not stop the others."""
    queued = {}
    for name, kind in registered().items():
        if names is not None and name not in names:
            continue
        try:
            queued[name] = sweep_kind(kind)
        except Exception:  # noqa: BLE001 - the next kind still gets its sweep
            logger.exception("Sweeping %s failed.", name)
    return queued
