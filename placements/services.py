"""Writes for placements: planning, daily logs, and the workflow

    planned -> in progress -> submitted -> confirmed -> approved
                   ^              |            |
                   +-- returned <-+------------+

The participant logs days and submits; the mentor confirms days and the whole
placement with an evaluation (or returns it); the programme office approves
(or returns). Approval fixes the confirmed days, writes the credit hours to
the ledger (through courses' hours service) and announces the new progress;
courses recomputes the participant's tracks of that programme after commit.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import HoursEntry
from courses.requirements import announce_progress
from courses.services import hours_entry_record
from people.models import Pairing, Role, School, User
from people.permissions import ensure

from . import permissions
from .models import Activity, Placement, PlacementEvent, PlacementLog, PlacementRound

Status = Placement.Status
PARTICIPANT_ROLES = (Role.TEACHER, Role.PRINCIPAL)
EDITABLE = (Status.PLANNED, Status.IN_PROGRESS, Status.RETURNED)
REPORT_MIN_CHARS = 100
EVALUATION_MIN_CHARS = 20


# Planning


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
    placement = _lock(placement)
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
    placement = _lock(placement)
    if placement.status != Status.PLANNED or placement.logs.exists():
        raise ValidationError(
            _("Only a planned placement without logs can be removed.")
        )
    placement.events.all().delete()
    placement.delete()


# Daily logs (participant)


def _lock(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("round__programme", "participant", "host_school")
        .get(pk=placement.pk)
    )


def _require_participant(placement: Placement, actor: User) -> None:
    ensure(permissions.can_log(actor, placement))


def _move(placement: Placement, to: str, actor: User, comment: str = "") -> None:
    PlacementEvent.objects.create(
        placement=placement,
        actor=actor,
        from_status=placement.status,
        to_status=to,
        comment=comment,
    )
    placement.status = to


@transaction.atomic
def log_save(
    *,
    placement: Placement,
    actor: User,
    date: datetime.date,
    activities: list[str],
    did: str,
    learned: str,
    log: PlacementLog | None = None,
) -> PlacementLog:
    """Write one day's log (a new one, or `log` changed) for the participant.

    The day must lie within the placement and not in the future; one log per
    day; confirmed days and submitted placements are closed to changes. The
    first log starts a planned placement.
    Raises PermissionDenied for anyone but the participant, ValidationError
    otherwise."""
    placement = _lock(placement)
    _require_participant(placement, actor)
    if placement.status not in EDITABLE:
        raise ValidationError(_("This placement has been submitted; logs are closed."))
    if log is not None and (log.placement_id != placement.pk or log.is_confirmed):
        raise ValidationError(_("A day the mentor has confirmed can no longer change."))
    _check_log_date(placement, date, log)
    unknown = set(activities) - set(Activity.values)
    if not activities or unknown:
        raise ValidationError(_("Choose at least one activity."))
    log = log or PlacementLog(placement=placement)
    log.date, log.activities = date, list(dict.fromkeys(activities))
    log.did, log.learned = did.strip(), learned.strip()
    log.full_clean()
    log.save()
    if placement.status == Status.PLANNED:
        _move(placement, Status.IN_PROGRESS, actor)
        placement.save(update_fields=["status", "updated_at"])
    return log


def _check_log_date(placement, date, log) -> None:
    if not placement.starts_on <= date <= placement.ends_on:
        raise ValidationError(
            _("The day must lie within the placement (%(start)s – %(end)s).")
            % {"start": placement.starts_on, "end": placement.ends_on}
        )
    if date > timezone.localdate():
        raise ValidationError(_("A day in the future cannot be logged yet."))
    others = placement.logs.filter(date=date)
    if log is not None:
        others = others.exclude(pk=log.pk)
    if others.exists():
        raise ValidationError(
            _("There is already a log for %(date)s; edit that one.") % {"date": date}
        )


@transaction.atomic
def log_delete(*, log: PlacementLog, actor: User) -> None:
    """Delete an unconfirmed log of an open placement (participant).
    Raises PermissionDenied or ValidationError."""
    placement = _lock(log.placement)
    _require_participant(placement, actor)
    if placement.status not in EDITABLE or log.is_confirmed:
        raise ValidationError(_("This log can no longer be deleted."))
    from .attachments import delete_attachment_files

    files = list(log.attachments.all())
    log.delete()
    transaction.on_commit(lambda: [delete_attachment_files(a) for a in files])


@transaction.atomic
def placement_submit(*, placement: Placement, actor: User, report: str) -> Placement:
    """Submit the logs with the reflection report (研修总结) to the mentor.

    Needs at least one logged day and a report of REPORT_MIN_CHARS or more.
    Raises PermissionDenied for anyone but the participant, ValidationError
    when not in progress or returned, without logs or with a short report."""
    placement = _lock(placement)
    _require_participant(placement, actor)
    if placement.status not in (Status.IN_PROGRESS, Status.RETURNED):
        raise ValidationError(_("Only a placement in progress can be submitted."))
    if not placement.logs.exists():
        raise ValidationError(_("Log at least one day before submitting."))
    report = report.strip()
    if len(report) < REPORT_MIN_CHARS:
        raise ValidationError(
            _("Write a reflection report of at least %(n)d characters.")
            % {"n": REPORT_MIN_CHARS}
        )
    placement.report = report
    placement.submitted_at = timezone.now()
    _move(placement, Status.SUBMITTED, actor)
    placement.save()
    return placement


# Mentor


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
    placement = _lock(log.placement)
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
    placement = _lock(placement)
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
    _move(placement, Status.CONFIRMED, actor)
    placement.save()
    return placement


@transaction.atomic
def placement_return(*, placement: Placement, actor: User, comment: str) -> Placement:
    """Send the placement back to the participant with comments: the mentor
    a submitted one, the office a submitted or confirmed one.
    Raises PermissionDenied or ValidationError (no comment, wrong stage)."""
    placement = _lock(placement)
    if placement.status not in (Status.SUBMITTED, Status.CONFIRMED):
        raise ValidationError(
            _("Only a submitted or confirmed placement can be returned.")
        )
    ensure(permissions.can_return(actor, placement))
    if not comment.strip():
        raise ValidationError(_("Say what to improve when returning a placement."))
    placement.confirmed_at = None
    _move(placement, Status.RETURNED, actor, comment.strip())
    placement.save()
    return placement


# Programme office


@transaction.atomic
def placement_approve(*, placement: Placement, actor: User) -> Placement:
    """Approve a confirmed placement (office): its confirmed days become
    approved days, the ledger gains days × the programme's hours per day, and
    once the transaction commits the participant's tracks of the programme
    are recomputed (courses.requirements.progress_changed).
    Raises PermissionDenied without the approve permission, ValidationError
    when the placement is not confirmed."""
    ensure(permissions.can_approve_placements(actor))
    placement = _lock(placement)
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
    _move(placement, Status.APPROVED, actor)
    placement.save()
    # Courses recomputes the participant's tracks once the approval commits.
    announce_progress(
        sender=Placement, user=placement.participant, programme_id=programme.pk
    )
    return placement
