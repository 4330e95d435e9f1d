"""Job-shadowing placements (跟岗研修): a round planned by the programme office,
one placement per participant at a host school with a mentor, the
participant's daily logs and reflection report, the mentor's confirmation
and evaluation, and the office's approval that credits days and hours."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.storage import private_storage

USER = settings.AUTH_USER_MODEL


class Focus(models.TextChoices):
    TEACHING = "teaching", _("classroom teaching")
    CLASS_MANAGEMENT = "class_management", _("class management")
    RESEARCH = "research", _("school-based research")
    LEADERSHIP = "leadership", _("school leadership")


class Activity(models.TextChoices):
    OBSERVED = "observed", _("observed a lesson (听课)")
    TAUGHT = "taught", _("taught a lesson (上课)")
    LESSON_STUDY = "lesson_study", _("lesson study (研讨)")
    CLASS_MANAGEMENT = "class_management", _("class-management shadowing")
    SCHOOL_MANAGEMENT = "school_management", _("school-management shadowing")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    GOOD = "good", _("good")
    PASS = "pass", _("pass")
    FAIL = "fail", _("fail")


class PlacementRound(models.Model):
    """跟岗研修批次: e.g. the late-October 2020 round in Leshan."""

    programme = models.ForeignKey(
        "courses.Programme",
        on_delete=models.PROTECT,
        related_name="placement_rounds",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("placement round")
        verbose_name_plural = _("placement rounds")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="placement_round_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Placement(models.Model):
    """跟岗研修: one participant's days at a host school with a mentor."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("placement", "in progress")
        SUBMITTED = "submitted", _("submitted")
        CONFIRMED = "confirmed", _("confirmed by mentor")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    round = models.ForeignKey(
        PlacementRound,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("round"),
    )
    participant = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("participant"),
    )
    host_school = models.ForeignKey(
        "people.School",
        on_delete=models.PROTECT,
        related_name="hosted_placements",
        verbose_name=_("host school"),
    )
    mentor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="mentees",
        verbose_name=_("mentor"),
    )
    focus = models.CharField(_("focus"), max_length=20, choices=Focus.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    report = models.TextField(_("reflection report (研修总结)"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    evaluation = models.TextField(_("mentor's evaluation"), blank=True)
    rating = models.CharField(
        _("rating"), max_length=10, choices=Rating.choices, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Days the mentor confirmed, fixed at approval; what the track counts.
    approved_days = models.PositiveSmallIntegerField(_("approved days"), default=0)
    hours_entry = models.OneToOneField(
        "courses.HoursEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placement",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "host_school", "participant__name"]
        permissions = [
            ("approve_placement", _("Can approve or return confirmed placements")),
            ("mentor_placement", _("Can confirm mentees' logs and evaluate them")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="placement_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.UniqueConstraint(
                fields=["round", "participant"], name="one_placement_per_round"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "starts_on"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["round", "host_school", "status"]),
        ]

    def __str__(self):
        return f"{self.participant} @ {self.host_school} ({self.round})"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class PlacementLog(models.Model):
    """研修日志: what the participant did and learned on one day."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="logs"
    )
    date = models.DateField(_("date"))
    activities = models.JSONField(_("activities"), default=list)
    did = models.TextField(_("what I did"))
    learned = models.TextField(_("what I learned"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentor_note = models.TextField(_("mentor's note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("placement log")
        verbose_name_plural = _("placement logs")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date"], name="one_log_per_placement_day"
            )
        ]

    def __str__(self):
        return f"{self.placement.participant} {self.date}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def get_activities_display(self) -> list[str]:
        labels = dict(Activity.choices)
        return [str(labels.get(a, a)) for a in self.activities]


def _attachment_path(instance, filename: str) -> str:
    # The stored name never comes from the user; the original name is kept apart.
    return f"placements/{instance.log.placement_id}/{instance.token}{instance.suffix}"


def _thumbnail_path(instance, filename: str) -> str:
    return f"placements/{instance.log.placement_id}/{instance.token}-thumb.jpg"


class LogAttachment(models.Model):
    """A photo or lesson plan attached to a log, served only to those who may
    see the log."""

    log = models.ForeignKey(
        PlacementLog, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        upload_to=_attachment_path, storage=private_storage, max_length=200
    )
    # A small JPEG for photos, so a log page stays light on slow links.
    thumbnail = models.FileField(
        upload_to=_thumbnail_path, storage=private_storage, max_length=200, blank=True
    )
    token = models.CharField(max_length=32, unique=True)
    suffix = models.CharField(max_length=8)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PlacementEvent(models.Model):
    """One step of the workflow: who moved the placement, from what to what,
    and what they said."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Placement.Status.choices)
    to_status = models.CharField(max_length=12, choices=Placement.Status.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.placement_id}: {self.from_status} → {self.to_status}"
