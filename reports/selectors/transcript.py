"""A teacher's transcript (学习档案): tracks, courses, the hours ledger,
placements and certificates, read from the stored rows in eight queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from certificates.models import Certificate
from courses.models import CourseCompletion, HoursEntry, TrackCompletion
from people.models import User
from placements.models import Placement

from ..permissions import can_read_all_reports
from .common import report_schools


@dataclass
class Transcript:
    person: User
    cohorts: list
    tracks: list
    courses: list
    hours: list
    hours_total: Decimal
    placements: list
    certificates: list

    @property
    def profile(self):
        return self.person.profile


def visible_person(*, viewer: User, user_id: int) -> User | None:
    """The person, if the viewer may read their records: themself, the
    office, or a principal of the school the person works at. Anyone else
    gets None, as for an id that does not exist."""
    person = (
        User.objects.filter(pk=user_id, profile__isnull=False)
        .select_related("profile__school")
        .first()
    )
    if person is None:
        return None
    if person.pk == viewer.pk or can_read_all_reports(viewer):
        return person
    try:
        schools = report_schools(viewer)
    except PermissionDenied:  # not a reader of reports
        return None
    if person.profile.school_id in {s.pk for s in schools}:
        return person
    return None


def transcript_of(person: User) -> Transcript:
    hours = list(
        HoursEntry.objects.filter(user=person)
        .select_related("course")
        .order_by("earned_on", "pk")
    )
    return Transcript(
        person=person,
        cohorts=list(person.cohorts.order_by("-year", "code")),
        tracks=list(
            TrackCompletion.objects.filter(user=person)
            .select_related("track")
            .order_by("track__opens_on", "track__name")
        ),
        courses=list(
            CourseCompletion.objects.filter(user=person)
            .select_related("course")
            .order_by("status", "completed_at", "course__title")
        ),
        hours=hours,
        hours_total=sum((h.hours for h in hours), Decimal(0)),
        placements=list(
            Placement.objects.filter(participant=person)
            .select_related("round", "host_school", "mentor")
            .order_by("starts_on", "pk")
        ),
        certificates=list(
            Certificate.objects.filter(holder=person).order_by("issued_on", "pk")
        ),
    )
