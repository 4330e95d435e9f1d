import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses.models import HoursEntry, TrackCompletion, TrackRequirementProgress
from courses.requirements import progress_changed
from courses.services import track_completion_recompute
from placements import services
from placements.models import Placement, PlacementEvent
from tests.factories import TrackFactory

from .conftest import END, EVALUATION, REPORT, START, advance, log_days, plan

Status = Placement.Status


def test_plan_places_participants_from_paired_schools(world):
    placements = plan(world, participant=world.participant)
    assert [p.status for p in placements] == [Status.PLANNED]
    assert placements[0].events.get().to_status == Status.PLANNED


def test_plan_refuses_participants_of_unpaired_schools_and_places_nobody(world):
    with pytest.raises(ValidationError) as error:
        services.placements_plan(
            placement_round=world.round,
            participants=[world.participant, world.outsider],
            host_school=world.host,
            mentor=world.mentor,
            focus="teaching",
            starts_on=START,
            ends_on=END,
            actor=world.office,
        )
    assert "刘芳" in " ".join(error.value.messages)
    assert not Placement.objects.exists()


def test_plan_refuses_a_mentor_of_another_school(world, mentor):
    with pytest.raises(ValidationError, match="not a mentor at"):
        plan(world, mentor=mentor)


def test_plan_refuses_mentors_and_office_staff_as_participants(world):
    with pytest.raises(ValidationError, match="not a teacher or principal"):
        plan(world, participant=world.other_mentor)


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (datetime.date(2020, 10, 18), END),  # before the round
        (START, datetime.date(2020, 10, 31)),  # after the round
        (END, START),  # backwards
    ],
)
def test_plan_refuses_dates_outside_the_round(world, starts_on, ends_on):
    with pytest.raises(ValidationError):
        plan(world, starts_on=starts_on, ends_on=ends_on)
    assert not Placement.objects.exists()


def test_plan_refuses_overlapping_placements_of_one_participant(world):
    plan(world)
    other_round = type(world.round).objects.create(
        programme=world.programme,
        name="补充批次",
        starts_on=datetime.date(2020, 10, 1),
        ends_on=datetime.date(2020, 11, 30),
    )
    with pytest.raises(ValidationError, match="overlaps"):
        plan(
            world,
            placement_round=other_round,
            starts_on=datetime.date(2020, 10, 23),
            ends_on=datetime.date(2020, 10, 27),
        )
    # Back to back is fine.
    (later,) = plan(
        world,
        placement_round=other_round,
        starts_on=datetime.date(2020, 10, 24),
        ends_on=datetime.date(2020, 10, 28),
    )
    assert later.pk


def test_round_must_lie_within_the_programme(world):
    with pytest.raises(ValidationError, match="within"):
        services.round_create(
            programme=world.programme,
            name="太早",
            actor=world.office,
            starts_on=datetime.date(2019, 10, 1),
            ends_on=datetime.date(2019, 10, 5),
        )


def test_first_log_starts_the_placement(placement):
    log_days(placement, 1)
    placement.refresh_from_db()
    assert placement.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    "day",
    [datetime.date(2020, 10, 18), datetime.date(2020, 10, 24)],
)
def test_log_outside_the_placement_is_refused(placement, day):
    with pytest.raises(ValidationError, match="within the placement"):
        services.log_save(
            placement=placement,
            actor=placement.participant,
            date=day,
            activities=["taught"],
            did="上课",
            learned="板书",
        )
    assert not placement.logs.exists()


def test_log_in_the_future_is_refused(world):
    today = datetime.date.today()
    world.round.ends_on = today + datetime.timedelta(days=10)
    world.round.save()
    world.programme.ends_on = today + datetime.timedelta(days=30)
    world.programme.save()
    world.host.supported_pairings.update(ends_on=world.programme.ends_on)
    (placement,) = plan(
        world, starts_on=today, ends_on=today + datetime.timedelta(days=5)
    )
    with pytest.raises(ValidationError, match="future"):
        services.log_save(
            placement=placement,
            actor=placement.participant,
            date=today + datetime.timedelta(days=1),
            activities=["taught"],
            did="上课",
            learned="板书",
        )


def test_one_log_per_day(placement):
    log_days(placement, 1)
    with pytest.raises(ValidationError, match="already a log"):
        log_days(placement, 1)


def test_unknown_activity_is_refused(placement):
    with pytest.raises(ValidationError, match="activity"):
        services.log_save(
            placement=placement,
            actor=placement.participant,
            date=START,
            activities=["sleeping"],
            did="x",
            learned="y",
        )


def test_only_the_participant_logs(world, placement):
    for someone in (world.colleague, world.mentor, world.office, world.principal):
        with pytest.raises(PermissionDenied):
            services.log_save(
                placement=placement,
                actor=someone,
                date=START,
                activities=["observed"],
                did="x",
                learned="y",
            )


