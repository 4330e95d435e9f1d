"""Query budgets: each report page runs the same number of queries whatever
the number of teachers, courses, certificates and placements (the bulk world
comes at two sizes)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Every signed-in page: session, user (with the asker's profile and school:
# their role in the header, a principal's school). The user's permissions, the
# catalog link in the navigation and the site's root paths are kept in the
# cache after a first request, which each test makes before counting.
PAGE_OVERHEAD = 2


def test_principal_dashboard_query_count_is_fixed(
    client, bulk_world, principal, django_assert_num_queries
):
    client.force_login(principal)
    params = {"track": bulk_world.track.pk}
    client.get("/reports/school/", params)
    # schools visible, tracks with learners, track columns, summary, one page
    # of rows (with certificates and behind flags), the pivot of completion
    # rows, per-course counts
    with django_assert_num_queries(PAGE_OVERHEAD + 7):
        response = client.get("/reports/school/", params)
    assert response.status_code == 200
    assert len(response.context["matrix"].rows) == len(bulk_world.people) // 2


def test_principal_dashboard_with_every_filter_query_count_is_fixed(
    client, bulk_world, principal, django_assert_num_queries
):
    client.force_login(principal)
    params = {
        "track": bulk_world.track.pk, "school": bulk_world.school.pk,
        "seed": "no", "subject": "chinese", "behind": "on", "sort": "-progress",
    }  # fmt: skip
    client.get("/reports/school/", params)
    with django_assert_num_queries(PAGE_OVERHEAD + 7):
        response = client.get("/reports/school/", params)
    assert response.status_code == 200
    assert response.context["matrix"].rows


def test_office_overview_query_count_is_fixed(
    client, bulk_world, office, django_assert_num_queries
):
    client.force_login(office)
    params = {"track": bulk_world.track.pk}
    client.get("/reports/office/", params)
    # supported schools (scope), tracks with learners, track columns, schools,
    # per-school completion, per-school certificates, per-course completion,
    # hours distribution, behind list, placements per host school
    with django_assert_num_queries(PAGE_OVERHEAD + 10):
        response = client.get("/reports/office/", params)
    assert response.status_code == 200
    assert response.context["overview"]["totals"].learners == len(bulk_world.people)


def test_transcript_query_count_is_fixed(
    client, bulk_world, principal, django_assert_num_queries
):
    client.force_login(principal)
    path = reverse("reports:transcript", args=[bulk_world.people[0].pk])
    client.get(path)
    # the person, the principal's schools, cohorts, tracks, courses, hours,
    # placements, certificates
    with django_assert_num_queries(PAGE_OVERHEAD + 8):
        response = client.get(path)
    assert response.status_code == 200
