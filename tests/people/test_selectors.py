from people.models import Role, School
from people.selectors import (
    host_schools_overview,
    role_of,
    schools_visible_to,
    staff_of,
    supported_schools_overview,
)
from tests.factories import PairingFactory, ProfileFactory, SchoolFactory, UserFactory


def test_office_sees_every_school(office, school, other_school):
    visible = set(schools_visible_to(office))

    assert visible == set(School.objects.all())
    assert {school, other_school} <= visible


def test_superuser_without_profile_sees_every_school(admin_user, school):
    assert set(schools_visible_to(admin_user)) == set(School.objects.all())


def test_principal_sees_own_and_supervised_schools_only(principal, other_school):
    led = SchoolFactory(kind=School.Kind.TEACHING_POINT)
    principal.profile.supervised_schools.add(led)

    visible = list(schools_visible_to(principal))

    assert sorted(s.pk for s in visible) == sorted(
        [principal.profile.school_id, led.pk]
    )
    assert other_school not in visible


def test_principal_supervising_own_school_sees_it_once(principal):
    principal.profile.supervised_schools.add(principal.profile.school)

    assert list(schools_visible_to(principal)) == [principal.profile.school]


def test_teacher_sees_only_own_school(teacher, other_school):
    assert list(schools_visible_to(teacher)) == [teacher.profile.school]


def test_teacher_with_supervised_schools_still_sees_only_own(teacher, other_school):
    # Only the principal's permission turns supervised schools into visible ones.
    teacher.profile.supervised_schools.add(other_school)

    assert list(schools_visible_to(teacher)) == [teacher.profile.school]


def test_user_without_profile_sees_no_school(db, school):
    assert list(schools_visible_to(UserFactory())) == []


def test_role_of_each_kind_of_user(teacher, principal, admin_user, db):
    assert role_of(teacher) == Role.TEACHER
    assert role_of(principal) == Role.PRINCIPAL
    assert role_of(admin_user) == "admin"
    assert role_of(UserFactory()) is None


def test_staff_of_lists_only_people_of_the_given_schools(school, other_school):
    mine = ProfileFactory.create_batch(2, school=school)
    ProfileFactory(school=other_school)

    staff = list(staff_of(School.objects.filter(pk=school.pk)))

    assert sorted(p.pk for p in staff) == sorted(p.pk for p in mine)


def test_staff_of_orders_by_school_role_and_name(school):
    teaching_point = SchoolFactory(kind=School.Kind.TEACHING_POINT)
    ProfileFactory(school=school, role=Role.TEACHER, user__name="Bo")
    ProfileFactory(school=school, role=Role.TEACHER, user__name="Ada")
    ProfileFactory(school=school, role=Role.PRINCIPAL, user__name="Cai")
    ProfileFactory(school=teaching_point, role=Role.TEACHER, user__name="Zhu")

    staff = staff_of(School.objects.filter(pk__in=[school.pk, teaching_point.pk]))

    # Kinds sort by code ("teaching_point" < "village_primary"), then
    # "principal" < "teacher", then the name.
    assert [p.user.name for p in staff] == ["Zhu", "Cai", "Ada", "Bo"]


def test_supported_schools_overview_counts_staff_teachers_and_seeds(school):
    ProfileFactory(school=school, role=Role.PRINCIPAL)
    ProfileFactory(school=school, role=Role.TEACHER, is_seed_teacher=True)
    ProfileFactory(school=school, role=Role.TEACHER, is_seed_teacher=True)
    ProfileFactory(school=school, role=Role.TEACHER)
    empty = SchoolFactory(kind=School.Kind.TEACHING_POINT)
    host = SchoolFactory(kind=School.Kind.HOST)
    ProfileFactory(school=host, role=Role.MENTOR)
    # Two host pairings must not double the counts (joins multiply rows).
    PairingFactory(supported_school=school)
    PairingFactory(supported_school=school)

    rows = {s.pk: s for s in supported_schools_overview()}

    assert host.pk not in rows
    assert (
        rows[school.pk].staff_count,
        rows[school.pk].teacher_count,
        rows[school.pk].seed_teacher_count,
    ) == (4, 3, 2)
    assert (rows[empty.pk].staff_count, rows[empty.pk].teacher_count) == (0, 0)
    assert len(rows[school.pk].host_pairings.all()) == 2


def test_host_schools_overview_counts_mentors_and_lists_supported(school):
    host = SchoolFactory(kind=School.Kind.HOST)
    ProfileFactory.create_batch(2, school=host, role=Role.MENTOR)
    ProfileFactory(school=host, role=Role.TEACHER)
    PairingFactory(supported_school=school, host_school=host)

    rows = list(host_schools_overview())

    assert [s.pk for s in rows] == [host.pk]
    assert rows[0].mentor_count == 2
    assert [p.supported_school for p in rows[0].supported_pairings.all()] == [school]
