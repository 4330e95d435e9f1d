"""Pages served through cms.serving: what the cache remembers (the site, the
page at each path, whether any view restriction exists, the catalog link) and
each user's permissions (people.backends) never outlive the change that makes
them wrong."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Page, PageViewRestriction, Site

from cms.serving import ServedPage
from courses import services
from courses.selectors import catalog_url
from people.models import User

pytestmark = pytest.mark.django_db


def _served(client, url):
    client.get(url)  # the cache learns the answer
    return client.get(url)


def test_page_urls_are_wagtails(course_with_lessons, catalog):
    course = course_with_lessons(2)
    pages = [catalog, course, *course.lessons]

    for page in pages:
        assert isinstance(page, ServedPage)
        assert page.get_url_parts() == Page.get_url_parts(page)
        assert page.get_url() == Page.get_url(page)


def test_a_renamed_page_is_found_at_its_new_path_only(client, course_with_lessons):
    course = course_with_lessons(1)
    old = course.url
    assert _served(client, old).status_code == 200

    course.slug = "renamed"
    course.save_revision().publish()

    assert client.get(old).status_code == 404
    assert _served(client, "/courses/renamed/").status_code == 200


def test_a_moved_lesson_leaves_its_old_path(client, course_with_lessons, teacher):
    first, second = course_with_lessons(1), course_with_lessons(1)
    lesson = first.lessons[0]
    services.enrolment_create(user=teacher, course=second)
    client.force_login(teacher)
    old = lesson.url
    _served(client, old)

    lesson.move(second, pos="last-child")

    lesson.refresh_from_db()
    # Not the page remembered at the old path: Wagtail's redirect to the new.
    response = client.get(old)
    assert response.status_code == 301
    assert response.url == lesson.url
    assert _served(client, lesson.url).status_code == 200


def test_an_unpublished_page_is_gone_though_remembered(client, course_with_lessons):
    course = course_with_lessons(1)
    assert _served(client, course.url).status_code == 200

    course.unpublish()

    assert client.get(course.url).status_code == 404


def test_a_view_restriction_added_later_is_honoured(client, course_with_lessons):
    course = course_with_lessons(1)
    assert _served(client, course.url).status_code == 200

    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get(course.url)
    assert response.status_code == 302
    assert "login" in response.url


def test_a_restricted_course_leaves_the_catalog(client, catalog, course_with_lessons):
    course = course_with_lessons(1)
    assert course.title in _served(client, catalog.url).content.decode()

    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.LOGIN
    )

    assert course.title not in client.get(catalog.url).content.decode()


def test_a_sites_new_root_is_served(client, course_with_lessons, catalog):
    course = course_with_lessons(1)
    assert _served(client, course.url).status_code == 200
    site = Site.objects.get(is_default_site=True)

    site.root_page = catalog
    site.save()

    # The catalog is now the site's root: the course is one level up.
    assert client.get("/courses/" + course.slug + "/").status_code == 404
    assert client.get("/" + course.slug + "/").status_code == 200


def test_the_catalog_link_follows_the_catalog(catalog):
    assert catalog_url() == "/courses/"

    catalog.slug = "catalogue"
    catalog.save_revision().publish()

    assert catalog_url() == "/catalogue/"


# Permissions kept per user -----------------------------------------------------


def _fresh(user) -> User:
    # A new request loads the user anew (no per-object permission cache).
    return User.objects.get(pk=user.pk)


def test_a_group_joined_grants_its_permissions_at_once(teacher):
    permission = Permission.objects.get(codename="view_coursecategory")
    group = Group.objects.create(name="编目")
    group.permissions.add(permission)
    assert not _fresh(teacher).has_perm("courses.view_coursecategory")

    teacher.groups.add(group)

    assert _fresh(teacher).has_perm("courses.view_coursecategory")
    teacher.groups.remove(group)
    assert not _fresh(teacher).has_perm("courses.view_coursecategory")


def test_members_added_from_the_groups_side_are_seen(teacher):
    group = Group.objects.create(name="编目")
    group.permissions.add(Permission.objects.get(codename="view_coursecategory"))
    assert not _fresh(teacher).has_perm("courses.view_coursecategory")

    group.user_set.add(teacher)

    assert _fresh(teacher).has_perm("courses.view_coursecategory")
    group.user_set.clear()
    assert not _fresh(teacher).has_perm("courses.view_coursecategory")


def test_a_permission_taken_from_a_group_is_gone_for_its_members(office):
    group = office.groups.first()
    permission = group.permissions.first()
    name = f"{permission.content_type.app_label}.{permission.codename}"
    assert _fresh(office).has_perm(name)

    group.permissions.remove(permission)

    assert not _fresh(office).has_perm(name)


def test_a_users_own_permission_is_seen(teacher):
    assert not _fresh(teacher).has_perm("courses.view_coursecategory")

    teacher.user_permissions.add(Permission.objects.get(codename="view_coursecategory"))

    assert _fresh(teacher).has_perm("courses.view_coursecategory")


def test_a_role_check_after_the_first_costs_no_query(
    teacher, django_assert_num_queries
):
    _fresh(teacher).has_perm("courses.view_coursecategory")
    user = _fresh(teacher)

    with django_assert_num_queries(0):
        assert not user.has_perm("courses.view_coursecategory")
