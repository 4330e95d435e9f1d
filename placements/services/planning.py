"""Planning: rounds, placing participants at host schools, rescheduling and
deleting placements (the programme office)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from people.models import Pairing, Role, School, User

from ..models import Placement, PlacementEvent, PlacementRound
from .common import PARTICIPANT_ROLES, Status, lock_placement


@transaction.atomic
def round_create(
    *,
    programme,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    notes: str = "",
    actor: User,
) -> PlacementRound:
    """Plan a round. Its dates must lie within the programme's.

    Raises ValidationError for an end before the start or dates outside the
    programme."""
    placement_round = PlacementRound(
        programme=programme,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes,
        created_by=actor,
    )
    _check_period(
        starts_on, ends_on, programme.starts_on, programme.ends_on, _("the programme")
    )
    placement_round.full_clean()
    placement_round.save()
    return placement_round


def _check_period(starts_on, ends_on, outer_start, outer_end, outer_name) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("The end date is before the start date."))
    if starts_on < outer_start or ends_on > outer_end:
        raise ValidationError(
            _("The dates must lie within %(name)s (%(start)s – %(end)s).")
            % {"name": outer_name, "start": outer_start, "end": outer_end}
        )


@transaction.atomic
def placements_plan(
    *,
    placement_round: PlacementRound,
    participants: list[User],
    host_school: School,
    mentor: User,
    focus: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    actor: User,
) -> list[Placement]:
    """Place each participant at the host school with the mentor, all or none.

    Participants must be teachers or principals of supported schools paired
    with the host school; the mentor must be a mentor at the host school; the
    dates must lie within the round; no participant may already be placed in
    the round or in another placement overlapping these dates.
    Raises ValidationError naming every problem found."""
    _check_period(
        starts_on,
        ends_on,
        placement_round.starts_on,
        placement_round.ends_on,
        placement_round.name,
    )
    if not participants:
        raise ValidationError(_("Choose at least one participant."))
    mentor_profile = getattr(mentor, "profile", None)
    if not (
        mentor_profile
        and mentor_profile.role == Role.MENTOR
        and mentor_profile.school_id == host_school.pk
    ):
        raise ValidationError(
            _("%(mentor)s is not a mentor at %(school)s.")
            % {"mentor": mentor, "school": host_school}
        )
    # Lock the participants so two planners cannot double-book one of them.
    ids = [p.pk for p in participants]
    people = list(
        User.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("profile", "profile__school")
        .order_by("pk")
    )
    problems = _participant_problems(people, host_school, starts_on, ends_on)
    problems += [
        _("%(name)s is already in this round.") % {"name": p.participant}
        for p in placement_round.placements.filter(
            participant__in=people
        ).select_related("participant")
    ]
    problems += _overlap_problems(people, starts_on, ends_on)
    if problems:
        raise ValidationError(problems)
    placements = [
        Placement(
            round=placement_round,
            participant=person,
            host_school=host_school,
            mentor=mentor,
            focus=focus,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for person in people
    ]
    for placement in placements:
        placement.full_clean(exclude=["round", "participant"])
    created = Placement.objects.bulk_create(placements)
    PlacementEvent.objects.bulk_create(
        PlacementEvent(
            placement=p,
            actor=actor,
            from_status=Status.PLANNED,
            to_status=Status.PLANNED,
        )
        for p in created
    )
    return created


def _participant_problems(people, host_school, starts_on, ends_on) -> list[str]:
    paired = set(
        Pairing.objects.filter(
            host_school=host_school, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).values_list("supported_school_id", flat=True)
    )
    problems = []
    for person in people:
        profile = getattr(person, "profile", None)
        if profile is None or profile.role not in PARTICIPANT_ROLES:
            problems.append(
                _("%(name)s is not a teacher or principal.") % {"name": person}
            )
        elif profile.school_id not in paired:
            problems.append(
                _("%(name)s works at %(school)s, which %(host)s does not support.")
                % {"name": person, "school": profile.school or "—", "host": host_school}
            )
    return problems


def _overlap_problems(people, starts_on, ends_on, exclude_pk=None) -> list[str]:
    clashes = (
        Placement.objects.filter(
            participant__in=people, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .exclude(pk=exclude_pk)
        .select_related("participant", "host_school")
    )
    return [
        _(
            "%(name)s already has a placement at %(school)s from %(start)s to "
            "%(end)s, which overlaps these dates."
        )
        % {
            "name": c.participant,
            "school": c.host_school,
            "start": c.starts_on,
            "end": c.ends_on,
        }
        for c in clashes
    ]


@transaction.atomic
def placement_reschedule(
    *,
    placement: Placement,
    starts_on: datetime.date,
    ends_on: datetime.date,
    actor: User,
) -> Placement:
    """Move a placement's dates (office). The new dates must lie within the
    round, overlap no other placement of the participant, and keep every
    logged day inside them. Raises ValidationError otherwise."""
    placement = lock_placement(placement)
    if placement.status == Status.APPROVED:
        raise ValidationError(_("An approved placement can no longer change."))
    _check_period(
        starts_on,
        ends_on,
        placement.round.starts_on,
        placement.round.ends_on,
        placement.round.name,
    )
    problems = _overlap_problems(
        [placement.participant], starts_on, ends_on, exclude_pk=placement.pk
    )
    if placement.logs.filter(Q(date__lt=starts_on) | Q(date__gt=ends_on)).exists():
        problems.append(_("Some logged days would fall outside the new dates."))
    if problems:
        raise ValidationError(problems)
    placement.starts_on, placement.ends_on = starts_on, ends_on
    placement.save(update_fields=["starts_on", "ends_on", "updated_at"])
    return placement


@transaction.atomic
def placement_delete(*, placement: Placement, actor: User) -> None:
    """Remove a planned placement nobody has logged in yet (office).
    Raises ValidationError once the placement has started."""
    placement = lock_placement(placement)
    if placement.status != Status.PLANNED or placement.logs.exists():
        raise ValidationError(
            _("Only a planned placement without logs can be removed.")
        )
    placement.events.all().delete()
    placement.delete()
