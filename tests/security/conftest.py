"""Fixtures for the security tests: a clean cache (rate limits and used
two-factor codes live there) and allauth's rate limits switched on."""

import pytest
from django.core.cache import cache

from lms.settings.base import ACCOUNT_RATE_LIMITS
from people.models import Role
from tests.factories import ProfileFactory, SchoolFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rate_limits(settings):
    """The limits production uses (lms/settings/base.py); the test settings
    switch them off elsewhere."""
    settings.ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS
    return ACCOUNT_RATE_LIMITS


@pytest.fixture
def office_without_totp(db):
    return ProfileFactory(
        role=Role.OFFICE, school=SchoolFactory(kind="university")
    ).user