def test_submit_needs_logs_and_a_real_report(placement):
    with pytest.raises(ValidationError, match="planned|in progress"):
        services.placement_submit(
            placement=placement, actor=placement.participant, report=REPORT
        )
    log_days(placement, 1)
    with pytest.raises(ValidationError, match="at least 100"):
        services.placement_submit(
            placement=placement, actor=placement.participant, report="很好。"
        )
    services.placement_submit(
        placement=placement, actor=placement.participant, report=REPORT
    )
    placement.refresh_from_db()
    assert placement.status == Status.SUBMITTED


def test_only_the_participant_submits(world, placement):
    log_days(placement, 1)
    with pytest.raises(PermissionDenied):
        services.placement_submit(
            placement=placement, actor=world.mentor, report=REPORT
        )


def test_submitted_logs_are_closed(world, placement):
    placement = advance(world, placement, "submitted")
    with pytest.raises(ValidationError, match="submitted"):
        services.log_save(
            placement=placement,
            actor=placement.participant,
            date=END,
            activities=["taught"],
            did="x",
            learned="y",
        )


def test_only_its_own_mentor_confirms(world, placement):
    (log,) = log_days(placement, 1)
    for someone in (world.other_mentor, world.participant, world.office):
        with pytest.raises(PermissionDenied):
            services.log_confirm(log=log, actor=someone, confirmed=True)
    services.log_confirm(log=log, actor=world.mentor, confirmed=True, note="很具体")
    log.refresh_from_db()
    assert log.is_confirmed and log.confirmed_by == world.mentor


def test_confirmed_day_cannot_be_edited(world, placement):
    (log,) = log_days(placement, 1)
    services.log_confirm(log=log, actor=world.mentor, confirmed=True)
    log.refresh_from_db()
    with pytest.raises(ValidationError, match="confirmed"):
        services.log_save(
            placement=placement,
            actor=placement.participant,
            log=log,
            date=START,
            activities=["taught"],
            did="改",
            learned="改",
        )


def test_mentor_confirmation_needs_confirmed_days_and_an_evaluation(world, placement):
    placement = advance(world, placement, "submitted")
    with pytest.raises(ValidationError, match="Confirm at least one"):
        services.placement_confirm(
            placement=placement,
            actor=world.mentor,
            evaluation=EVALUATION,
            rating="good",
        )
    services.log_confirm(log=placement.logs.first(), actor=world.mentor, confirmed=True)
    with pytest.raises(ValidationError, match="evaluation"):
        services.placement_confirm(
            placement=placement, actor=world.mentor, evaluation="好", rating="good"
        )
    services.placement_confirm(
        placement=placement, actor=world.mentor, evaluation=EVALUATION, rating="good"
    )
    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED


def test_mentor_returns_with_comments_and_participant_resubmits(world, placement):
    placement = advance(world, placement, "submitted")
    with pytest.raises(ValidationError, match="Say what"):
        services.placement_return(placement=placement, actor=world.mentor, comment=" ")
    services.placement_return(
        placement=placement, actor=world.mentor, comment="请补写学到了什么"
    )
    placement.refresh_from_db()
    assert placement.status == Status.RETURNED
    assert placement.events.last().comment == "请补写学到了什么"
    services.log_save(
        placement=placement,
        actor=placement.participant,
        date=END,
        activities=["taught"],
        did="补充上课",
        learned="补充",
    )
    services.placement_submit(
        placement=placement, actor=placement.participant, report=REPORT
    )
    placement.refresh_from_db()
    assert placement.status == Status.SUBMITTED


def test_mentor_cannot_return_a_confirmed_placement_but_the_office_can(
    world, placement
):
    placement = advance(world, placement, "confirmed")
    with pytest.raises(PermissionDenied):
        services.placement_return(
            placement=placement, actor=world.mentor, comment="再看"
        )
    services.placement_return(placement=placement, actor=world.office, comment="缺签字")
    placement.refresh_from_db()
    assert placement.status == Status.RETURNED


def test_only_office_approves_and_only_confirmed_placements(world, placement):
    placement = advance(world, placement, "submitted")
    with pytest.raises(ValidationError, match="confirmed"):
        services.placement_approve(placement=placement, actor=world.office)
    for log in placement.logs.all():
        services.log_confirm(log=log, actor=world.mentor, confirmed=True)
    services.placement_confirm(
        placement=placement, actor=world.mentor, evaluation=EVALUATION, rating="good"
    )
    for someone in (world.mentor, world.participant, world.principal):
        with pytest.raises(PermissionDenied):
            services.placement_approve(placement=placement, actor=someone)


