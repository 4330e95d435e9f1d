"""Learner records: enrolments, progress, completion rows and the hours ledger.
Completion rows are written by courses.services whenever an event arrives, so
reports read them without recomputing from raw events."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Source(models.TextChoices):
    SELF = "self", _("self-enrolled")
    TRACK = "track", _("through a track")
    OFFICE = "office", _("by the programme office")
    IMPORT = "import", _("imported")


class TrackEnrolment(models.Model):
    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="track_enrolments"
    )
    track = models.ForeignKey(
        "courses.Track", on_delete=models.CASCADE, related_name="enrolments"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    enrolled_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("track enrolment")
        verbose_name_plural = _("track enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"], name="unique_track_enrolment"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.track}"


class Enrolment(models.Model):
    """选课/报名: a teacher's place in a course."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        WITHDRAWN = "withdrawn", _("withdrawn")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrolment")
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self):
        return f"{self.user} → {self.course}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class LessonProgress(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", _("started")
        COMPLETED = "completed", _("completed")

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    # Denormalised from the page tree so a course's progress is one indexed query.
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.STARTED
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="unique_lesson_progress"
            )
        ]
        indexes = [models.Index(fields=["user", "course", "status"])]

    def __str__(self):
        return f"{self.user}: {self.lesson} ({self.status})"


class Reflection(models.Model):
    """A teacher's written answer to a reflection prompt, reviewed by a trainer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for revision")

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="reflections")
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="reflections"
    )
    block_id = models.CharField(_("prompt"), max_length=64)
    text = models.TextField(_("answer"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    feedback = models.TextField(_("trainer's comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="unique_reflection"
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.user}: {self.lesson}"


class CompletionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")


class CompletionRow(models.Model):
    """What every completion row holds: a status, when it was reached, and
    when the row was last rewritten."""

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CompletionStatus.choices,
        default=CompletionStatus.NOT_STARTED,
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CourseCompletion(CompletionRow):
    """One row per teacher and course, rewritten on every learning event."""

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="completions"
    )
    lessons_completed = models.PositiveIntegerField(_("lessons completed"), default=0)
    lessons_total = models.PositiveIntegerField(_("lessons"), default=0)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="unique_course_completion"
            )
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self):
        return f"{self.user}: {self.course} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_completed / self.lessons_total)


class TrackCompletion(CompletionRow):
    """One row per teacher and track: what is done against what is required."""

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="track_completions"
    )
    track = models.ForeignKey(
        "courses.Track", on_delete=models.CASCADE, related_name="completions"
    )
    required_completed = models.PositiveIntegerField(default=0)
    required_total = models.PositiveIntegerField(default=0)
    required_hours = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    elective_hours = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    elective_hours_needed = models.DecimalField(
        max_digits=6, decimal_places=1, default=0
    )
    # Cached from the placement_days requirement row for the reports, which
    # sort and show them; written only from that row (see RequirementKind.summary).
    placement_days = models.PositiveIntegerField(default=0)
    placement_days_needed = models.PositiveIntegerField(default=0)
    hours_earned = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    hours_needed = models.DecimalField(max_digits=7, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("track completion")
        verbose_name_plural = _("track completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track"], name="unique_track_completion"
            )
        ]
        indexes = [models.Index(fields=["track", "status"])]

    def __str__(self):
        return f"{self.user}: {self.track} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.hours_needed:
            return 100 if self.status == CompletionStatus.COMPLETED else 0
        return min(100, round(100 * self.hours_earned / self.hours_needed))


class TrackRequirementProgress(models.Model):
    """One row per teacher, track and requirement kind (courses.requirements):
    what is done against what the track asks, rewritten with the track's
    completion row."""

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="requirement_progress"
    )
    track = models.ForeignKey(
        "courses.Track", on_delete=models.CASCADE, related_name="requirement_progress"
    )
    kind = models.CharField(_("requirement"), max_length=40)
    done = models.DecimalField(
        _("done"),
        max_digits=8,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal("0"))],
    )
    needed = models.DecimalField(
        _("needed"),
        max_digits=8,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("track requirement progress")
        verbose_name_plural = _("track requirement progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "track", "kind"], name="unique_requirement_progress"
            )
        ]
        # A track's rows of one kind (eligibility previews, sorting a report
        # by one requirement); a person's rows come from the unique index.
        indexes = [models.Index(fields=["track", "kind", "done"])]

    def __str__(self):
        return f"{self.user}: {self.track} {self.kind} {self.done}/{self.needed}"

    @property
    def met(self) -> bool:
        return self.done >= self.needed


class HoursEntry(models.Model):
    """学时记录: one line of the credit-hours ledger, naming its source."""

    class Source(models.TextChoices):
        COURSE = "course", _("course completed")
        PLACEMENT = "placement", _("job-shadowing placement")
        ADJUSTMENT = "adjustment", _("adjustment by the programme office")

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="hours_entries"
    )
    hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("-999"))],
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_entries",
    )
    description = models.CharField(_("description"), max_length=200)
    earned_on = models.DateField(_("earned on"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("credit-hours entry")
        verbose_name_plural = _("credit-hours ledger")
        ordering = ["-earned_on", "-pk"]
        constraints = [
            # A completed course earns its hours once, however many events arrive.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(source="course"),
                name="one_hours_entry_per_course",
            ),
            models.CheckConstraint(
                condition=Q(source="course", course__isnull=False)
                | ~Q(source="course"),
                name="course_hours_name_their_course",
            ),
        ]
        indexes = [models.Index(fields=["user", "earned_on"])]

    def __str__(self):
        return f"{self.user}: {self.hours} ({self.description})"
