import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission

from courses import services
from courses.models import (
    CourseCompletion,
    Enrolment,
    HoursEntry,
    LessonProgress,
    Reflection,
    TrackEnrolment,
)
from courses.models.learning import Source
from people.models import Role
from tests.factories import (
    CohortFactory,
    CourseCategoryFactory,
    ProfileFactory,
    SchoolFactory,
    UserFactory,
)
from tests.fixtures.pages import LESSON_TEXT, PROMPT_ID

# Role fixtures are requested by name at run time, so mark the database use here.
pytestmark = pytest.mark.django_db

LONG_ENOUGH = "我会每周和留守儿童谈一次心，记录他们的变化。"


def _complete_url(lesson):
    return reverse("courses:lesson_complete", args=[lesson.pk])


def _reflect_url(lesson, block_id=PROMPT_ID):
    return reverse("courses:reflection_submit", args=[lesson.pk, block_id])


def _review_url(reflection):
    return reverse("courses_reflection_review", args=[reflection.pk])


@pytest.fixture
def enrolled(client, teacher, course_with_lessons):
    """A two-lesson course the signed-in teacher is enrolled in."""
    course = course_with_lessons(2)
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)
    return course


# Catalog -----------------------------------------------------------------------


def test_anonymous_visitor_sees_the_catalog(client, catalog, course_with_lessons):
    course = course_with_lessons(1, title="师德师风建设")

    response = client.get(catalog.url)

    assert response.status_code == 200
    assert response.context["courses"] == [course]
    assert "师德师风建设" in response.content.decode()


def test_catalog_lists_only_live_courses(client, catalog, course_with_lessons):
    live = course_with_lessons(1)
    draft = course_with_lessons(1, title="草稿课程")
    draft.unpublish()

    response = client.get(catalog.url)

    assert response.context["courses"] == [live]
    assert "草稿课程" not in response.content.decode()


def test_catalog_shows_live_lesson_counts(
    client, catalog, course_with_lessons, add_lesson
):
    course = course_with_lessons(3)
    add_lesson(course, live=False)

    response = client.get(catalog.url)

    assert response.context["lesson_counts"] == {course.pk: 3}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("category", "ict"),
        ("kind", "elective"),
        ("audience", "principals"),
        ("delivery", "blended"),
    ],
)
def test_catalog_filters_by_get_parameter(
    client, catalog, course_with_lessons, param, value
):
    ict = CourseCategoryFactory(code="ict", name="信息技术应用能力提升工程2.0")
    course_with_lessons(1)  # all defaults: ethics, required, all, online
    differing = {"category": ict} if param == "category" else {param: value}
    wanted = course_with_lessons(1, **differing)

    response = client.get(catalog.url, {param: value})

    assert response.context["courses"] == [wanted]
    assert response.context["selected"] == {param: value}


def test_catalog_combines_filters(client, catalog, course_with_lessons):
    course_with_lessons(1, kind="elective", delivery="online")
    course_with_lessons(1, kind="required", delivery="blended")
    wanted = course_with_lessons(1, kind="elective", delivery="blended")

    response = client.get(catalog.url, {"kind": "elective", "delivery": "blended"})

    assert response.context["courses"] == [wanted]


def test_catalog_ignores_unknown_filter_values(client, catalog, course_with_lessons):
    courses = [course_with_lessons(1), course_with_lessons(1)]

    response = client.get(
        catalog.url,
        {"category": "nope", "kind": "x", "audience": "", "delivery": "'; --"},
    )

    assert response.status_code == 200
    assert response.context["courses"] == courses
    assert response.context["selected"] == {}


def test_catalog_marks_the_teachers_enrolled_courses(client, enrolled, catalog):
    response = client.get(catalog.url)

    assert response.context["enrolled_ids"] == {enrolled.pk}


# Course page -------------------------------------------------------------------


