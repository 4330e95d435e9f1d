import pytest
from django.urls import reverse

from people.models import Role, School
from tests.factories import (
    PASSWORD,
    CohortFactory,
    PairingFactory,
    ProfileFactory,
    SchoolFactory,
    UserFactory,
)
from tests.fixtures.people import totp_now

# Role fixtures are requested by name at run time, so mark the database use here.
pytestmark = pytest.mark.django_db

ME, SCHOOL, OFFICE, CMS = "/me/", "/school/", "/office/", "/cms/"
SCHOOL_REPORT, OFFICE_REPORT = "/reports/school/", "/reports/office/"


@pytest.mark.parametrize(
    ("role_fixture", "start_page"),
    [
        ("teacher", "/learn/"),
        ("mentor", "/placements/mentees/"),
        ("principal", SCHOOL_REPORT),
        ("trainer", CMS),
        ("office", OFFICE),
        ("admin_user", OFFICE),
    ],
)
def test_each_role_lands_on_its_start_page_after_login(
    client, request, role_fixture, start_page
):
    user = request.getfixturevalue(role_fixture)

    response = client.post(
        reverse("account_login"),
        {"login": user.username, "password": PASSWORD},
        follow=True,
    )
    if role_fixture in ("office", "admin_user"):
        # They sign in with two-factor authentication (tests/security).
        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_now()}, follow=True
        )

    assert response.redirect_chain[0] == ("/start/", 302)
    assert response.redirect_chain[-1] == (start_page, 302)
    assert response.status_code == 200
    assert response.wsgi_request.user == user


def test_user_without_profile_lands_on_own_page(client, db):
    client.force_login(UserFactory())

    response = client.get("/start/")

    assert response.status_code == 302
    assert response.url == ME


@pytest.mark.parametrize("path", [ME, SCHOOL, OFFICE, "/start/"])
def test_anonymous_is_sent_to_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={path}"


def test_own_page_shows_name_school_cohorts_and_host_school(client, teacher):
    cohort = CohortFactory(name="2020 种子教师")
    cohort.members.add(teacher)
    host = SchoolFactory(kind=School.Kind.HOST, name="乐山市实验小学")
    PairingFactory(supported_school=teacher.profile.school, host_school=host)
    client.force_login(teacher)

    response = client.get(ME)

    html = response.content.decode()
    assert response.status_code == 200
    assert teacher.name in html
    assert teacher.profile.school.name in html
    assert "2020 种子教师" in html
    assert "乐山市实验小学" in html


def test_mentor_page_lists_the_schools_their_school_supports(client, mentor, school):
    PairingFactory(supported_school=school, host_school=mentor.profile.school)
    client.force_login(mentor)

    response = client.get(ME)

    assert response.status_code == 200
    assert school.name in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["teacher", "mentor", "trainer"])
def test_school_staff_page_is_forbidden_to_non_principals(
    client, request, role_fixture
):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get(SCHOOL).status_code == 403