def test_approval_credits_confirmed_days_and_hours_once(world, placement):
    logs = log_days(placement, 4)
    services.placement_submit(
        placement=placement, actor=placement.participant, report=REPORT
    )
    for log in logs[:3]:  # the fourth day the mentor does not confirm
        services.log_confirm(log=log, actor=world.mentor, confirmed=True)
    services.placement_confirm(
        placement=placement,
        actor=world.mentor,
        evaluation=EVALUATION,
        rating="excellent",
    )
    services.placement_approve(placement=placement, actor=world.office)
    placement.refresh_from_db()
    assert placement.approved_days == 3
    entry = HoursEntry.objects.get(user=world.participant, source="placement")
    assert entry.hours == 3 * world.programme.hours_per_placement_day
    assert placement.hours_entry == entry
    with pytest.raises(ValidationError):
        services.placement_approve(placement=placement, actor=world.office)
    assert HoursEntry.objects.filter(user=world.participant).count() == 1
    assert list(
        PlacementEvent.objects.filter(placement=placement).values_list(
            "to_status", flat=True
        )
    ) == ["planned", "in_progress", "submitted", "confirmed", "approved"]


def test_approval_announces_the_participants_progress_once_it_commits(
    world, placement, django_capture_on_commit_callbacks
):
    track = TrackFactory(programme=world.programme, min_placement_days=3)
    track.enrolments.create(user=world.participant, source="office")
    track_completion_recompute(user=world.participant, track=track)
    received = []

    def receiver(sender, *, user, programme_id, **kwargs):
        received.append((sender, user, programme_id))

    progress_changed.connect(receiver)
    try:
        advance(world, placement, "confirmed", days=3)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.placement_approve(placement=placement, actor=world.office)
        row = TrackRequirementProgress.objects.get(
            user=world.participant, track=track, kind="placement_days"
        )
        # Before the commit nobody has heard of it and the days are not counted.
        assert (received, row.done) == ([], 0)

        for callback in callbacks:
            callback()
    finally:
        progress_changed.disconnect(receiver)

    assert received == [(Placement, world.participant, world.programme.pk)]
    row.refresh_from_db()
    assert (row.done, row.needed) == (3, 3)


def test_approval_writes_its_hours_through_the_courses_hours_service(
    world, placement, monkeypatch
):
    from courses import services as course_services
    from placements.services import office

    calls = []
    record = course_services.hours_entry_record

    def spy(**kwargs):
        calls.append(kwargs["source"])
        return record(**kwargs)

    monkeypatch.setattr(office, "hours_entry_record", spy)

    advance(world, placement, "approved", days=2)

    assert calls == [HoursEntry.Source.PLACEMENT]
    assert placement.hours_entry.source == HoursEntry.Source.PLACEMENT


def test_approved_days_complete_the_tracks_placement_requirement(world, placement):
    track = TrackFactory(programme=world.programme, min_placement_days=3)
    track.enrolments.create(user=world.participant, source="office")
    other_programme_track = TrackFactory(min_placement_days=3)
    other_programme_track.enrolments.create(user=world.participant, source="office")
    before = track_completion_recompute(user=world.participant, track=track)
    assert (before.placement_days, before.status) == (0, "not_started")

    advance(world, placement, "approved", days=3)

    completion = TrackCompletion.objects.get(user=world.participant, track=track)
    assert completion.placement_days == 3
    # The track has no courses, so three approved days complete it.
    assert completion.status == "completed"
    other = track_completion_recompute(
        user=world.participant, track=other_programme_track
    )
    assert other.placement_days == 0


def test_hours_per_day_follow_the_programme(world, placement):
    world.programme.hours_per_placement_day = Decimal("4.5")
    world.programme.save()
    advance(world, placement, "approved", days=2)
    assert HoursEntry.objects.get(source="placement").hours == Decimal("9.0")


def test_reschedule_keeps_logged_days_inside(world, placement):
    log_days(placement, 3)
    with pytest.raises(ValidationError, match="outside"):
        services.placement_reschedule(
            placement=placement,
            actor=world.office,
            starts_on=datetime.date(2020, 10, 21),
            ends_on=datetime.date(2020, 10, 28),
        )
    services.placement_reschedule(
        placement=placement,
        actor=world.office,
        starts_on=START,
        ends_on=datetime.date(2020, 10, 28),
    )
    placement.refresh_from_db()
    assert placement.ends_on == datetime.date(2020, 10, 28)


def test_only_untouched_planned_placements_can_be_removed(world, placement):
    log_days(placement, 1)
    with pytest.raises(ValidationError):
        services.placement_delete(placement=placement, actor=world.office)
    (other,) = plan(world, participant=world.colleague)
    services.placement_delete(placement=other, actor=world.office)
    assert not Placement.objects.filter(pk=other.pk).exists()
