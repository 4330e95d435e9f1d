"""What the placement services share: the statuses a participant may still
edit, the minimum lengths, and locking and moving a placement along its
workflow (each move leaves a PlacementEvent)."""

from people.models import Role, User
from people.permissions import ensure

from .. import permissions
from ..models import Placement, PlacementEvent

Status = Placement.Status
PARTICIPANT_ROLES = (Role.TEACHER, Role.PRINCIPAL)
EDITABLE = (Status.PLANNED, Status.IN_PROGRESS, Status.RETURNED)
REPORT_MIN_CHARS = 100
EVALUATION_MIN_CHARS = 20


def lock_placement(placement: Placement) -> Placement:
    """The placement locked for update (with what its checks read) until the
    transaction ends."""
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("round__programme", "participant", "host_school")
        .get(pk=placement.pk)
    )


def require_participant(placement: Placement, actor: User) -> None:
    """PermissionDenied unless `actor` may log days of this placement."""
    ensure(permissions.can_log(actor, placement))


def move_placement(
    placement: Placement, to: str, actor: User, comment: str = ""
) -> None:
    """Set the status (saved by the caller), recording the move as an event."""
    PlacementEvent.objects.create(
        placement=placement,
        actor=actor,
        from_status=placement.status,
        to_status=to,
        comment=comment,
    )
    placement.status = to
