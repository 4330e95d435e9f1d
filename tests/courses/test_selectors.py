from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from courses import selectors, services
from courses.models import LessonPage, Reflection
from tests.factories import HoursEntryFactory, UserFactory
from tests.fixtures.pages import PROMPT_ID

LONG_ENOUGH = "我会每周和留守儿童谈一次心，记录他们的变化。"
NO_FILTERS = QueryDict()


def test_lesson_counts_counts_live_lessons_per_course(
    course_with_lessons, add_lesson, django_assert_num_queries
):
    three = course_with_lessons(3)
    add_lesson(three, live=False)
    one = course_with_lessons(1)
    empty = course_with_lessons(0)

    with django_assert_num_queries(1):  # one grouped query over the page tree
        counts = selectors.lesson_counts([three, one, empty])

    assert counts == {three.pk: 3, one.pk: 1}


def test_lesson_counts_of_no_courses_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.lesson_counts([]) == {}


def test_next_lesson_is_the_first_not_completed(teacher, course_with_lessons):
    course = course_with_lessons(3)
    services.enrolment_create(user=teacher, course=course)
    services.lesson_mark_complete(user=teacher, lesson=course.lessons[0])
    services.lesson_visit(user=teacher, lesson=course.lessons[2])

    context = selectors.course_page_context(course=course, user=teacher)

    assert context["next_lesson"] == course.lessons[1]
    assert [s.status for s in context["lesson_states"]] == ["completed", "", "started"]


def test_next_lesson_is_none_when_every_lesson_is_done(teacher, course_with_lessons):
    course = course_with_lessons(2)
    services.enrolment_create(user=teacher, course=course)
    for lesson in course.lessons:
        services.lesson_mark_complete(user=teacher, lesson=lesson)

    context = selectors.course_page_context(course=course, user=teacher)

    assert context["next_lesson"] is None
    assert context["completion"].status == "completed"


def test_course_page_context_for_anonymous_visitor(course_with_lessons, catalog):
    course = course_with_lessons(2)

    context = selectors.course_page_context(course=course, user=AnonymousUser())

    assert context["enrolment"] is None
    assert context["next_lesson"] is None
    assert context["catalog"] == {"url": catalog.url, "title": catalog.title}
    assert [s.status for s in context["lesson_states"]] == ["", ""]


def test_catalog_for_anonymous_visitor_has_no_enrolments(catalog, course_with_lessons):
    course = course_with_lessons(1)

    context = selectors.catalog_for(
        index=catalog, user=AnonymousUser(), params=NO_FILTERS
    )

    assert context["courses"] == [course]
    assert (context["enrolled_ids"], context["completions"]) == (set(), {})


def test_catalog_for_leaves_out_withdrawn_enrolments(
    teacher, catalog, course_with_lessons
):
    kept, dropped = course_with_lessons(1), course_with_lessons(1)
    services.enrolment_create(user=teacher, course=kept)
    services.enrolment_withdraw(
        enrolment=services.enrolment_create(user=teacher, course=dropped)
    )

    context = selectors.catalog_for(index=catalog, user=teacher, params=NO_FILTERS)

    assert context["enrolled_ids"] == {kept.pk}
    assert set(context["completions"]) == {kept.pk, dropped.pk}


def test_lesson_page_context_links_neighbouring_lessons(teacher, course_with_lessons):
    course = course_with_lessons(3)
    first, middle, last = course.lessons

    context = selectors.lesson_page_context(lesson=middle, user=teacher)

    assert (context["previous_lesson"], context["following_lesson"]) == (first, last)
    assert context["course"] == course
    edge = selectors.lesson_page_context(lesson=first, user=teacher)
    assert edge["previous_lesson"] is None


def test_lesson_page_context_lets_only_enrolled_teachers_and_editors_study(
    teacher, principal, trainer, course_with_lessons
):
    course = course_with_lessons(1)
    services.enrolment_create(user=teacher, course=course)
    lesson = course.lessons[0]

    def can_study(user):
        return selectors.lesson_page_context(lesson=lesson, user=user)["can_study"]

    assert can_study(teacher)
    assert can_study(trainer)
    assert not can_study(principal)
    assert not can_study(AnonymousUser())


def test_lesson_page_context_holds_the_teachers_own_reflections(
    teacher, course_with_lessons
):
    course = course_with_lessons(1, reflection_lessons=1)
    lesson = course.lessons[0]
    services.enrolment_create(user=teacher, course=course)
    mine = services.reflection_submit(
        user=teacher, lesson=lesson, block_id=PROMPT_ID, text=LONG_ENOUGH
    )
    other = UserFactory()
    Reflection.objects.create(
        user=other, lesson=lesson, block_id=PROMPT_ID, text=LONG_ENOUGH
    )

    context = selectors.lesson_page_context(lesson=lesson, user=teacher)

    assert context["reflections"] == {PROMPT_ID: mine}
    assert context["lesson_status"] == "started"


def test_my_learning_sorts_required_courses_into_open_and_locked(
    teacher, course_with_lessons, make_track
):
    basics = course_with_lessons(1)
    advanced = course_with_lessons(1, prerequisites=[basics])
    elective = course_with_lessons(1)
    track = make_track(required=[basics, advanced], electives=[elective])
    services.track_enrol(track=track, users=[teacher])

    [summary] = selectors.my_learning(teacher)["tracks"]

    assert [course for course, _state in summary.open_required] == [basics]
    assert summary.locked_required == [advanced]
    assert [(course, done) for course, _s, done in summary.electives] == [
        (elective, False)
    ]
    assert summary.next_course == basics


