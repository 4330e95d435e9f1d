"""Reads for certificates: who may see which certificates, the lists for
teachers, principals and the office, and the public verification facts.
Each runs a fixed number of queries whatever the number of rows."""

from django.db.models import Q, QuerySet

from people.models import Profile, Role, User
from people.permissions import leads_a_school
from people.selectors import schools_visible_to

from .models import AuditEntry, Certificate, IssuanceBatch
from .permissions import can_view_all_certificates

# The only fields the public verification page ever reads.
PUBLIC_FIELDS = (
    "serial",
    "verification_code",
    "holder_name",
    "subject",
    "hours",
    "issued_on",
    "status",
    "revoked_at",
)


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """The office sees every certificate; a principal also those of the staff
    of the school(s) they lead; everyone else only their own."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    if can_view_all_certificates(user):
        return Certificate.objects.all()
    mine = Q(holder=user)
    if leads_a_school(user):
        mine |= Q(holder__profile__school__in=schools_visible_to(user))
    return Certificate.objects.filter(mine)


def downloadable_certificate(*, user: User, serial: str) -> Certificate | None:
    """The issued certificate with this serial, if the user may download it.
    Pending (no PDF yet) and revoked certificates are never served."""
    return (
        certificates_visible_to(user)
        .filter(serial=serial, status=Certificate.Status.ISSUED)
        .exclude(pdf="")
        .first()
    )


def valid_certificate_for(*, holder: User, track=None, course=None):
    """The holder's pending or issued certificate for the track or course."""
    return (
        Certificate.objects.filter(holder=holder, track=track, course=course)
        .exclude(status=Certificate.Status.REVOKED)
        .first()
    )


def certificates_of(user: User) -> QuerySet[Certificate]:
    """A holder's own certificates, newest first, revoked ones included."""
    return Certificate.objects.filter(holder=user).order_by("-issued_on", "-pk")


def school_certificates(
    *, user: User, track=None, course=None, school=None
) -> QuerySet[Certificate]:
    """Certificates held by the staff of the schools the user may see."""
    schools = schools_visible_to(user)
    if school is not None:
        schools = schools.filter(pk=school.pk)
    certificates = Certificate.objects.filter(holder__profile__school__in=schools)
    return _filtered(certificates, track=track, course=course).order_by(
        "holder_school", "holder_name", "-issued_on", "-pk"
    )


def office_certificates(
    *, status="", track=None, course=None, school=None, query=""
) -> QuerySet[Certificate]:
    """Every certificate, filtered; `query` matches a holder's name or
    username, or a serial."""
    certificates = _filtered(
        Certificate.objects.all(), track=track, course=course, status=status
    )
    if school is not None:
        certificates = certificates.filter(holder__profile__school=school)
    query = query.strip()
    if query:
        certificates = certificates.filter(
            Q(holder_name__icontains=query)
            | Q(holder__username__iexact=query)
            | Q(serial__icontains=query)
        )
    return certificates.order_by("-issued_on", "-pk")


def _filtered(certificates, *, track=None, course=None, status=""):
    if track is not None:
        certificates = certificates.filter(track=track)
    if course is not None:
        certificates = certificates.filter(course=course)
    if status:
        certificates = certificates.filter(status=status)
    return certificates


def public_certificate(*, code: str) -> Certificate | None:
    """What the public may know about a certificate, by verification code.
    A pending certificate is not a certificate yet: it is not found."""
    return _public().filter(verification_code=code).first()


def public_certificate_by_serial(*, serial: str) -> Certificate | None:
    return _public().filter(serial__iexact=serial.strip()).first()


def _public() -> QuerySet[Certificate]:
    return Certificate.objects.exclude(status=Certificate.Status.PENDING).only(
        *PUBLIC_FIELDS
    )


def holder_choices() -> QuerySet:
    """(username, name, school) of the teachers and principals the office may
    pick as a certificate's holder."""
    return (
        Profile.objects.filter(role__in=[Role.TEACHER, Role.PRINCIPAL])
        .order_by("school__code", "user__name")
        .values_list("user__username", "user__name", "school__name")
    )


def recent_batches(limit: int = 5) -> QuerySet[IssuanceBatch]:
    return IssuanceBatch.objects.select_related("track", "course").order_by("-pk")[
        :limit
    ]


def audit_log() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor", "certificate")
