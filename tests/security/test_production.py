"""Production settings: `check --deploy` is clean, and responses carry HSTS,
the Content-Security-Policy and secure cookies."""

import json
import secrets

from tests.helpers import run_with_production_settings


def _run(args, **env):
    return run_with_production_settings(
        args,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="lms.example.org",
        **env,
    )


def test_check_deploy_is_clean_and_silences_only_the_frame_option():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    silenced = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SILENCED_SYSTEM_CHECKS)",
        ]
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
    # W019: SAMEORIGIN for Wagtail's preview; W021: HSTS preload stays opt-in.
    assert silenced.stdout.strip() == "['security.W019', 'security.W021']"


SCRIPT = """
import json
import django
django.setup()
from django.conf import settings as s
from django.test import Client
response = Client().get("/i18n/setlang/", secure=True, HTTP_HOST="lms.example.org")
plain = Client().get("/i18n/setlang/", HTTP_HOST="lms.example.org")
print(json.dumps({
    "hsts": response.headers.get("Strict-Transport-Security"),
    "csp": response.headers.get("Content-Security-Policy"),
    "frame": response.headers.get("X-Frame-Options"),
    "nosniff": response.headers.get("X-Content-Type-Options"),
    "referrer": response.headers.get("Referrer-Policy"),
    "redirect": [plain.status_code, plain.headers.get("Location")],
    "cookies": [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,
                s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_SAMESITE],
    "proxies": [s.NUM_PROXIES, s.ALLAUTH_TRUSTED_PROXY_COUNT],
}))
"""


def test_production_responses_carry_the_security_headers():
    result = _run(["-c", SCRIPT])

    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["hsts"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in facts["csp"]
    assert "frame-ancestors 'self'" in facts["csp"]
    assert facts["frame"] == "SAMEORIGIN"
    assert facts["nosniff"] == "nosniff"
    assert facts["referrer"] == "same-origin"
    # Plain HTTP is sent to HTTPS.
    assert facts["redirect"] == [301, "https://lms.example.org/i18n/setlang/"]
    assert facts["cookies"] == [True, True, True, "Lax"]
    # allauth's rate limits count the client behind the proxy, not the proxy.
    assert facts["proxies"] == [1, 1]
