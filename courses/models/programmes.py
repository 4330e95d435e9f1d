from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable


class Audience(models.TextChoices):
    ALL = "all", _("all teachers")
    SEED = "seed", _("seed teachers")
    PRINCIPALS = "principals", _("principals and school leaders")


class Programme(models.Model):
    """帮扶/培训项目: e.g. the 2020-2022 one-to-one support programme."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours_per_placement_day = models.DecimalField(
        _("credit hours per placement day"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("6.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("hours_per_placement_day"),
    ]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name


class Track(ClusterableModel):
    """研修方案: required courses + an elective pool with a minimum of elective
    hours + a minimum of job-shadowing days."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="tracks",
        verbose_name=_("programme"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    min_elective_hours = models.DecimalField(
        _("minimum elective hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_placement_days = models.PositiveSmallIntegerField(
        _("minimum job-shadowing days"), default=0
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    panels = [
        FieldPanel("programme"),
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("audience"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
        FieldRowPanel(
            [FieldPanel("min_elective_hours"), FieldPanel("min_placement_days")]
        ),
        InlinePanel("track_courses", label=_("Courses"), min_num=1),
    ]

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["programme", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="track_closes_after_open",
            )
        ]

    def __str__(self):
        return self.name


class TrackCourse(Orderable):
    """A course in a track, either required or in the elective pool."""

    track = ParentalKey(Track, on_delete=models.CASCADE, related_name="track_courses")
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="track_courses",
        verbose_name=_("course"),
    )
    is_required = models.BooleanField(_("required"), default=True)

    panels = [FieldPanel("course"), FieldPanel("is_required")]

    class Meta(Orderable.Meta):
        verbose_name = _("track course")
        verbose_name_plural = _("track courses")
        constraints = [
            models.UniqueConstraint(
                fields=["track", "course"], name="unique_course_per_track"
            )
        ]

    def __str__(self):
        return f"{self.track}: {self.course}"
