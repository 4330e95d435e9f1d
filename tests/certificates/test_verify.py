"""The public verification page reached from a certificate's QR code."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from certificates.services import certificate_revoke
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """The public client, reading English (the site defaults to Chinese)."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "verify-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(teacher):
    return CertificateFactory(
        holder=teacher,
        holder_name="吉克阿呷 ꀊꁨ",
        subject="种子教师研修",
        hours=48,
        issued_on=datetime.date(2021, 12, 20),
        serial="HX-2021-000042",
        override_reason="补发：线下完成",
    )


def _verify(client, certificate):
    return client.get(f"/verify/{certificate.verification_code}/")


def test_valid_certificate_shows_its_public_facts_without_login(client, certificate):
    response = _verify(client, certificate)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Valid" in html
    for fact in ["吉克阿呷 ꀊꁨ", "种子教师研修", "48", "2021-12-20", "HX-2021-000042"]:
        assert fact in html


def test_verification_shows_nothing_beyond_the_public_facts(client, certificate):
    response = _verify(client, certificate)

    html = response.content.decode()
    assert certificate.holder_school
    assert certificate.holder_school not in html
    assert certificate.holder.username not in html
    assert "补发" not in html  # the override justification
    assert 'name="robots" content="noindex"' in html


def test_revoked_certificate_shows_revoked_with_date_but_not_the_reason(
    client, certificate, office
):
    certificate_revoke(
        certificate=certificate, revoked_by=office, reason="材料造假，予以撤销"
    )

    response = _verify(client, certificate)

    html = response.content.decode()
    revoked_on = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert "Revoked" in html
    assert f"revoked on {revoked_on}" in html
    assert "Valid" not in html
    assert "材料造假" not in html


def test_unknown_code_is_a_plain_not_found_page(client, certificate):
    response = client.get("/verify/no-such-code/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Certificate not found" in html
    assert certificate.holder_name not in html


def test_pending_certificate_counts_as_not_found(client, teacher):
    pending = CertificateFactory(holder=teacher, status="pending", pdf="")

    response = _verify(client, pending)

    assert response.status_code == 404
    assert pending.holder_name not in response.content.decode()


def test_serial_lookup_redirects_to_the_verification_page(client, certificate):
    response = client.get("/verify/", {"serial": " hx-2021-000042 "})

    assert response.status_code == 302
    assert response.url == f"/verify/{certificate.verification_code}/"


def test_serial_lookup_of_an_unknown_or_pending_serial_is_not_found(client, teacher):
    pending = CertificateFactory(holder=teacher, status="pending", pdf="")

    unknown = client.get("/verify/", {"serial": "HX-2099-999999"})
    not_yet = client.get("/verify/", {"serial": pending.serial})

    assert unknown.status_code == 404
    assert "Certificate not found" in unknown.content.decode()
    assert not_yet.status_code == 404


def test_lookup_page_without_a_serial_shows_the_form(client):
    response = client.get("/verify/")

    assert response.status_code == 200
    assert 'name="serial"' in response.content.decode()


def test_verification_is_rate_limited_per_client_address(client, settings, certificate):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert _verify(client, certificate).status_code == 200

    refused = _verify(client, certificate)
    lookup = client.get("/verify/", {"serial": certificate.serial})
    elsewhere = client.get(
        f"/verify/{certificate.verification_code}/", REMOTE_ADDR="10.0.0.9"
    )

    assert refused.status_code == 429
    assert "Too many" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    assert lookup.status_code == 429
    assert elsewhere.status_code == 200


def test_default_rate_limit_allows_thirty_lookups_a_minute(client, certificate):
    statuses = [_verify(client, certificate).status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_forwarded_for_is_trusted_only_behind_configured_proxies(
    client, settings, certificate
):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 1
    # Without NUM_PROXIES a client cannot dodge the limit with a forged header.
    assert _verify(client, certificate).status_code == 200
    forged = client.get(
        f"/verify/{certificate.verification_code}/", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert forged.status_code == 429

    settings.NUM_PROXIES = 1
    behind_proxy = client.get(
        f"/verify/{certificate.verification_code}/", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert behind_proxy.status_code == 200


def test_verification_page_defaults_to_chinese(certificate, client):
    del client.cookies[django_settings.LANGUAGE_COOKIE_NAME]

    response = _verify(client, certificate)

    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.content.decode()


def test_verification_page_fits_a_phone(client, certificate):
    html = _verify(client, certificate).content.decode()

    assert 'name="viewport" content="width=device-width' in html
    assert '<dl class="facts">' in html  # stacks label and value, no wide table