def test_course_page_offers_enrolment_in_an_open_course(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(2)
    client.force_login(teacher)

    response = client.get(course.url)

    assert response.status_code == 200
    assert reverse("courses:enrol", args=[course.pk]) in response.content.decode()


def test_course_page_closed_to_self_enrolment_offers_no_button(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1, self_enrolment=False)
    client.force_login(teacher)

    response = client.get(course.url)

    assert reverse("courses:enrol", args=[course.pk]) not in response.content.decode()


def test_course_page_names_missing_prerequisites_instead_of_enrolling(
    client, teacher, course_with_lessons
):
    basics = course_with_lessons(1, title="教育教学基本技能")
    advanced = course_with_lessons(1, prerequisites=[basics])
    client.force_login(teacher)

    response = client.get(advanced.url)

    html = response.content.decode()
    assert response.context["missing_prerequisites"] == [basics]
    assert 'class="msg warning"' in html
    assert reverse("courses:enrol", args=[advanced.pk]) not in html


def test_course_page_links_enrolled_teacher_to_the_next_lesson(client, enrolled):
    first, second = enrolled.lessons
    client.post(_complete_url(first))

    response = client.get(enrolled.url)

    assert response.context["next_lesson"] == second
    assert f'class="button" href="{second.url}"' in response.content.decode()


def test_course_page_asks_anonymous_visitor_to_sign_in(client, course_with_lessons):
    course = course_with_lessons(1)

    response = client.get(course.url)

    html = response.content.decode()
    assert reverse("account_login") in html
    assert reverse("courses:enrol", args=[course.pk]) not in html


# Lesson page -------------------------------------------------------------------


def test_lesson_body_is_hidden_from_a_teacher_not_enrolled(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1)
    client.force_login(teacher)

    response = client.get(course.lessons[0].url)

    assert response.status_code == 200
    assert LESSON_TEXT not in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_lesson_body_is_hidden_from_anonymous_visitors(client, course_with_lessons):
    course = course_with_lessons(1)

    response = client.get(course.lessons[0].url)

    assert response.status_code == 200
    assert LESSON_TEXT not in response.content.decode()


def test_enrolled_teacher_reads_the_lesson_body(client, enrolled):
    response = client.get(enrolled.lessons[0].url)

    assert LESSON_TEXT in response.content.decode()


def test_trainer_reads_the_lesson_body_without_enrolling(
    client, trainer, course_with_lessons
):
    course = course_with_lessons(1)
    client.force_login(trainer)

    response = client.get(course.lessons[0].url)

    assert LESSON_TEXT in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_visiting_a_lesson_starts_it_and_the_course(client, teacher, enrolled):
    response = client.get(enrolled.lessons[0].url)

    assert response.status_code == 200
    progress = LessonProgress.objects.get(user=teacher)
    assert (progress.lesson_id, progress.status) == (enrolled.lessons[0].pk, "started")
    assert CourseCompletion.objects.get(user=teacher).status == "in_progress"


def test_visiting_a_lesson_again_keeps_one_progress_row(client, teacher, enrolled):
    client.get(enrolled.lessons[0].url)
    client.get(enrolled.lessons[0].url)

    assert LessonProgress.objects.filter(user=teacher).count() == 1


# Marking lessons done ----------------------------------------------------------


def test_marking_a_lesson_done_moves_on_to_the_next_lesson(client, teacher, enrolled):
    first, second = enrolled.lessons

    response = client.post(_complete_url(first))

    assert response.status_code == 302
    assert response.url == second.url
    assert LessonProgress.objects.get(user=teacher, lesson=first).status == "completed"


def test_marking_every_lesson_done_completes_course_with_one_hours_entry(
    client, teacher, enrolled
):
    for lesson in enrolled.lessons:
        last = client.post(_complete_url(lesson))
    client.post(_complete_url(enrolled.lessons[-1]))

    assert last.url == enrolled.url
    completion = CourseCompletion.objects.get(user=teacher)
    assert completion.status == "completed"
    assert completion.completed_at is not None
    entry = HoursEntry.objects.get(user=teacher)
    assert (entry.hours, entry.source) == (enrolled.credit_hours, "course")


def test_marking_done_without_enrolment_records_nothing(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1)
    client.force_login(teacher)

    response = client.post(_complete_url(course.lessons[0]))

    assert (response.status_code, response.url) == (302, course.lessons[0].url)
    assert not LessonProgress.objects.exists()


def test_reflection_lesson_cannot_be_marked_done_by_hand(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)

    client.post(_complete_url(course.lessons[0]))

    assert not LessonProgress.objects.filter(status="completed").exists()
    assert CourseCompletion.objects.get(user=teacher).status != "completed"


# Reflections -------------------------------------------------------------------


@pytest.fixture
def reflective(client, teacher, course_with_lessons):
    """A one-lesson course that completes by reflection; the teacher is
    enrolled and signed in."""
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)
    client.force_login(teacher)
    return course.lessons[0]


