import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import selectors, services
from courses.models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    HoursEntry,
    LessonPage,
    LessonProgress,
    Reflection,
    TrackCompletion,
    TrackCourse,
    TrackEnrolment,
)
from courses.models.learning import CompletionStatus, Source
from people.models import Role
from tests.factories import CohortFactory, ProfileFactory, SchoolFactory, UserFactory
from tests.fixtures.pages import PROMPT_ID

DONE = CompletionStatus.COMPLETED
IN_PROGRESS = CompletionStatus.IN_PROGRESS
LONG_ENOUGH = "我会每周和留守儿童谈一次心，记录他们的变化。"


def _staff(role=Role.TEACHER, school=None):
    user = UserFactory()
    ProfileFactory(user=user, role=role, school=school or SchoolFactory())
    return user


# Enrolment ---------------------------------------------------------------------


def test_teacher_self_enrols_in_open_live_course(teacher, course_with_lessons):
    course = course_with_lessons(2)

    enrolment = services.enrolment_create(user=teacher, course=course)

    assert (enrolment.status, enrolment.source) == ("active", Source.SELF)
    completion = CourseCompletion.objects.get(user=teacher, course=course)
    assert (completion.status, completion.lessons_total) == ("not_started", 2)


def test_self_enrolment_refused_when_course_is_not_open(teacher, course_with_lessons):
    course = course_with_lessons(1, self_enrolment=False)

    with pytest.raises(ValidationError):
        services.enrolment_create(user=teacher, course=course)

    assert not Enrolment.objects.exists()
    assert not CourseCompletion.objects.exists()


def test_self_enrolment_refused_for_unpublished_course(teacher, course_with_lessons):
    course = course_with_lessons(1)
    course.unpublish()
    course.refresh_from_db()

    with pytest.raises(ValidationError):
        services.enrolment_create(user=teacher, course=course)

    assert not Enrolment.objects.exists()


def test_office_enrols_teacher_in_course_closed_to_self_enrolment(
    teacher, course_with_lessons
):
    course = course_with_lessons(1, self_enrolment=False)

    enrolment = services.enrolment_create(
        user=teacher, course=course, source=Source.OFFICE
    )

    assert enrolment.is_active
    assert enrolment.source == Source.OFFICE


def test_missing_prerequisite_blocks_enrolment_and_is_named(
    teacher, course_with_lessons
):
    basics = course_with_lessons(1, title="教育教学基本技能")
    advanced = course_with_lessons(1, prerequisites=[basics])

    with pytest.raises(ValidationError) as error:
        services.enrolment_create(user=teacher, course=advanced)

    assert "教育教学基本技能" in " ".join(error.value.messages)
    assert not Enrolment.objects.filter(course=advanced).exists()
    assert not CourseCompletion.objects.filter(course=advanced).exists()


def test_prerequisites_block_office_enrolment_too(teacher, course_with_lessons):
    basics = course_with_lessons(1)
    advanced = course_with_lessons(1, prerequisites=[basics])

    with pytest.raises(ValidationError):
        services.enrolment_create(user=teacher, course=advanced, source=Source.OFFICE)


def test_enrolment_allowed_after_prerequisite_completed(
    teacher, course_with_lessons, complete_course
):
    basics = course_with_lessons(2)
    advanced = course_with_lessons(1, prerequisites=[basics])
    complete_course(teacher, basics)

    enrolment = services.enrolment_create(user=teacher, course=advanced)

    assert enrolment.is_active
    assert selectors.missing_prerequisites(user=teacher, course=advanced) == []


def test_missing_prerequisites_lists_only_unfinished_ones(
    teacher, course_with_lessons, complete_course
):
    first = course_with_lessons(1)
    second = course_with_lessons(1)
    advanced = course_with_lessons(1, prerequisites=[first, second])
    complete_course(teacher, first)

    assert selectors.missing_prerequisites(user=teacher, course=advanced) == [second]