def test_my_learning_moves_finished_courses_out_of_the_open_list(
    teacher, course_with_lessons, make_track, complete_course
):
    basics = course_with_lessons(1)
    advanced = course_with_lessons(1, prerequisites=[basics])
    elective = course_with_lessons(1)
    track = make_track(required=[basics, advanced], electives=[elective])
    services.track_enrol(track=track, users=[teacher])
    complete_course(teacher, basics)
    complete_course(teacher, elective)

    [summary] = selectors.my_learning(teacher)["tracks"]

    assert [course for course, _state in summary.open_required] == [advanced]
    assert summary.locked_required == []
    assert [(course, done) for course, _s, done in summary.electives] == [
        (elective, True)
    ]


def test_my_learning_lists_other_active_courses_and_the_ledger(
    teacher, course_with_lessons, make_track, complete_course
):
    in_track = course_with_lessons(1)
    services.track_enrol(track=make_track(required=[in_track]), users=[teacher])
    other = course_with_lessons(1)
    dropped = course_with_lessons(1)
    complete_course(teacher, other)
    services.enrolment_withdraw(
        enrolment=services.enrolment_create(user=teacher, course=dropped)
    )
    adjustment = HoursEntryFactory(user=teacher)

    context = selectors.my_learning(teacher)

    assert [course for course, _state in context["other_courses"]] == [other]
    assert {e.pk for e in context["ledger"]} == {
        adjustment.pk,
        *teacher.hours_entries.filter(course=other).values_list("pk", flat=True),
    }


def test_pending_reflections_are_the_submitted_ones_for_editors_only(
    teacher, trainer, principal, course_with_lessons
):
    course = course_with_lessons(2, reflection_lessons=2)
    services.enrolment_create(user=teacher, course=course)
    waiting, reviewed = (
        services.reflection_submit(
            user=teacher, lesson=lesson, block_id=PROMPT_ID, text=LONG_ENOUGH
        )
        for lesson in course.lessons
    )
    services.reflection_review(reflection=reviewed, reviewer=trainer, accept=True)

    assert list(selectors.pending_reflections_for(trainer)) == [waiting]
    assert list(selectors.pending_reflections_for(principal)) == []
    assert list(selectors.pending_reflections_for(teacher)) == []


def test_catalog_url_is_none_until_the_catalog_exists(db):
    assert selectors.catalog_url() is None


def test_catalog_url_points_at_the_live_catalog(catalog):
    assert selectors.catalog_url() == catalog.url


# Query budgets -----------------------------------------------------------------
# learning_world runs each test at two sizes (2 courses x 2 lessons; 8 courses x
# 6 lessons with many enrolments, progress rows, reflections and ledger lines):
# each selector must run the same number of queries for both.


def test_catalog_for_query_budget(
    teacher, catalog, learning_world, django_assert_num_queries
):
    # Categories, whether the site has any view restriction (then kept in the
    # cache), courses, lesson counts, the teacher's enrolments and
    # completions.
    with django_assert_num_queries(6):
        context = selectors.catalog_for(index=catalog, user=teacher, params=NO_FILTERS)
        len(context["courses"])

    assert set(context["lesson_counts"]) == {c.pk for c in learning_world.courses}


def test_course_page_context_query_budget(
    teacher, learning_world, django_assert_num_queries
):
    # Lessons with the teacher's status of each, prerequisites, the catalog's
    # link (its page and the site's root paths for its URL: then kept in the
    # cache), enrolment, completion, the prerequisites' completions, whether
    # a track asks for the course.
    with django_assert_num_queries(8):
        context = selectors.course_page_context(
            course=learning_world.focus, user=teacher
        )

    assert context["missing_prerequisites"] == []


def test_lesson_page_context_query_budget(
    teacher, learning_world, django_assert_num_queries
):
    # Course (with whether the teacher is enrolled), lessons with the
    # teacher's status of each, reflections; an enrolled teacher needs no
    # page-permission check.
    with django_assert_num_queries(3):
        context = selectors.lesson_page_context(
            lesson=learning_world.focus.lessons[-1], user=teacher
        )

    assert context["can_study"]


def test_my_learning_query_budget(teacher, learning_world, django_assert_num_queries):
    # Track completions (with tracks), track courses (with courses), enrolments
    # (with courses), course completions, ledger (with courses), open
    # reflections (with lessons).
    with django_assert_num_queries(6):
        context = selectors.my_learning(teacher)

    assert len(context["tracks"]) == len(learning_world.tracks)


def test_pending_reflections_query_budget(
    trainer, learning_world, django_assert_num_queries
):
    # The trainer's page permissions, then the reflections joined to their
    # user, profile, school and lesson.
    with django_assert_num_queries(2):
        reflections = list(selectors.pending_reflections_for(trainer))
        [(r.user.profile.school.name, r.lesson.title) for r in reflections]

    assert len(reflections) > 1


def test_my_learning_continues_the_started_course_before_opening_a_new_one(
    teacher, course_with_lessons, make_track
):
    first = course_with_lessons(2)
    second = course_with_lessons(2)
    track = make_track(required=[first, second])
    services.track_enrol(track=track, users=[teacher])
    lesson = LessonPage.objects.child_of(second).live().first()
    services.lesson_visit(user=teacher, lesson=lesson)

    [summary] = selectors.my_learning(teacher)["tracks"]

    assert summary.next_course == second
