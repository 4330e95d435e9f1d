"""The no-server-error guard (tests/conftest.py) and the page people see when
a bug slips through anyway."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.server_error_expected
@pytest.mark.urls("tests.hostile.boom_urls")
def test_a_bug_shows_the_friendly_500_page_and_the_guard_records_it(server_errors):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert 'lang="zh-hans"' in response.content.decode()
    assert server_errors == ["exception in /boom/", "500 from GET /boom/"]


def test_the_guard_sees_nothing_in_a_normal_request(client, server_errors):
    response = client.get("/verify/")

    assert response.status_code == 200
    assert server_errors == []