def test_enrolling_again_after_withdrawal_reactivates_the_same_row(
    teacher, course_with_lessons
):
    course = course_with_lessons(1)
    first = services.enrolment_create(user=teacher, course=course)
    services.enrolment_withdraw(enrolment=first)

    again = services.enrolment_create(user=teacher, course=course)

    assert again.pk == first.pk
    assert (again.status, again.withdrawn_at) == ("active", None)
    assert Enrolment.objects.filter(user=teacher, course=course).count() == 1


def test_enrolling_twice_returns_the_existing_enrolment(teacher, course_with_lessons):
    course = course_with_lessons(1)
    first = services.enrolment_create(user=teacher, course=course)

    second = services.enrolment_create(user=teacher, course=course)

    assert second.pk == first.pk
    assert Enrolment.objects.count() == 1


def test_withdrawal_keeps_progress(teacher, course_with_lessons):
    course = course_with_lessons(2)
    enrolment = services.enrolment_create(user=teacher, course=course)
    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])

    services.enrolment_withdraw(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"
    assert enrolment.withdrawn_at is not None
    assert LessonProgress.objects.filter(user=teacher, status="completed").count() == 1


def test_teacher_cannot_withdraw_from_course_their_track_requires(
    teacher, course_with_lessons, make_track
):
    course = course_with_lessons(1)
    services.track_enrol(track=make_track(required=[course]), users=[teacher])
    enrolment = Enrolment.objects.get(user=teacher, course=course)

    with pytest.raises(ValidationError):
        services.enrolment_withdraw(enrolment=enrolment)

    enrolment.refresh_from_db()
    assert enrolment.is_active


def test_office_can_withdraw_teacher_from_required_course(
    teacher, course_with_lessons, make_track
):
    course = course_with_lessons(1)
    services.track_enrol(track=make_track(required=[course]), users=[teacher])
    enrolment = Enrolment.objects.get(user=teacher, course=course)

    services.enrolment_withdraw(enrolment=enrolment, by_office=True)

    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


def test_teacher_can_withdraw_from_elective_of_their_track(
    teacher, course_with_lessons, make_track
):
    required, elective = course_with_lessons(1), course_with_lessons(1)
    track = make_track(required=[required], electives=[elective])
    services.track_enrol(track=track, users=[teacher])
    enrolment = services.enrolment_create(user=teacher, course=elective)

    services.enrolment_withdraw(enrolment=enrolment)

    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


def test_withdrawal_is_allowed_when_another_teachers_track_requires_the_course(
    teacher, course_with_lessons, make_track
):
    course = course_with_lessons(1)
    services.track_enrol(track=make_track(required=[course]), users=[_staff()])
    enrolment = services.enrolment_create(user=teacher, course=course)

    services.enrolment_withdraw(enrolment=enrolment)

    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


# Tracks and groups -------------------------------------------------------------


def test_track_enrol_enrols_in_track_and_unlocked_required_courses_only(
    teacher, principal, course_with_lessons, make_track
):
    ethics = course_with_lessons(1)
    skills = course_with_lessons(1)
    locked = course_with_lessons(1, prerequisites=[skills])
    elective = course_with_lessons(1)
    track = make_track(required=[ethics, skills, locked], electives=[elective])

    count = services.track_enrol(track=track, users=[teacher, principal])

    assert count == 2
    assert set(TrackEnrolment.objects.values_list("user_id", flat=True)) == {
        teacher.pk,
        principal.pk,
    }
    for user in (teacher, principal):
        enrolled = set(
            Enrolment.objects.filter(user=user, status="active").values_list(
                "course_id", flat=True
            )
        )
        assert enrolled == {ethics.pk, skills.pk}
    assert set(Enrolment.objects.values_list("source", flat=True)) == {Source.TRACK}


def test_track_enrol_records_who_enrolled_the_group(
    teacher, office, course_with_lessons, make_track
):
    track = make_track(required=[course_with_lessons(1)])

    services.track_enrol(track=track, users=[teacher], enrolled_by=office)

    enrolment = TrackEnrolment.objects.get(user=teacher)
    assert (enrolment.track, enrolment.enrolled_by) == (track, office)


def test_track_enrol_is_idempotent(teacher, course_with_lessons, make_track):
    track = make_track(required=[course_with_lessons(1), course_with_lessons(2)])
    services.track_enrol(track=track, users=[teacher])
    rows = (TrackEnrolment.objects.count(), Enrolment.objects.count())

    again = services.track_enrol(track=track, users=[teacher])

    assert again == 0
    assert (TrackEnrolment.objects.count(), Enrolment.objects.count()) == rows == (1, 2)


def test_track_enrol_counts_only_people_new_to_the_track(
    teacher, principal, course_with_lessons, make_track
):
    track = make_track(required=[course_with_lessons(1)])
    services.track_enrol(track=track, users=[teacher])

    assert services.track_enrol(track=track, users=[teacher, principal]) == 1


def test_track_enrol_enrols_in_required_course_whose_prerequisite_is_done(
    teacher, course_with_lessons, make_track, complete_course
):
    basics = course_with_lessons(1)
    advanced = course_with_lessons(1, prerequisites=[basics])
    complete_course(teacher, basics)

    services.track_enrol(track=make_track(required=[advanced]), users=[teacher])

    assert Enrolment.objects.get(user=teacher, course=advanced).is_active


def test_locked_required_course_is_enrolled_once_its_prerequisite_completes(
    teacher, course_with_lessons, make_track
):
    basics = course_with_lessons(2)
    advanced = course_with_lessons(1, prerequisites=[basics])
    services.track_enrol(track=make_track(required=[basics, advanced]), users=[teacher])
    assert not Enrolment.objects.filter(course=advanced).exists()

    services.lesson_mark_complete(user=teacher, lesson=basics.lessons[0])
    assert not Enrolment.objects.filter(course=advanced).exists()
    services.lesson_mark_complete(user=teacher, lesson=basics.lessons[1])

    enrolment = Enrolment.objects.get(user=teacher, course=advanced)
    assert (enrolment.status, enrolment.source) == ("active", Source.TRACK)


def test_course_with_two_prerequisites_unlocks_only_when_both_are_done(
    teacher, course_with_lessons, make_track
):
    first, second = course_with_lessons(1), course_with_lessons(1)
    advanced = course_with_lessons(1, prerequisites=[first, second])
    track = make_track(required=[first, second, advanced])
    services.track_enrol(track=track, users=[teacher])

    services.lesson_mark_complete(user=teacher, lesson=first.lessons[0])
    assert not Enrolment.objects.filter(course=advanced).exists()
    services.lesson_mark_complete(user=teacher, lesson=second.lessons[0])

    assert Enrolment.objects.get(user=teacher, course=advanced).is_active


def test_completing_a_prerequisite_does_not_enrol_in_a_course_outside_the_track(
    teacher, course_with_lessons, make_track
):
    basics = course_with_lessons(1)
    elsewhere = course_with_lessons(1, prerequisites=[basics])
    elective = course_with_lessons(1, prerequisites=[basics])
    track = make_track(required=[basics], electives=[elective])
    services.track_enrol(track=track, users=[teacher])

    services.lesson_mark_complete(user=teacher, lesson=basics.lessons[0])

    assert not Enrolment.objects.filter(course__in=[elsewhere, elective]).exists()


def test_users_for_group_by_cohort(teacher, principal):
    cohort = CohortFactory()
    cohort.members.add(teacher)

    assert list(services.users_for_group(cohort=cohort)) == [teacher]


def test_users_for_group_by_school(teacher, principal, school):
    _staff(school=SchoolFactory())

    assert set(services.users_for_group(school=school)) == {teacher, principal}


def test_users_for_group_by_role(teacher, principal, school):
    other_teacher = _staff(Role.TEACHER)

    assert set(services.users_for_group(role=Role.TEACHER)) == {teacher, other_teacher}


def test_users_for_group_takes_the_intersection(teacher, principal, school):
    cohort = CohortFactory()
    elsewhere = _staff(Role.TEACHER)
    cohort.members.add(teacher, principal, elsewhere)

    users = services.users_for_group(cohort=cohort, school=school, role=Role.TEACHER)

    assert list(users) == [teacher]


def test_users_for_group_leaves_out_inactive_people(teacher, school):
    teacher.is_active = False
    teacher.save()

    assert list(services.users_for_group(school=school)) == []


def test_users_for_group_needs_a_criterion(db):
    with pytest.raises(ValidationError):
        services.users_for_group()


# Progress and completion -------------------------------------------------------


def test_lesson_visit_starts_lesson_and_course(teacher, course_with_lessons):
    course = course_with_lessons(2)
    services.enrolment_create(user=teacher, course=course)

    progress = services.lesson_visit(user=teacher, lesson=course.lessons[0])

    assert (progress.status, progress.course_id) == ("started", course.pk)
    assert CourseCompletion.objects.get(user=teacher).status == IN_PROGRESS


def test_lesson_visit_without_enrolment_records_nothing(teacher, course_with_lessons):
    course = course_with_lessons(1)

    assert services.lesson_visit(user=teacher, lesson=course.lessons[0]) is None
    assert not LessonProgress.objects.exists()


def test_lesson_visit_after_withdrawal_records_nothing(teacher, course_with_lessons):
    course = course_with_lessons(1)
    enrolment = services.enrolment_create(user=teacher, course=course)
    services.enrolment_withdraw(enrolment=enrolment)

    assert services.lesson_visit(user=teacher, lesson=course.lessons[0]) is None
    assert not LessonProgress.objects.exists()


def test_lesson_visit_in_track_enrolled_course_starts_the_course(
    teacher, course_with_lessons, make_track
):
    # Reports read CourseCompletion rows: a teacher enrolled by the office who
    # opened a lesson must show as in progress, not be missing.
    course = course_with_lessons(2)
    services.track_enrol(track=make_track(required=[course]), users=[teacher])

    services.lesson_visit(user=teacher, lesson=course.lessons[0])

    completion = CourseCompletion.objects.get(user=teacher, course=course)
    assert (completion.status, completion.lessons_total) == (IN_PROGRESS, 2)


def test_mark_complete_needs_an_active_enrolment(teacher, course_with_lessons):
    course = course_with_lessons(1)

    with pytest.raises(ValidationError):
        services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])

    assert not LessonProgress.objects.exists()


