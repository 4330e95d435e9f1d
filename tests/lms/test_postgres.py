import pytest
from django.core.management import call_command
from django.db import connection

from people.models import School, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_database_is_postgresql_with_utf8_encoding():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"


def test_chinese_and_yi_names_round_trip_and_sort_in_postgresql(teacher):
    teacher.name = "ꀊꁨꃀꑭ（阿苦拉哈）"
    teacher.save()
    assert User.objects.get(name__startswith="ꀊꁨ").pk == teacher.pk
    assert User.objects.filter(name__contains="阿苦").count() == 1


def test_seed_demo_twice_on_postgresql_changes_nothing():
    call_command("seed_demo")
    before = sorted(School.objects.values_list("code", "name", "kind"))
    users_before = sorted(User.objects.values_list("username", "password", "name"))
    call_command("seed_demo")
    assert sorted(School.objects.values_list("code", "name", "kind")) == before
    assert sorted(User.objects.values_list("username", "password", "name")) == (
        users_before
    )
    assert School.objects.filter(is_placeholder_name=True).count() == 11
