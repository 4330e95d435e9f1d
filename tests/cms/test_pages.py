import re
from pathlib import Path

import pytest
from django.conf import settings

from cms.models import ContentPage
from people.models import User

HOME_TITLE = "洪溪片区教师研修平台"
PAGE_BUDGET_BYTES = 60 * 1024


@pytest.fixture
def seeded(demo_programme, db):
    """The demo programme, seeded once for this module."""


def test_home_page_is_chinese_by_default(client, seeded):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert response.context["page"].title == HOME_TITLE
    assert f"<h1>{HOME_TITLE}</h1>" in html


def test_home_page_stays_chinese_for_an_english_browser(client, seeded):
    # Many phones in the area are set to English while their owners read Chinese.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="zh-hans"' in response.content.decode()


def test_home_page_switches_to_english_on_request(client, seeded):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")

    html = response.content.decode()
    assert (switched.status_code, switched.url) == (302, "/")
    assert '<html lang="en"' in html
    assert HOME_TITLE in html


def test_home_page_switches_back_to_chinese(client, seeded):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert '<html lang="zh-hans"' in client.get("/").content.decode()


def test_home_page_shows_seeded_content_and_links_about_page(client, seeded):
    about = ContentPage.objects.get(slug="about")

    html = client.get("/").content.decode()

    assert "培育一支带不走的校长教师培训团队" in html
    assert about.title in html
    assert 'href="/about/"' in html


def test_about_page_renders(client, seeded):
    response = client.get("/about/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "关于帮扶项目" in html
    assert "乐山市实验中学" in html


def test_home_page_offers_login_to_anonymous_and_start_page_to_members(
    client, seeded, teacher
):
    anonymous = client.get("/").content.decode()
    client.force_login(teacher)
    member = client.get("/").content.decode()

    assert 'href="/accounts/login/"' in anonymous
    assert 'href="/start/"' not in anonymous
    assert 'href="/start/"' in member


def _static_file(url: str) -> Path:
    relative = url.removeprefix(settings.STATIC_URL).split("?")[0]
    return settings.BASE_DIR / "static" / relative


def test_home_page_with_its_css_and_js_fits_the_budget(client, seeded):
    html = client.get("/").content
    assets = re.findall(
        rb'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', html
    )
    urls = [(css or js).decode() for css, js in assets]
    files = [_static_file(url) for url in urls]

    total = len(html) + sum(f.stat().st_size for f in files)

    assert any(url.endswith(".css") for url in urls)
    assert all(f.is_file() for f in files)
    assert total < PAGE_BUDGET_BYTES, f"{total} bytes over {PAGE_BUDGET_BYTES}"


def test_yi_name_appears_on_the_principals_school_page(client, seeded):
    client.force_login(User.objects.get(username="principal.yiguojue"))

    response = client.get("/school/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "ꀊꁨꃀꑭ" in html
    # Staff of the other key school stay out of sight.
    assert "ꆈꌠꁱꂷ" not in html