@pytest.fixture
def submitted(client, reflective):
    client.post(_reflect_url(reflective), {"text": LONG_ENOUGH})
    return Reflection.objects.get()


def test_teacher_submits_a_reflection(client, teacher, reflective):
    response = client.post(_reflect_url(reflective), {"text": LONG_ENOUGH})

    assert response.url == f"{reflective.url}#reflection-{PROMPT_ID}"
    reflection = Reflection.objects.get(user=teacher)
    assert (reflection.status, reflection.text) == ("submitted", LONG_ENOUGH)


def test_short_reflection_is_refused(client, reflective):
    client.post(_reflect_url(reflective), {"text": "太短"})

    assert not Reflection.objects.exists()


def test_trainer_opens_a_reflection_to_review(client, trainer, submitted):
    client.force_login(trainer)

    response = client.get(_review_url(submitted))

    assert response.status_code == 200
    assert LONG_ENOUGH in response.content.decode()


def test_trainer_accepts_a_reflection_in_the_admin_and_the_lesson_completes(
    client, teacher, trainer, submitted
):
    client.force_login(trainer)

    response = client.post(_review_url(submitted), {"decision": "accept"})

    assert response.url == reverse("courses_reflection_queue")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == ("accepted", trainer)
    assert LessonProgress.objects.get(user=teacher).status == "completed"
    assert CourseCompletion.objects.get(user=teacher).status == "completed"
    assert HoursEntry.objects.filter(user=teacher).count() == 1


def test_trainer_cannot_return_a_reflection_without_feedback(
    client, trainer, submitted
):
    client.force_login(trainer)

    response = client.post(_review_url(submitted), {"decision": "return"})

    assert response.url == _review_url(submitted)
    assert Reflection.objects.get(pk=submitted.pk).status == "submitted"


def test_returned_reflection_is_resubmitted_by_the_teacher(
    client, teacher, trainer, reflective, submitted
):
    client.force_login(trainer)
    client.post(
        _review_url(submitted), {"decision": "return", "feedback": "请举一个例子"}
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.feedback) == ("returned", "请举一个例子")
    client.force_login(teacher)
    assert "请举一个例子" in client.get(reflective.url).content.decode()

    client.post(_reflect_url(reflective), {"text": LONG_ENOUGH + "例如小明"})

    submitted.refresh_from_db()
    assert (submitted.status, submitted.text) == ("submitted", LONG_ENOUGH + "例如小明")


def test_accepted_reflection_cannot_be_resubmitted(
    client, teacher, trainer, reflective, submitted
):
    services.reflection_review(reflection=submitted, reviewer=trainer, accept=True)

    client.post(_reflect_url(reflective), {"text": LONG_ENOUGH + "改一改"})

    submitted.refresh_from_db()
    assert (submitted.status, submitted.text) == ("accepted", LONG_ENOUGH)