def test_completing_every_lesson_completes_course_and_earns_hours_once(
    teacher, course_with_lessons
):
    course = course_with_lessons(2, credit_hours=Decimal("4.5"))
    services.enrolment_create(user=teacher, course=course)

    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])
    assert CourseCompletion.objects.get(user=teacher).status == IN_PROGRESS
    assert not HoursEntry.objects.exists()
    services.lesson_mark_complete(user=teacher, lesson=course.lessons[1])

    completion = CourseCompletion.objects.get(user=teacher)
    assert completion.status == DONE
    assert completion.completed_at is not None
    assert (completion.lessons_completed, completion.lessons_total) == (2, 2)
    entry = HoursEntry.objects.get(user=teacher)
    assert (entry.hours, entry.source, entry.course) == (
        Decimal("4.5"),
        HoursEntry.Source.COURSE,
        course,
    )


def test_marking_again_or_recomputing_writes_no_second_hours_entry(
    teacher, course_with_lessons
):
    course = course_with_lessons(1)
    services.enrolment_create(user=teacher, course=course)
    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])
    completed_at = CourseCompletion.objects.get(user=teacher).completed_at

    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])
    services.course_completion_recompute(user=teacher, course=course)

    assert HoursEntry.objects.filter(user=teacher).count() == 1
    assert LessonProgress.objects.filter(user=teacher).count() == 1
    assert CourseCompletion.objects.get(user=teacher).completed_at == completed_at


