"""H5P packages (互动练习) and what learners do with them. Packages are uploaded
by trainers and unpacked by courses.h5p; libraries are stored once per
machineName and version and shared; each package's content is its own."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.jobs import Job, JobStates
from core.storage import private_storage

USER = settings.AUTH_USER_MODEL


def h5p_package_path(instance, filename: str) -> str:
    # Uploaded code: a random name in the private storage, never the upload's.
    return f"h5p/packages/{secrets.token_hex(16)}.h5p"


class H5PLibrary(models.Model):
    """One version of an H5P library, unpacked to
    PRIVATE_MEDIA_ROOT/h5p/libraries/<machine_name>-<major>.<minor>/."""

    machine_name = models.CharField(_("machine name"), max_length=127)
    major_version = models.PositiveSmallIntegerField(_("major version"))
    minor_version = models.PositiveSmallIntegerField(_("minor version"))
    patch_version = models.PositiveSmallIntegerField(_("patch version"), default=0)
    title = models.CharField(_("title"), max_length=255, blank=True)
    installed_at = models.DateTimeField(_("installed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        # Libraries are shared by every package, so installing or upgrading
        # one (by uploading a package that brings it) is a permission of its
        # own, as Moodle's moodle/h5p:updatelibraries.
        permissions = [
            ("install_h5plibrary", _("Can install or upgrade H5P libraries")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version"],
                name="unique_h5p_library_version",
            )
        ]

    def __str__(self):
        return self.folder_name

    @property
    def folder_name(self) -> str:
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"


class H5PPackage(Job):
    """An uploaded .h5p file: validated, then unpacked (in a Celery task for
    large files) and shown as processing until it is ready. A job
    (core.jobs) of one unit of work, whose states keep their H5P words:
    "processing" is both waiting and running."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("processing")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    STATES = JobStates(
        pending=Status.PROCESSING,
        running=Status.PROCESSING,
        done=Status.READY,
        failed=Status.FAILED,
    )

    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(
        _("H5P file"), upload_to=h5p_package_path, storage=private_storage
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROCESSING
    )
    main_library = models.CharField(_("main library"), max_length=127, blank=True)
    h5p_json = models.JSONField(_("h5p.json"), default=dict, blank=True)
    libraries = models.ManyToManyField(
        H5PLibrary, blank=True, related_name="packages", verbose_name=_("libraries")
    )
    # Who uploaded the current file, and whether they (or the system, for an
    # upload with no user) may install the libraries it brings: decided at
    # upload time, since the unpack may run later in a Celery task.
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    may_install_libraries = models.BooleanField(
        _("may install libraries"), default=False, editable=False
    )
    # The player assets built at install (courses.h5p.assets.build): the
    # aggregated JS and CSS, the libraries' versioned folders, the content
    # files. Built when the package is installed (migration 0012 for older ones).
    assets = models.JSONField(
        _("player assets"), default=dict, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class XAPIStatement(models.Model):
    """Every accepted xAPI statement, stored raw for audit. The actor is always
    the signed-in user, whatever the statement claimed. A statement that
    carries an `id` (a UUID the client made, as a queue replayed after an
    offline spell does) is stored once per user."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="+"
    )
    block_id = models.CharField(max_length=64)
    verb = models.CharField(_("verb"), max_length=255)
    top_level = models.BooleanField(_("about the whole activity"))
    score_scaled = models.DecimalField(
        _("scaled score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    success = models.BooleanField(_("success"), null=True)
    statement = models.JSONField(_("statement"))
    statement_id = models.UUIDField(_("statement id"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["user", "lesson", "block_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "statement_id"],
                condition=models.Q(statement_id__isnull=False),
                name="one_statement_per_id_and_user",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.verb}"


class ActivityResult(models.Model):
    """A learner's standing on one H5P activity of a lesson: attempts, best
    score, and whether it is passed."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="activity_results"
    )
    block_id = models.CharField(max_length=64)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    best_scaled = models.DecimalField(
        _("best score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity result")
        verbose_name_plural = _("activity results")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="unique_activity_result"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.lesson} {self.block_id}"

    @property
    def passed(self) -> bool:
        return self.passed_at is not None


class H5PUserData(models.Model):
    """Resume state (contentUserData) the player saves per user and activity."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="+")
    data_type = models.CharField(max_length=64)
    sub_content_id = models.CharField(max_length=64, default="0")
    data = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P resume state")
        verbose_name_plural = _("H5P resume states")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "data_type", "sub_content_id"],
                name="unique_h5p_user_data",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.package} {self.data_type}"
