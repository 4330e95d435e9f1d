"""Content-Security-Policy (django-csp, people.middleware): one strict policy
for the site, looser only where third-party code needs it (the Wagtail admin
under /cms/) and a few sources for the H5P player on lessons with an activity."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse

from people.middleware import ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "media-src": {"'self'"},
    "frame-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'self'"},
}


def policy(response) -> dict[str, set[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/verify/", "/accounts/password/reset/"]
)
def test_public_pages_get_the_strict_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert policy(response) == STRICT


def test_signed_in_pages_get_the_strict_policy(client, teacher, office):
    client.force_login(teacher)
    assert policy(client.get("/learn/")) == STRICT
    client.force_login(office)
    assert policy(client.get("/office/")) == STRICT


def test_wagtail_admin_alone_may_run_inline_script_and_styles(client, trainer):
    client.force_login(trainer)

    directives = policy(client.get("/cms/"))

    assert directives["script-src"] == {"'self'", "'unsafe-inline'"}
    assert directives["style-src"] == {"'self'", "'unsafe-inline'"}
    assert directives["object-src"] == {"'none'"}
    assert directives["frame-ancestors"] == {"'self'"}


def test_lessons_get_the_strict_policy_and_frame_h5p_from_the_site_only(client):
    """H5P plays in a sandboxed frame of its own (courses.views_h5p), so the
    catalog and lessons need no exception any more."""
    assert policy(client.get("/courses/does-not-exist/")) == STRICT


@pytest.fixture
def world_lesson(client, teacher, activity_lesson_in_new_course):
    from courses import services
    from courses.models import H5PPackage

    package = H5PPackage.objects.create(
        title="测验", file="h5p/packages/q.h5p", status="ready",
        assets={"js": "0" * 24 + ".js", "css": "0" * 24 + ".css", "libraries": {},
                "main": "H5P.LmsQuiz 1.0", "files": []},
    )  # fmt: skip
    lesson = activity_lesson_in_new_course(package)
    services.enrolment_create(user=teacher, course=lesson.get_parent().specific)
    client.force_login(teacher)
    return client, lesson.url


def test_a_lesson_with_an_activity_allows_only_its_nonce_and_blobs(world_lesson):
    """The player's frame inherits the lesson's policy: its one inline
    script carries the lesson's nonce, and the code the lesson page hands it
    runs from blob: URLs it made; still no inline script without the nonce,
    no eval, no other origin."""
    client, url = world_lesson
    directives = policy(client.get(url))

    assert directives["script-src"] - {"'self'", "blob:"} == {
        d for d in directives["script-src"] if d.startswith("'nonce-")
    }
    assert "blob:" in directives["style-src"] and "blob:" in directives["img-src"]
    assert directives["frame-src"] == {"'self'"}
    assert "'unsafe-inline'" not in str(directives)
    assert "'unsafe-eval'" not in str(directives)


def test_no_template_needs_inline_script_or_style():
    """What the strict policy would block: inline <script> (other than JSON
    data), style attributes and <style> elements, inline event handlers.
    (Certificate PDFs are rendered by xhtml2pdf, not a browser.)"""
    offending = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "pdf" in template.parts:
            continue
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>",
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",
        ):
            if re.search(pattern, text):
                offending.append(f"{template.name}: {pattern}")

    assert offending == []


@pytest.mark.parametrize(
    ("content_type", "has_policy"),
    [
        ("text/javascript", False),
        ("text/css", False),
        ("text/html; charset=utf-8", True),
        ("image/svg+xml", True),
    ],
)
def test_scripts_and_stylesheets_carry_no_policy(rf, content_type, has_policy):
    middleware = ContentSecurityPolicyMiddleware(
        lambda request: HttpResponse("x", content_type=content_type)
    )

    response = middleware(rf.get("/static/anything"))

    assert ("Content-Security-Policy" in response) is has_policy