def test_percent_rule_completes_course_at_its_share_of_lessons(
    teacher, course_with_lessons
):
    course = course_with_lessons(
        4,
        completion_rule=CoursePage.CompletionRule.PERCENT,
        completion_percent=50,
    )
    services.enrolment_create(user=teacher, course=course)

    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])
    assert CourseCompletion.objects.get(user=teacher).status == IN_PROGRESS
    services.lesson_mark_complete(user=teacher, lesson=course.lessons[3])

    assert CourseCompletion.objects.get(user=teacher).status == DONE
    assert HoursEntry.objects.filter(user=teacher).count() == 1


@pytest.mark.django_db  # building a page looks up the default locale
@pytest.mark.parametrize(
    ("percent", "total", "needed"),
    [(50, 4, 2), (50, 3, 2), (1, 6, 1), (100, 6, 6), (34, 3, 2)],
)
def test_percent_rule_rounds_the_lessons_needed_up(percent, total, needed):
    course = CoursePage(
        completion_rule=CoursePage.CompletionRule.PERCENT, completion_percent=percent
    )

    assert course.completed_lessons_needed(total) == needed


def test_unpublished_lessons_do_not_count(teacher, course_with_lessons, add_lesson):
    course = course_with_lessons(1)
    add_lesson(course, live=False)
    services.enrolment_create(user=teacher, course=course)

    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])

    completion = CourseCompletion.objects.get(user=teacher)
    assert (completion.status, completion.lessons_total) == (DONE, 1)


