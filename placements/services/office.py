"""The programme office's part: approving a confirmed placement (days, credit
hours, announced progress) and recording exports of the placements list."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import HoursEntry
from courses.requirements import announce_progress
from courses.services import hours_entry_record
from people import audit
from people.models import User
from people.permissions import ensure

from .. import permissions
from ..models import Placement
from .common import Status, lock_placement, move_placement


@transaction.atomic
def placement_approve(*, placement: Placement, actor: User) -> Placement:
    """Approve a confirmed placement (office): its confirmed days become
    approved days, the ledger gains days × the programme's hours per day, and
    once the transaction commits the participant's tracks of the programme
    are recomputed (courses.requirements.progress_changed).
    Raises PermissionDenied without the approve permission, ValidationError
    when the placement is not confirmed."""
    ensure(permissions.can_approve_placements(actor))
    placement = lock_placement(placement)
    if placement.status != Status.CONFIRMED:
        raise ValidationError(
            _("Only a placement the mentor confirmed can be approved.")
        )
    days = placement.logs.filter(confirmed_at__isnull=False).count()
    programme = placement.round.programme
    placement.approved_days = days
    placement.approved_at = timezone.now()
    placement.approved_by = actor
    placement.hours_entry = hours_entry_record(
        user=placement.participant,
        hours=Decimal(days) * programme.hours_per_placement_day,
        source=HoursEntry.Source.PLACEMENT,
        # Names, not a translated sentence: the ledger is read in both languages.
        description=f"{placement.round.name} · {placement.host_school.name}",
        earned_on=timezone.localdate(placement.approved_at),
        created_by=actor,
    )
    move_placement(placement, Status.APPROVED, actor)
    placement.save()
    # Courses recomputes the participant's tracks once the approval commits.
    announce_progress(
        sender=Placement, user=placement.participant, programme_id=programme.pk
    )
    return placement


def placements_export_record(*, request, fmt: str, filters: dict) -> None:
    """Record in the audit log that the office exported the placements list
    (format and the filters that were set)."""
    audit.record(
        action="export",
        request=request,
        target="跟岗研修",
        details={"report": "placements", "format": fmt,
                 "filters": {k: str(v) for k, v in filters.items() if v}},
    )  # fmt: skip
