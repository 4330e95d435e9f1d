"""The mentor's part: confirming days and the whole placement, or returning it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import User
from people.permissions import ensure

from .. import permissions
from ..models import Placement, PlacementLog
from .common import EVALUATION_MIN_CHARS, Status, lock_placement, move_placement


def _require_mentor(placement: Placement, actor: User) -> None:
    ensure(permissions.can_mentor(actor, placement))


@transaction.atomic
def log_confirm(
    *, log: PlacementLog, actor: User, confirmed: bool, note: str = ""
) -> PlacementLog:
    """The mentor confirms (or withdraws confirmation of) one logged day.

    Possible while the placement is in progress or submitted.
    Raises PermissionDenied for anyone but the placement's mentor,
    ValidationError at other stages."""
    placement = lock_placement(log.placement)
    _require_mentor(placement, actor)
    if placement.status not in (Status.IN_PROGRESS, Status.SUBMITTED):
        raise ValidationError(_("Days can be confirmed only before the evaluation."))
    log = PlacementLog.objects.select_for_update().get(pk=log.pk)
    log.confirmed_at = timezone.now() if confirmed else None
    log.confirmed_by = actor if confirmed else None
    log.mentor_note = note.strip()
    log.save(update_fields=["confirmed_at", "confirmed_by", "mentor_note"])
    return log


@transaction.atomic
def placement_confirm(
    *, placement: Placement, actor: User, evaluation: str, rating: str
) -> Placement:
    """The mentor confirms the submitted placement with an evaluation.

    Needs at least one confirmed day, a rating and an evaluation of
    EVALUATION_MIN_CHARS or more. Raises PermissionDenied or ValidationError."""
    placement = lock_placement(placement)
    _require_mentor(placement, actor)
    if placement.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted placement can be confirmed."))
    if not placement.logs.filter(confirmed_at__isnull=False).exists():
        raise ValidationError(_("Confirm at least one logged day first."))
    evaluation = evaluation.strip()
    if not rating:
        raise ValidationError(_("Choose a rating."))
    if len(evaluation) < EVALUATION_MIN_CHARS:
        raise ValidationError(
            _("Write an evaluation of at least %(n)d characters.")
            % {"n": EVALUATION_MIN_CHARS}
        )
    placement.evaluation, placement.rating = evaluation, rating
    placement.confirmed_at = timezone.now()
    placement.full_clean(exclude=["round", "participant", "mentor", "host_school"])
    move_placement(placement, Status.CONFIRMED, actor)
    placement.save()
    return placement


@transaction.atomic
def placement_return(*, placement: Placement, actor: User, comment: str) -> Placement:
    """Send the placement back to the participant with comments: the mentor
    a submitted one, the office a submitted or confirmed one.
    Raises PermissionDenied or ValidationError (no comment, wrong stage)."""
    placement = lock_placement(placement)
    if placement.status not in (Status.SUBMITTED, Status.CONFIRMED):
        raise ValidationError(
            _("Only a submitted or confirmed placement can be returned.")
        )
    ensure(permissions.can_return(actor, placement))
    if not comment.strip():
        raise ValidationError(_("Say what to improve when returning a placement."))
    placement.confirmed_at = None
    move_placement(placement, Status.RETURNED, actor, comment.strip())
    placement.save()
    return placement