def test_course_completion_is_kept_when_lessons_are_added_later(
    teacher, course_with_lessons, add_lesson
):
    course = course_with_lessons(1)
    services.enrolment_create(user=teacher, course=course)
    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])
    add_lesson(course)

    completion = services.course_completion_recompute(user=teacher, course=course)

    assert (completion.status, completion.lessons_total) == (DONE, 2)
    assert HoursEntry.objects.filter(user=teacher).count() == 1


# Reflections -------------------------------------------------------------------


@pytest.fixture
def reflective(teacher, course_with_lessons):
    """A course whose only lesson completes by reflection; the teacher is enrolled."""
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)
    return course.lessons[0]


def test_reflection_lesson_cannot_be_marked_done(teacher, reflective):
    with pytest.raises(ValidationError):
        services.lesson_mark_complete(user=teacher, lesson=reflective)

    assert not LessonProgress.objects.filter(status="completed").exists()


def test_reflection_shorter_than_asked_is_refused(teacher, reflective):
    with pytest.raises(ValidationError):
        services.reflection_submit(
            user=teacher, lesson=reflective, block_id=PROMPT_ID, text="  太短了  "
        )

    assert not Reflection.objects.exists()


def test_reflection_for_unknown_prompt_is_refused(teacher, reflective):
    with pytest.raises(ValidationError):
        services.reflection_submit(
            user=teacher, lesson=reflective, block_id="nope", text=LONG_ENOUGH
        )


def test_reflection_needs_an_enrolment(principal, reflective):
    with pytest.raises(ValidationError):
        services.reflection_submit(
            user=principal, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
        )


def test_submitting_a_reflection_starts_the_lesson(teacher, reflective):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )

    assert reflection.status == "submitted"
    assert LessonProgress.objects.get(user=teacher).status == "started"


def test_accepted_reflection_completes_lesson_and_course(teacher, trainer, reflective):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )

    services.reflection_review(reflection=reflection, reviewer=trainer, accept=True)

    reflection.refresh_from_db()
    assert (reflection.status, reflection.reviewed_by) == ("accepted", trainer)
    assert LessonProgress.objects.get(user=teacher).status == "completed"
    assert CourseCompletion.objects.get(user=teacher).status == DONE
    assert HoursEntry.objects.filter(user=teacher).count() == 1