def test_reviewed_reflection_is_no_longer_reviewable(client, trainer, submitted):
    services.reflection_review(reflection=submitted, reviewer=trainer, accept=True)
    client.force_login(trainer)

    assert client.get(_review_url(submitted)).status_code == 404


def test_trainer_sees_waiting_reflections_in_the_queue(client, trainer, submitted):
    client.force_login(trainer)

    response = client.get(reverse("courses_reflection_queue"))

    assert response.status_code == 200
    assert response.context["reflections"] == [submitted]


@pytest.mark.parametrize("role_fixture", ["teacher", "principal", "office"])
def test_people_who_do_not_review_cannot_open_the_reflection_queue(
    client, request, submitted, role_fixture
):
    client.force_login(request.getfixturevalue(role_fixture))

    queue = client.get(reverse("courses_reflection_queue"))
    review = client.post(_review_url(submitted), {"decision": "accept"})

    # The Wagtail admin answers with a redirect (to its login or home page).
    assert queue.status_code in (302, 403)
    assert review.status_code in (302, 403)
    assert Reflection.objects.get(pk=submitted.pk).status == "submitted"


def test_reviewer_sees_only_reflections_in_lessons_they_can_edit(
    client, teacher, course_with_lessons
):
    mine = course_with_lessons(1, reflection_lessons=1)
    theirs = course_with_lessons(1, reflection_lessons=1)
    reflections = {}
    for course in (mine, theirs):
        services.enrolment_create(user=teacher, course=course)
        reflections[course.pk] = services.reflection_submit(
            user=teacher, lesson=course.lessons[0], block_id=PROMPT_ID, text=LONG_ENOUGH
        )
    # A reviewer whose page permissions cover one course only.
    group = Group.objects.create(name="ethics reviewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_reflection"),
    )
    change_page = Permission.objects.get(codename="change_page")
    GroupPagePermission.objects.create(group=group, page=mine, permission=change_page)
    reviewer = UserFactory()
    reviewer.groups.add(group)
    client.force_login(reviewer)

    queue = client.get(reverse("courses_reflection_queue"))
    other = client.get(_review_url(reflections[theirs.pk]))

    assert queue.context["reflections"] == [reflections[mine.pk]]
    assert other.status_code == 404


# Endpoints, login and 404s -----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["courses:enrol", "courses:withdraw", "courses:lesson_complete"]
)
def test_post_only_endpoints_reject_get(client, teacher, enrolled, name):
    lesson = name == "courses:lesson_complete"
    target = enrolled.lessons[0].pk if lesson else enrolled.pk

    response = client.get(reverse(name, args=[target]))

    assert response.status_code == 405
    assert not LessonProgress.objects.filter(status="completed").exists()


def test_reflection_endpoint_rejects_get(client, reflective):
    assert client.get(_reflect_url(reflective)).status_code == 405


def test_teacher_enrols_through_the_course_page(client, teacher, course_with_lessons):
    course = course_with_lessons(1)
    client.force_login(teacher)

    response = client.post(reverse("courses:enrol", args=[course.pk]))

    assert (response.status_code, response.url) == (302, course.url)
    enrolment = Enrolment.objects.get(user=teacher, course=course)
    assert (enrolment.status, enrolment.source) == ("active", Source.SELF)


def test_enrolment_refused_by_the_rules_writes_nothing(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1, self_enrolment=False)
    client.force_login(teacher)

    response = client.post(reverse("courses:enrol", args=[course.pk]))

    assert (response.status_code, response.url) == (302, course.url)
    assert not Enrolment.objects.exists()