@pytest.mark.parametrize("role_fixture", ["teacher", "principal", "mentor", "trainer"])
def test_office_page_is_forbidden_outside_the_office(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get(OFFICE).status_code == 403


def test_principal_sees_only_own_school_staff(client, principal, other_school):
    colleague = ProfileFactory(school=principal.profile.school, user__name="吉克伍呷")
    stranger = ProfileFactory(school=other_school, user__name="外校老师")
    client.force_login(principal)

    response = client.get(SCHOOL)

    html = response.content.decode()
    assert response.status_code == 200
    assert {p.pk for p in response.context["staff"]} == {
        principal.profile.pk,
        colleague.pk,
    }
    assert colleague.user.name in html
    assert stranger.user.name not in html
    assert other_school.name not in html


def test_principal_sees_staff_of_schools_they_also_lead(client, principal):
    led = SchoolFactory(kind=School.Kind.TEACHING_POINT)
    principal.profile.supervised_schools.add(led)
    far_teacher = ProfileFactory(school=led, user__name="教学点老师")
    client.force_login(principal)

    everyone = client.get(SCHOOL)
    only_led = client.get(SCHOOL, {"school": led.pk})

    assert far_teacher.user.name in everyone.content.decode()
    assert [p.pk for p in only_led.context["staff"]] == [far_teacher.pk]
    assert only_led.context["selected"] == led


def test_principal_gets_404_for_another_school(client, principal, other_school):
    ProfileFactory(school=other_school)
    client.force_login(principal)

    response = client.get(SCHOOL, {"school": other_school.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "-1", "99999"])
def test_principal_gets_404_for_a_malformed_or_unknown_school(client, principal, value):
    client.force_login(principal)

    assert client.get(SCHOOL, {"school": value}).status_code == 404


def test_office_can_open_any_school(client, office, school, other_school):
    staff = ProfileFactory(school=other_school, user__name="外校老师")
    ProfileFactory(school=school, user__name="本校老师")
    client.force_login(office)

    response = client.get(SCHOOL, {"school": other_school.pk})

    assert response.status_code == 200
    assert [p.pk for p in response.context["staff"]] == [staff.pk]
    assert "本校老师" not in response.content.decode()


def test_office_page_lists_supported_and_host_schools(client, office, school):
    host = SchoolFactory(kind=School.Kind.HOST, name="乐山市实验中学")
    PairingFactory(supported_school=school, host_school=host)
    ProfileFactory(school=school, role=Role.TEACHER, is_seed_teacher=True)
    client.force_login(office)

    response = client.get(OFFICE)

    html = response.content.decode()
    assert response.status_code == 200
    assert school.name in html
    assert "乐山市实验中学" in html
    assert f'href="{SCHOOL}?school={school.pk}"' in html
    [row] = [s for s in response.context["supported_schools"] if s.pk == school.pk]
    assert (row.staff_count, row.seed_teacher_count) == (1, 1)


def _nav_links(response):
    return {item["url"] for item in response.context["nav_items"]}


ROLE_PAGES = {ME, SCHOOL_REPORT, OFFICE, OFFICE_REPORT, CMS, "/django-admin/"}


@pytest.mark.parametrize(
    ("role_fixture", "links"),
    [
        ("teacher", {"/", ME}),
        ("mentor", {"/", ME}),
        ("principal", {"/", ME, SCHOOL_REPORT}),
        ("trainer", {"/", ME, CMS}),
        ("office", {"/", ME, OFFICE, OFFICE_REPORT, CMS}),
        ("admin_user", {"/", ME, OFFICE, OFFICE_REPORT, CMS, "/django-admin/"}),
    ],
)
def test_navigation_shows_each_role_only_its_links(
    client, request, role_fixture, links
):
    client.force_login(request.getfixturevalue(role_fixture))

    response = client.get(ME)

    html = response.content.decode()
    assert _nav_links(response) & (ROLE_PAGES | {"/"}) == links
    for url in ROLE_PAGES - links:
        assert f'href="{url}"' not in html
    for url in links:
        assert f'href="{url}"' in html


def test_navigation_for_anonymous_shows_no_role_pages(client, db):
    response = client.get(reverse("account_login"))

    assert "/" in _nav_links(response)
    assert not _nav_links(response) & ROLE_PAGES


def test_navigation_marks_the_current_page(client, principal):
    client.force_login(principal)

    response = client.get(SCHOOL_REPORT)

    active = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert active == [SCHOOL_REPORT]
    assert f'href="{SCHOOL_REPORT}" aria-current="page"' in response.content.decode()


def _add_staff(school, count):
    cohort = CohortFactory()
    for profile in ProfileFactory.create_batch(count, school=school):
        cohort.members.add(profile.user)


@pytest.mark.parametrize("staff_count", [3, 30])
def test_school_staff_page_query_count_does_not_grow_with_staff(
    client, principal, staff_count, django_assert_num_queries
):
    _add_staff(principal.profile.school, staff_count)
    client.force_login(principal)

    # 8 whatever the number of staff: session, user (with profile and
    # school), the user's and their groups' permissions, the staff with users
    # and schools joined, their cohorts (one prefetch), the list of visible
    # schools for the filter, and the catalog's URL (nav); permissions and
    # URL are then kept in the cache.
    with django_assert_num_queries(8):
        response = client.get(SCHOOL)

    assert len(response.context["staff"]) == staff_count + 1


@pytest.mark.parametrize("school_count", [3, 30])
def test_office_page_query_count_does_not_grow_with_schools(
    client, office, school_count, django_assert_num_queries
):
    host = SchoolFactory(kind=School.Kind.HOST)
    for school in SchoolFactory.create_batch(school_count):
        PairingFactory(supported_school=school, host_school=host)
        _add_staff(school, 2)
    client.force_login(office)

    # 9 whatever the number of schools: session, user (with profile), the
    # user's and their groups' permissions, supported schools with counts
    # annotated plus one prefetch of their host pairings, host schools with
    # mentor counts plus one prefetch of their pairings, and the catalog's
    # URL (navigation); permissions and URL are then kept in the cache.
    with django_assert_num_queries(9):
        response = client.get(OFFICE)

    assert response.status_code == 200
    assert len(response.context["supported_schools"]) == school_count