def test_returning_a_reflection_needs_feedback(teacher, trainer, reflective):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )

    with pytest.raises(ValidationError):
        services.reflection_review(
            reflection=reflection, reviewer=trainer, accept=False, feedback="  "
        )

    assert Reflection.objects.get(pk=reflection.pk).status == "submitted"


def test_returned_reflection_can_be_revised_and_resubmitted(
    teacher, trainer, reflective
):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )
    services.reflection_review(
        reflection=reflection, reviewer=trainer, accept=False, feedback="请举一个例子"
    )
    assert Reflection.objects.get(pk=reflection.pk).status == "returned"
    assert LessonProgress.objects.get(user=teacher).status == "started"

    again = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH + "例如"
    )

    assert again.pk == reflection.pk
    assert (again.status, again.text) == ("submitted", LONG_ENOUGH + "例如")


def test_accepted_reflection_cannot_be_resubmitted(teacher, trainer, reflective):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )
    services.reflection_review(reflection=reflection, reviewer=trainer, accept=True)

    with pytest.raises(ValidationError):
        services.reflection_submit(
            user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
        )

    assert Reflection.objects.get(pk=reflection.pk).text == LONG_ENOUGH


def test_reflection_can_be_reviewed_only_once(teacher, trainer, reflective):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )
    services.reflection_review(reflection=reflection, reviewer=trainer, accept=True)

    with pytest.raises(ValidationError):
        services.reflection_review(
            reflection=reflection, reviewer=trainer, accept=False, feedback="再改改"
        )


# Track completion --------------------------------------------------------------


@pytest.fixture
def track_setup(teacher, course_with_lessons, make_track):
    """Two required courses (2 + 3 hours), two electives (2 + 4 hours), at least
    4 elective hours; the teacher is enrolled. Returns a builder taking the
    track's minimum placement days."""

    def build(min_placement_days=0):
        required = [
            course_with_lessons(1, credit_hours=Decimal("2.0")),
            course_with_lessons(1, credit_hours=Decimal("3.0")),
        ]
        electives = [
            course_with_lessons(1, credit_hours=Decimal("2.0"), kind="elective"),
            course_with_lessons(1, credit_hours=Decimal("4.0"), kind="elective"),
        ]
        track = make_track(
            required=required,
            electives=electives,
            min_elective_hours=Decimal("4.0"),
            min_placement_days=min_placement_days,
        )
        services.track_enrol(track=track, users=[teacher])
        return track, required, electives

    return build


def _track_row(user, track):
    return TrackCompletion.objects.get(user=user, track=track)


def test_track_enrolment_creates_a_not_started_completion_row(teacher, track_setup):
    track, _required, _electives = track_setup()

    row = _track_row(teacher, track)

    assert row.status == "not_started"
    assert (row.required_completed, row.required_total) == (0, 2)
    assert (row.hours_earned, row.hours_needed) == (Decimal("0"), Decimal("9.0"))
    assert row.elective_hours_needed == Decimal("4.0")


def test_track_completes_with_required_courses_and_enough_elective_hours(
    teacher, track_setup, complete_course
):
    track, required, electives = track_setup()
    for course in required:
        complete_course(teacher, course)
    assert _track_row(teacher, track).status == IN_PROGRESS

    complete_course(teacher, electives[1])

    row = _track_row(teacher, track)
    assert row.status == DONE
    assert row.completed_at is not None
    assert (row.hours_earned, row.hours_needed) == (Decimal("9.0"), Decimal("9.0"))
    assert row.percent == 100


def test_track_is_not_complete_while_elective_hours_are_short(
    teacher, track_setup, complete_course
):
    track, required, electives = track_setup()
    for course in required:
        complete_course(teacher, course)

    complete_course(teacher, electives[0])

    row = _track_row(teacher, track)
    assert row.status == IN_PROGRESS
    assert row.elective_hours == Decimal("2.0")
    assert (row.hours_earned, row.hours_needed) == (Decimal("7.0"), Decimal("9.0"))


