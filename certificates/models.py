"""Certificates (结业证书/培训证书): templates, issued certificates, serial
counters, bulk issuance batches and the audit trail of issue decisions."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from core.jobs import Job, JobState
from core.storage import private_storage

USER = settings.AUTH_USER_MODEL

PLACEHOLDERS = (
    "holder_name",
    "school",
    "subject",
    "hours",
    "issued_on",
    "serial",
    "programme",
)


def certificate_pdf_path(instance, filename: str) -> str:
    # Serials are sequential, so the stored name must not be one: a keyed hash
    # of the serial (the same on every render, so a re-render replaces it).
    digest = salted_hmac("certificate-pdf", instance.serial).hexdigest()[:32]
    return f"certificates/{digest}.pdf"


def batch_archive_path(instance, filename: str) -> str:
    return f"certificates/batches/{secrets.token_hex(16)}.zip"


def _optional_image(verbose_name):
    return models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class CertificateTemplate(models.Model):
    """What a certificate looks like. The body may use the placeholders
    {holder_name} {school} {subject} {hours} {issued_on} {serial} {programme}."""

    class Orientation(models.TextChoices):
        PORTRAIT = "portrait", _("portrait")
        LANDSCAPE = "landscape", _("landscape")

    name = models.CharField(_("name"), max_length=100, unique=True)
    title = models.CharField(_("certificate title"), max_length=60, default="结业证书")
    body = models.TextField(
        _("body"),
        help_text=_(
            "Placeholders: {holder_name} {school} {subject} {hours} {issued_on} "
            "{serial} {programme}"
        ),
    )
    serial_prefix = models.CharField(
        _("serial prefix"),
        max_length=20,
        default="LSNU",
        help_text=_("Serials read PREFIX-YEAR-000123."),
    )
    issuer_name = models.CharField(_("issuing body"), max_length=100)
    signatory_name = models.CharField(_("signatory name"), max_length=60, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=60, blank=True)
    orientation = models.CharField(
        _("orientation"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    background = _optional_image(_("background image"))
    seal = _optional_image(_("seal image"))
    signature = _optional_image(_("signature image"))

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("orientation")]),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("issuer_name"), FieldPanel("serial_prefix")]),
        FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
        MultiFieldPanel(
            [FieldPanel("background"), FieldPanel("seal"), FieldPanel("signature")],
            heading=_("Images"),
        ),
    ]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self):
        return self.name


def new_verification_code() -> str:
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """One certificate, with the holder's name and school as they were at
    issue. At most one valid (pending or issued) certificate per holder and
    track or course; reissuing after a revocation gives a new serial."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ISSUED = "issued", _("issued")
        REVOKED = "revoked", _("revoked")

    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=40,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    holder = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="certificates"
    )
    holder_name = models.CharField(_("holder"), max_length=100)
    holder_school = models.CharField(_("school"), max_length=100, blank=True)
    track = models.ForeignKey(
        "courses.Track",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    subject = models.CharField(_("certified for"), max_length=200)
    hours = models.DecimalField(_("credit hours"), max_digits=6, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="certificates"
    )
    issued_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    override_reason = models.TextField(
        _("justification for issuing without completion"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to=certificate_pdf_path, storage=private_storage, blank=True
    )
    pdf_sha256 = models.CharField(
        _("PDF checksum (SHA-256)"), max_length=64, blank=True
    )
    batch = models.ForeignKey(
        "certificates.IssuanceBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(track__isnull=False, course__isnull=True)
                | Q(track__isnull=True, course__isnull=False),
                name="certificate_for_a_track_or_a_course",
            ),
            models.UniqueConstraint(
                fields=["holder", "track"],
                condition=Q(status__in=["pending", "issued"], track__isnull=False),
                name="one_valid_certificate_per_track",
            ),
            models.UniqueConstraint(
                fields=["holder", "course"],
                condition=Q(status__in=["pending", "issued"], course__isnull=False),
                name="one_valid_certificate_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["holder", "status"]),
        ]

    def __str__(self):
        return f"{self.serial} {self.holder_name}"


class SerialCounter(models.Model):
    """The last serial number used for a prefix and year."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_serial")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class IssuanceBatch(Job):
    """A bulk issuance: who chose what, and how far the PDFs have got. A job
    (core.jobs): running while PDFs are rendered, done when none is pending
    (its zip follows), failed when the sweep gave up waiting for them. Its
    live progress is counted from its certificates; `progress_total` holds
    how many it set out to issue, `progress_done` how many once done."""

    Status = JobState

    track = models.ForeignKey(
        "courses.Track", on_delete=models.PROTECT, null=True, blank=True
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, null=True, blank=True
    )
    school = models.ForeignKey(
        "people.School", on_delete=models.PROTECT, null=True, blank=True
    )
    cohort = models.ForeignKey(
        "people.Cohort", on_delete=models.PROTECT, null=True, blank=True
    )
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True)
    archive = models.FileField(
        upload_to=batch_archive_path, storage=private_storage, blank=True
    )

    class Meta:
        verbose_name = _("issuance batch")
        verbose_name_plural = _("issuance batches")

    def __str__(self):
        return f"#{self.pk} {self.track or self.course}"


class AuditEntry(models.Model):
    """Who did what to a certificate, and why: issues, overrides, revocations."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("issued")
        OVERRIDE = "override", _("issued without completion")
        REVOKE = "revoke", _("revoked")
        BATCH = "batch", _("bulk issuance started")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, null=True, related_name="audit"
    )
    details = models.JSONField(_("details"), default=dict)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
