"""Export jobs: a table written to CSV or XLSX by a Celery worker when it is too
large to answer within the request. One live job per identical request."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jobs import Job, JobState

from .storage import export_storage


def new_token() -> str:
    return secrets.token_urlsafe(18)


class ExportJob(Job):
    """A job (core.jobs) whose units of work are rows."""

    class Status(models.TextChoices):
        # The common states (core.jobs.JobState), in words about a file.
        PENDING = JobState.PENDING, _("waiting for a worker")
        RUNNING = JobState.RUNNING, _("being written")
        DONE = JobState.DONE, _("ready to download")
        FAILED = JobState.FAILED, _("failed")

    LIVE = Job.STATES.live

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("requested by"),
    )
    table = models.CharField(_("table"), max_length=40)
    fmt = models.CharField(_("format"), max_length=4)
    params = models.JSONField(_("filters"), default=dict)
    # Who asked for which table, in which format, with which filters: two
    # identical requests while a job is live share that job.
    fingerprint = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    token = models.CharField(max_length=32, default=new_token, editable=False)
    file = models.FileField(storage=export_storage, max_length=200, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=["pending", "running"]),
                name="one_live_export_per_request",
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"#{self.pk} {self.title} ({self.fmt})"

    @property
    def rows_written(self) -> int:
        return self.progress_done

    @property
    def filename(self) -> str:
        return f"{self.title}.{self.fmt}"