def test_track_is_not_complete_while_a_required_course_is_open(
    teacher, track_setup, complete_course
):
    track, required, electives = track_setup()
    complete_course(teacher, required[0])
    for course in electives:
        complete_course(teacher, course)

    row = _track_row(teacher, track)
    assert row.status == IN_PROGRESS
    assert (row.required_completed, row.required_total) == (1, 2)
    assert row.elective_hours == Decimal("6.0")
    assert row.hours_earned == Decimal("8.0")


def test_track_needing_placement_days_is_not_complete_without_them(
    teacher, track_setup, complete_course
):
    track, required, electives = track_setup(min_placement_days=3)

    for course in [*required, *electives]:
        complete_course(teacher, course)

    row = _track_row(teacher, track)
    assert row.status == IN_PROGRESS
    assert (row.placement_days, row.placement_days_needed) == (0, 3)


def test_track_completion_is_kept_once_reached(
    teacher, track_setup, complete_course, course_with_lessons
):
    track, required, electives = track_setup()
    for course in [*required, electives[1]]:
        complete_course(teacher, course)
    completed_at = _track_row(teacher, track).completed_at
    TrackCourse.objects.create(track=track, course=course_with_lessons(1))

    row = services.track_completion_recompute(user=teacher, track=track)

    assert row.status == DONE
    assert row.completed_at == completed_at
    assert (row.required_completed, row.required_total) == (2, 3)


def test_track_without_courses_left_to_do_completes_on_enrolment(
    teacher, course_with_lessons, make_track, complete_course
):
    course = course_with_lessons(1)
    complete_course(teacher, course)
    track = make_track(required=[course])

    services.track_enrol(track=track, users=[teacher])

    assert _track_row(teacher, track).status == DONE


def test_track_enrol_again_leaves_an_office_withdrawal_in_place(
    teacher, course_with_lessons, make_track
):
    course = course_with_lessons(1)
    track = make_track(required=[course])
    services.track_enrol(track=track, users=[teacher])
    enrolment = Enrolment.objects.get(user=teacher, course=course)
    services.enrolment_withdraw(enrolment=enrolment, by_office=True)

    services.track_enrol(track=track, users=[teacher])

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.withdrawn_at is not None


def test_track_enrol_gives_each_required_course_a_not_started_completion_row(
    teacher, course_with_lessons, make_track
):
    course = course_with_lessons(3)
    track = make_track(required=[course])

    services.track_enrol(track=track, users=[teacher])

    row = CourseCompletion.objects.get(user=teacher, course=course)
    assert (row.status, row.lessons_completed, row.lessons_total) == (
        "not_started",
        0,
        3,
    )


def test_opening_a_lesson_puts_the_track_in_progress(
    client, teacher, course_with_lessons, make_track
):
    course = course_with_lessons(2)
    track = make_track(required=[course])
    services.track_enrol(track=track, users=[teacher])
    assert _track_row(teacher, track).status == "not_started"
    client.force_login(teacher)

    lesson = LessonPage.objects.child_of(course).live().first()
    assert client.get(lesson.url).status_code == 200

    assert _track_row(teacher, track).status == IN_PROGRESS


def test_reviewing_a_reflection_keeps_its_submission_time(teacher, trainer, reflective):
    reflection = services.reflection_submit(
        user=teacher, lesson=reflective, block_id=PROMPT_ID, text=LONG_ENOUGH
    )
    submitted_at = timezone.now() - datetime.timedelta(days=3)
    Reflection.objects.filter(pk=reflection.pk).update(submitted_at=submitted_at)

    services.reflection_review(reflection=reflection, reviewer=trainer, accept=True)

    assert Reflection.objects.get(pk=reflection.pk).submitted_at == submitted_at
