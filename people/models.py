from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registries import audit_action_choices


class User(AbstractUser):
    """A person who signs in. Chinese and Yi names do not split into given and
    family names, so the full name is one field."""

    name = models.CharField(_("full name"), max_length=100, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for accounts created by the programme office."),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts can sign in only while demo mode is on."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        return self.name or super().get_full_name()

    def get_short_name(self):
        return self.name or super().get_short_name()


class School(models.Model):
    """学校: a supported school or teaching point, a host school, or the university."""

    class Kind(models.TextChoices):
        JUNIOR_MIDDLE = "junior_middle", _("junior middle school")
        CENTRAL_PRIMARY = "central_primary", _("central primary school")
        VILLAGE_PRIMARY = "village_primary", _("village primary school")
        TEACHING_POINT = "teaching_point", _("teaching point")
        HOST = "host", _("host school")
        UNIVERSITY = "university", _("university")

    SUPPORTED_KINDS = (
        Kind.JUNIOR_MIDDLE,
        Kind.CENTRAL_PRIMARY,
        Kind.VILLAGE_PRIMARY,
        Kind.TEACHING_POINT,
    )

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    county = models.CharField(_("county"), max_length=50, blank=True)
    is_key_school = models.BooleanField(_("key school"), default=False)
    is_placeholder_name = models.BooleanField(
        _("placeholder name"),
        default=False,
        help_text=_("The real name is not yet known; replace it when it is."),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name

    @property
    def is_supported(self) -> bool:
        return self.kind in self.SUPPORTED_KINDS


class Pairing(models.Model):
    """结对帮扶: a supported school and the host school that supports it."""

    supported_school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="host_pairings",
        verbose_name=_("supported school"),
    )
    host_school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        related_name="supported_pairings",
        verbose_name=_("host school"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["supported_school__code", "host_school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["supported_school", "host_school"], name="unique_pairing"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="pairing_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(supported_school=models.F("host_school")),
                name="pairing_two_schools",
            ),
        ]

    def __str__(self):
        return f"{self.supported_school} ← {self.host_school}"


class Cohort(models.Model):
    """学员分组: a group trained together, e.g. the 2020 seed teachers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="cohorts",
        blank=True,
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "code"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """Each role is also a Django group of the same name (people migration 0002)."""

    TEACHER = "teacher", _("teacher")
    PRINCIPAL = "principal", _("principal")
    TRAINER = "trainer", _("trainer")
    MENTOR = "mentor", _("host-school mentor")
    OFFICE = "office", _("programme office")


class Profile(models.Model):
    """Links a user to their school(s), role, subject and seed-teacher status."""

    class Subject(models.TextChoices):
        CHINESE = "chinese", _("Chinese")
        MATHS = "maths", _("mathematics")
        ENGLISH = "english", _("English")
        SCIENCE = "science", _("science")
        MORALITY = "morality", _("morality and law")
        ARTS = "arts", _("music and arts")
        PE = "pe", _("physical education")
        IT = "it", _("information technology")
        YI = "yi", _("Yi language")
        OTHER = "other", _("other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("school"),
        help_text=_("Where the person works; empty for university staff."),
    )
    supervised_schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="supervisors",
        verbose_name=_("further schools led"),
        help_text=_("For principals who also lead other schools or teaching points."),
    )
    subject = models.CharField(
        _("subject"), max_length=20, choices=Subject.choices, blank=True
    )
    is_seed_teacher = models.BooleanField(_("seed teacher"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        permissions = [
            ("view_school_staff", _("Can see the staff of their own school(s)")),
            ("view_all_schools", _("Can see every school in the programme")),
        ]
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """One security-relevant action: sign-ins and their failures, password and
    two-factor changes, role changes (Action), and whatever the feature apps
    register (certificates, exports, H5P library installs and upgrades: see
    people.registries). Written only by people.audit.record; never changed
    afterwards."""

    class Action(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOGIN_RATE_LIMITED = (
            "login_rate_limited",
            _("sign-in blocked: too many attempts"),
        )
        LOGOUT = "logout", _("signed out")
        SESSION_EXPIRED = "session_expired", _("session ended after inactivity")
        PASSWORD_CHANGE = "password_change", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset by email")
        MFA_ACTIVATE = "mfa_activate", _("two-factor authentication turned on")
        MFA_DEACTIVATE = "mfa_deactivate", _("two-factor authentication turned off")
        MFA_FAILED = "mfa_failed", _("wrong two-factor code")
        MFA_RECOVERY_CODES = "mfa_recovery_codes", _("new recovery codes generated")
        ROLE_CHANGE = "role_change", _("role changed")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=audit_action_choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text too: the account may be deleted, and failed sign-ins name
    # accounts that may not exist.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    target = models.CharField(_("target"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("security audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
