"""Fixtures for the certificates tests: the courses app's page-tree fixtures,
a certificate template, people who completed (or did not complete) a course
or a track, and a stand-in PDF renderer so these tests do not depend on fonts
or xhtml2pdf (certificates/pdf.py has its own tests)."""

import hashlib
import importlib
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from courses import services as course_services
from people.models import Role
from tests.factories import (
    CertificateTemplateFactory,
    ProfileFactory,
    SchoolFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path) -> Path:
    """Where this test's certificate PDFs and batch zips go: the private
    storage (public media gets its own empty folder)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    # Missing-requirement messages are asserted word for word.
    with translation.override("en"):
        yield


def fake_pdf_bytes(certificate) -> bytes:
    return f"%PDF-1.4 fake {certificate.serial}\n%%EOF\n".encode()


@pytest.fixture(autouse=True)
def fake_pdf(monkeypatch):
    """Replace render_certificate_pdf with a fast stand-in that records which
    certificates it rendered. Set `fake_pdf.fail = SomeError()` to make it raise."""
    try:
        module = importlib.import_module("certificates.pdf")
    except ImportError:  # not written yet: give the services a module to import
        module = types.ModuleType("certificates.pdf")
        monkeypatch.setitem(sys.modules, "certificates.pdf", module)
    state = types.SimpleNamespace(rendered=[], fail=None)

    def render(certificate):
        if state.fail is not None:
            raise state.fail
        state.rendered.append(certificate.pk)
        return fake_pdf_bytes(certificate)

    monkeypatch.setattr(module, "render_certificate_pdf", render, raising=False)
    return state


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_pdfs(media_root: Path) -> list[Path]:
    folder = media_root / "certificates"
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


@pytest.fixture
def template(db):
    return CertificateTemplateFactory(serial_prefix="HX")


@pytest.fixture
def make_teacher(db):
    """make_teacher(school=None, name=None, cohort=None) -> a teacher with a profile."""

    def build(*, school=None, name=None, cohort=None):
        user = UserFactory(**({"name": name} if name else {}))
        ProfileFactory(user=user, role=Role.TEACHER, school=school or SchoolFactory())
        if cohort is not None:
            cohort.members.add(user)
        return user

    return build


@pytest.fixture
def course(course_with_lessons):
    """A course of two lessons worth 2 credit hours."""
    return course_with_lessons(2, title="留守儿童心理辅导", credit_hours=Decimal("2.0"))


@pytest.fixture
def track_courses(course_with_lessons):
    """Two required courses and one elective of 2 hours each."""
    return [course_with_lessons(1, title=f"模块{n}") for n in range(3)]


@pytest.fixture
def track(make_track, track_courses):
    """Required: the first two courses; electives: the third, 2 hours needed."""
    required, electives = track_courses[:2], track_courses[2:]
    return make_track(
        required=required,
        electives=electives,
        name="种子教师研修",
        min_elective_hours=Decimal("2.0"),
    )


@pytest.fixture
def finish_track(complete_course, track_courses):
    """finish_track(user, track): enrol in the track and complete every course."""

    def finish(user, track):
        course_services.track_enrol(track=track, users=[user])
        for course in track_courses:
            complete_course(user, course)

    return finish
