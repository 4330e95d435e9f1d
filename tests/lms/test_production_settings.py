import secrets
import string

from tests.helpers import run_with_production_settings


def _random_secret_key(length=60):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_production_settings_pass_the_deployment_checks():
    result = run_with_production_settings(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=_random_secret_key(),
        ALLOWED_HOSTS="lms.example.org",
    )

    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_with_production_settings(["-c", "import django; django.setup()"])

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = run_with_production_settings(
        ["-c", "import django; django.setup()"], SECRET_KEY="too-short"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_are_not_in_debug_or_demo_mode():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DEMO_MODE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )

    result = run_with_production_settings(["-c", code], SECRET_KEY=_random_secret_key())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True", "True"]