def test_enrolling_in_a_course_that_is_not_live_is_not_found(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1)
    course.unpublish()
    client.force_login(teacher)

    response = client.post(reverse("courses:enrol", args=[course.pk]))

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_enrolling_needs_a_signed_in_user(client, course_with_lessons):
    course = course_with_lessons(1)

    response = client.post(reverse("courses:enrol", args=[course.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Enrolment.objects.exists()


def test_teacher_withdraws_through_the_course_page(client, teacher, enrolled):
    response = client.post(reverse("courses:withdraw", args=[enrolled.pk]))

    assert (response.status_code, response.url) == (302, enrolled.url)
    assert Enrolment.objects.get(user=teacher).status == "withdrawn"


def test_teacher_cannot_withdraw_from_a_required_track_course(
    client, teacher, course_with_lessons, make_track
):
    course = course_with_lessons(1)
    services.track_enrol(track=make_track(required=[course]), users=[teacher])
    client.force_login(teacher)

    client.post(reverse("courses:withdraw", args=[course.pk]))

    assert Enrolment.objects.get(user=teacher).is_active


def test_course_page_offers_no_withdrawal_from_a_required_track_course(
    client, teacher, course_with_lessons, make_track
):
    required = course_with_lessons(1)
    services.track_enrol(track=make_track(required=[required]), users=[teacher])
    optional = course_with_lessons(1)
    services.enrolment_create(user=teacher, course=optional)
    client.force_login(teacher)
    withdraw = 'action="{}"'

    required_page = client.get(required.url).content.decode()
    optional_page = client.get(optional.url).content.decode()

    assert withdraw.format(reverse("courses:withdraw", args=[required.pk])) not in (
        required_page
    )
    assert withdraw.format(reverse("courses:withdraw", args=[optional.pk])) in (
        optional_page
    )


def test_my_learning_needs_a_signed_in_user(client, db):
    response = client.get(reverse("courses:my_learning"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_my_learning_shows_tracks_courses_and_ledger(
    client, teacher, course_with_lessons, make_track
):
    required = course_with_lessons(1, title="必修课程")
    other = course_with_lessons(1, title="自选课程")
    track = make_track(required=[required], name="种子教师研修方案")
    services.track_enrol(track=track, users=[teacher])
    services.enrolment_create(user=teacher, course=other)
    services.lesson_mark_complete(user=teacher, lesson=other.lessons[0])
    client.force_login(teacher)

    response = client.get(reverse("courses:my_learning"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [s.completion.track for s in response.context["tracks"]] == [track]
    assert response.context["tracks"][0].next_course == required
    assert "种子教师研修方案" in html
    assert "自选课程" in html
    assert [e.course for e in response.context["ledger"]] == [other]


# Office pages ------------------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["teacher", "principal", "trainer"])
def test_office_track_pages_are_forbidden_to_other_roles(
    client, request, make_track, course_with_lessons, role_fixture
):
    track = make_track(required=[course_with_lessons(1)])
    cohort = CohortFactory()
    client.force_login(request.getfixturevalue(role_fixture))

    listing = client.get(reverse("courses:office_tracks"))
    enrol = client.post(
        reverse("courses:office_track_enrol", args=[track.pk]), {"cohort": cohort.pk}
    )

    assert (listing.status_code, enrol.status_code) == (403, 403)
    assert not TrackEnrolment.objects.exists()


def test_office_lists_tracks_with_enrolment_counts(
    client, office, teacher, make_track, course_with_lessons
):
    track = make_track(required=[course_with_lessons(1)], name="校长研修方案")
    services.track_enrol(track=track, users=[teacher])
    client.force_login(office)

    response = client.get(reverse("courses:office_tracks"))

    assert response.status_code == 200
    assert [(t, t.enrolled) for t in response.context["tracks"]] == [(track, 1)]
    assert "校长研修方案" in response.content.decode()


def test_office_enrols_a_cohort_in_a_track(
    client, office, teacher, principal, make_track, course_with_lessons
):
    course = course_with_lessons(1)
    track = make_track(required=[course])
    cohort = CohortFactory()
    cohort.members.add(teacher, principal)
    outsider = UserFactory()
    ProfileFactory(user=outsider, role=Role.TEACHER, school=SchoolFactory())
    client.force_login(office)
    url = reverse("courses:office_track_enrol", args=[track.pk])
    assert client.get(url).status_code == 200

    preview = client.post(url, {"cohort": cohort.pk})
    assert not TrackEnrolment.objects.exists()
    assert len(preview.context["preview"]["new"]) == 2
    choices = preview.context["preview"]["choices"]
    response = client.post(url, {"cohort": cohort.pk, "confirm": choices})

    assert response.url == reverse("courses:office_tracks")
    members = {teacher.pk, principal.pk}
    assert set(TrackEnrolment.objects.values_list("user_id", flat=True)) == members
    assert (
        set(Enrolment.objects.filter(course=course).values_list("user_id", flat=True))
        == members
    )
    assert TrackEnrolment.objects.get(user=teacher).enrolled_by == office


def test_office_group_enrolment_preview_names_people_outside_the_audience(
    client, office, teacher, make_track, course_with_lessons
):
    track = make_track(required=[course_with_lessons(1)], audience="seed")
    cohort = CohortFactory()
    cohort.members.add(teacher)  # not a seed teacher
    client.force_login(office)

    response = client.post(
        reverse("courses:office_track_enrol", args=[track.pk]), {"cohort": cohort.pk}
    )

    assert response.context["preview"]["misfits"] == [teacher]
    assert teacher.get_full_name() in response.content.decode()
    assert not TrackEnrolment.objects.exists()


def test_a_confirmation_for_other_choices_only_previews_again(
    client, office, teacher, principal, make_track, course_with_lessons
):
    track = make_track(required=[course_with_lessons(1)])
    first, second = CohortFactory(), CohortFactory()
    first.members.add(teacher)
    second.members.add(principal)
    client.force_login(office)
    url = reverse("courses:office_track_enrol", args=[track.pk])
    choices = client.post(url, {"cohort": first.pk}).context["preview"]["choices"]

    response = client.post(url, {"cohort": second.pk, "confirm": choices})

    assert response.status_code == 200
    assert not TrackEnrolment.objects.exists()


def test_office_group_enrolment_needs_a_criterion(
    client, office, teacher, make_track, course_with_lessons
):
    track = make_track(required=[course_with_lessons(1)])
    client.force_login(office)

    response = client.post(
        reverse("courses:office_track_enrol", args=[track.pk]),
        {"cohort": "", "school": "", "role": ""},
    )

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not TrackEnrolment.objects.exists()


# Query budgets -----------------------------------------------------------------
# Each page is requested once to warm the cache (the site, the page at each
# path, permissions, the catalog link: cms.serving, people.backends) and to
# record the lesson visit, then measured. learning_world runs every test at two
# sizes (2 courses x 2 lessons; 8 courses x 6 lessons with many enrolments,
# progress rows, reflections and ledger lines): the pinned number holds for
# both, so none grows with lessons or with the learner's history.
# Shared by every signed-in page: 2 for the session and the user (with their
# profile and school). A Wagtail page costs 1 query: the page itself, in its
# specific form, found by its path; the navigation costs none.


def _measured_get(client, url, django_assert_num_queries, budget):
    client.get(url)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_catalog_query_budget(
    client, teacher, catalog, learning_world, django_assert_num_queries
):
    client.force_login(teacher)
    # 2 session + 1 page + 5 catalog_for (categories, courses, lesson counts,
    # enrolments, completions) = 8.
    response = _measured_get(client, catalog.url, django_assert_num_queries, 8)

    assert len(response.context["courses"]) == len(learning_world.courses)


def test_anonymous_catalog_query_budget(
    client, catalog, learning_world, django_assert_num_queries
):
    # 1 page + 3 catalog_for (no user state) = 4.
    _measured_get(client, catalog.url, django_assert_num_queries, 4)


def test_course_page_query_budget(
    client, teacher, learning_world, django_assert_num_queries
):
    client.force_login(teacher)
    focus = learning_world.focus
    # 2 session + 1 page (with its category) + 6 course_page_context (lessons
    # with the user's status of each, prerequisites, enrolment, completion,
    # the prerequisites' completions, whether a track asks for the course)
    # = 9.
    response = _measured_get(client, focus.url, django_assert_num_queries, 9)

    assert response.context["next_lesson"] == focus.lessons[1]


def test_lesson_page_query_budget(
    client, teacher, learning_world, django_assert_num_queries
):
    client.force_login(teacher)
    lesson = learning_world.focus.lessons[-1]
    # 2 session + 1 page + 3 lesson_page_context (course with its category
    # and whether the user is enrolled, lessons with the user's status of
    # each, reflections); a lesson already started records no visit = 6.
    response = _measured_get(client, lesson.url, django_assert_num_queries, 6)

    assert LESSON_TEXT in response.content.decode()


def test_my_learning_query_budget(
    client, teacher, learning_world, django_assert_num_queries
):
    client.force_login(teacher)
    url = reverse("courses:my_learning")
    # 2 session + 6 my_learning (track completions with tracks, track courses
    # with courses, enrolments with courses, course completions, ledger with
    # courses, open reflections with lessons) + 1 site for {% pageurl %} = 9.
    response = _measured_get(client, url, django_assert_num_queries, 9)

    assert len(response.context["tracks"]) == len(learning_world.tracks)


def test_reflection_queue_query_budget(
    client, trainer, learning_world, django_assert_num_queries
):
    client.force_login(trainer)
    url = reverse("courses_reflection_queue")
    # 2 session + 2 pending_reflections_for (page permissions, reflections
    # joined to user, profile, school and lesson) + 4 Wagtail admin chrome
    # (user profile, locales, collection permissions, explorer root page) = 8.
    response = _measured_get(client, url, django_assert_num_queries, 8)

    assert response.context["reflections"]


def test_a_refused_reflection_comes_back_into_the_form(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)
    lesson = course.lessons[0]
    client.force_login(teacher)
    url = reverse("courses:reflection_submit", args=[lesson.pk, PROMPT_ID])

    client.post(url, {"text": "太短了"})  # the prompt asks for 10 characters
    page = client.get(lesson.url).content.decode()
    again = client.get(lesson.url).content.decode()

    assert ">太短了</textarea>" in page
    assert "太短了" not in again.split("<textarea")[1].split("</textarea>")[0]


def test_an_overlong_reflection_is_refused_with_its_reason(
    client, teacher, course_with_lessons
):
    course = course_with_lessons(1, reflection_lessons=1)
    services.enrolment_create(user=teacher, course=course)
    lesson = course.lessons[0]
    client.force_login(teacher)
    client.cookies["django_language"] = "en"

    response = client.post(
        reverse("courses:reflection_submit", args=[lesson.pk, PROMPT_ID]),
        {"text": "字" * 5001},
        follow=True,
    )

    assert "at most 5000 characters" in response.content.decode()
    assert not Reflection.objects.exists()


@pytest.mark.parametrize(
    "page", ["catalog", "course", "lesson", "h5p_lesson", "my_learning", "home"]
)
def test_nothing_is_queried_twice_in_a_request(
    client,
    teacher,
    catalog,
    learning_world,
    activity_lesson_in_new_course,
    built_package,
    page,
):
    """What depends only on the user, their role or the site (session, user,
    profile, permissions, site, navigation) is asked once per request, and
    no page asks the same thing twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(teacher)
    h5p_lesson = activity_lesson_in_new_course(built_package)
    services.enrolment_create(user=teacher, course=h5p_lesson.get_parent().specific)
    url = {
        "catalog": catalog.url,
        "course": learning_world.focus.url,
        "lesson": learning_world.focus.lessons[-1].url,
        "h5p_lesson": h5p_lesson.url,
        "my_learning": reverse("courses:my_learning"),
        "home": "/",
    }[page]
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    queries = [q["sql"] for q in captured]
    assert len(set(queries)) == len(queries), "\n".join(queries)
