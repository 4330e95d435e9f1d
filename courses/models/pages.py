from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.serving import ServedPage
from core.offline import KeepableOfflinePage, is_keep_request
from courses.blocks import LessonStreamBlock

from .programmes import Audience


class CourseCategory(models.Model):
    """A subject area of the catalog, e.g. 师德师风; editors can add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language, Chinese when there is no other."""
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name


def _route_to_child(page, child_model, request, path_components):
    """Wagtail's routing, one query per level where Wagtail needs two (the
    page, then its specific form): every child of a catalog is a course and
    every child of a course a lesson. Anything else goes the usual way."""
    if path_components:
        child = (
            child_model.objects.child_of(page).filter(slug=path_components[0]).first()
        )
        if child is not None:
            child._cached_parent_obj = page
            return child.route(request, path_components[1:])
    return Page.route(page, request, path_components)


class CourseIndexPage(ServedPage, Page):
    """The catalog (课程目录): every course, with filters."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalog")

    def route(self, request, path_components):
        return _route_to_child(self, CoursePage, request, path_components)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalog_for

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_for(index=self, user=request.user, params=request.GET))
        return context


class CoursePage(KeepableOfflinePage, ServedPage, Page):
    """课程/模块: a course of lessons worth a number of credit hours (学时)."""

    class Kind(models.TextChoices):
        REQUIRED = "required", _("required")
        ELECTIVE = "elective", _("elective")

    class Delivery(models.TextChoices):
        ONLINE = "online", _("online")
        BLENDED = "blended", _("blended")
        ONSITE = "onsite", _("on-site")

    class CompletionRule(models.TextChoices):
        ALL_LESSONS = "all_lessons", _("every lesson completed")
        PERCENT = "percent", _("a share of the lessons completed")

    code = models.CharField(_("course code"), max_length=30, unique=True)
    summary = models.TextField(_("summary"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    category = models.ForeignKey(
        CourseCategory,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("category"),
    )
    kind = models.CharField(
        _("required or elective"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.REQUIRED,
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.ONLINE
    )
    credit_hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    estimated_hours = models.DecimalField(
        _("estimated study time (hours)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a teacher must complete before enrolling in this one."),
    )
    completion_rule = models.CharField(
        _("completion rule"),
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL_LESSONS,
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("share of lessons needed (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Used when the rule is 'a share of the lessons completed'."),
    )
    self_enrolment = models.BooleanField(
        _("open for self-enrolment"),
        default=True,
        help_text=_("Teachers may enrol themselves; otherwise only the office can."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("code"), FieldPanel("category")]),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldRowPanel(
            [FieldPanel("kind"), FieldPanel("audience"), FieldPanel("delivery")]
        ),
        FieldRowPanel([FieldPanel("credit_hours"), FieldPanel("estimated_hours")]),
        MultiFieldPanel(
            [
                FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
                FieldPanel("completion_rule"),
                FieldPanel("completion_percent"),
                FieldPanel("self_enrolment"),
            ],
            heading=_("Enrolment and completion"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("code"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    # The course page shows its category (cms.serving).
    serve_related = ("category",)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def route(self, request, path_components):
        return _route_to_child(self, LessonPage, request, path_components)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self, user=request.user))
        enrolment = context["enrolment"]
        if enrolment is not None and enrolment.is_active:
            # What "keep this course offline" fetches (static/js/offline-course.js).
            context["offline_course"] = {
                "id": self.pk,
                "title": self.title,
                "url": self.get_url(request),
                "lessons": [
                    state.lesson.get_url(request) for state in context["lesson_states"]
                ],
            }
        return context

    def completed_lessons_needed(self, lessons_total: int) -> int:
        """How many of the course's lessons a teacher must complete."""
        if self.completion_rule == self.CompletionRule.PERCENT:
            return max(1, -(-lessons_total * self.completion_percent // 100))
        return lessons_total


class LessonPage(KeepableOfflinePage, ServedPage, Page):
    """课时/学习单元: one sitting of study inside a course."""

    summary = models.TextField(_("summary"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=20
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def reflection_block_ids(self) -> list[str]:
        return [block.id for block in self.body if block.block_type == "reflection"]

    @property
    def activity_blocks(self) -> dict:
        """The lesson's H5P activity blocks by block id."""
        return {block.id: block for block in self.body if block.block_type == "h5p"}

    @property
    def completes_by_reflection(self) -> bool:
        return bool(self.reflection_block_ids)

    @property
    def completes_automatically(self) -> bool:
        """Lessons with reflection prompts or H5P activities complete when every
        answer is accepted and every activity passed; all other lessons when the
        teacher marks them done."""
        return bool(self.reflection_block_ids or self.activity_blocks)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_page_context

        context = super().get_context(request, *args, **kwargs)
        lesson_context = getattr(request, "lesson_context", None)
        if lesson_context is None or lesson_context[0] != self.pk:
            lesson_context = (
                self.pk,
                lesson_page_context(lesson=self, user=request.user),
            )
        context.update(lesson_context[1])
        context["reflection_drafts"] = getattr(request, "reflection_drafts", {})
        return context

    def serve(self, request, *args, **kwargs):
        from courses.forms import draft_key
        from courses.selectors import lesson_page_context
        from courses.services import lesson_visit

        context = lesson_page_context(lesson=self, user=request.user)
        # Opening a lesson starts it: a lesson already started or done costs
        # nothing more. Keeping a course offline fetches every lesson: that is
        # no visit.
        if (
            request.user.is_authenticated
            and not context["lesson_status"]
            and not is_keep_request(request)
        ):
            progress = lesson_visit(user=request.user, lesson=self)
            if progress is not None:
                context["lesson_status"] = progress.status
        request.lesson_context = (self.pk, context)
        # Answers the server refused come back into their forms, once.
        request.reflection_drafts = {
            block_id: request.session.pop(draft_key(self.pk, block_id))
            for block_id in self.reflection_block_ids
            if draft_key(self.pk, block_id) in request.session
        }
        response = super().serve(request, *args, **kwargs)
        if self.activity_blocks:
            response._csp_update = settings.H5P_PLAYER_CSP_UPDATE
        return response
