import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signed_in_people_without_admin_access_get_a_403_page_not_a_loop(
    client, teacher
):
    client.force_login(teacher)

    response = client.get("/cms/")

    assert response.status_code == 403
    assert 'lang="zh-hans"' in response.content.decode()
    assert reverse("people:start") in response.content.decode()


def test_opening_a_form_address_in_the_browser_gives_a_page_with_a_way_on(
    client, teacher
):
    client.force_login(teacher)

    response = client.get(reverse("courses:enrol", args=[1]))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert reverse("people:start") in response.content.decode()


def test_missing_pages_use_the_site_layout(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()
