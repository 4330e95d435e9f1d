"""Concurrent duplicate requests leave one record (PostgreSQL row locks)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from courses.models import HoursEntry
from placements import services
from placements.models import Placement, PlacementRound
from tests.helpers import at_once

from .conftest import advance, plan

THREADS = 5


def _refused_or(call):
    try:
        return call()
    except ValidationError:
        return "refused"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_credit_the_hours_once(world, placement):
    advance(world, placement, "confirmed", days=2)

    def approve(_i):
        fresh = Placement.objects.get(pk=placement.pk)
        return _refused_or(
            lambda: services.placement_approve(placement=fresh, actor=world.office).pk
        )

    results = at_once(approve, THREADS)

    assert sorted(results, key=str) == [placement.pk] + ["refused"] * (THREADS - 1)
    assert HoursEntry.objects.filter(source="placement").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_overlapping_plans_place_the_participant_once(world):
    rounds = [
        PlacementRound.objects.create(
            programme=world.programme, name=f"批次{i}",
            starts_on=datetime.date(2020, 10, 19), ends_on=datetime.date(2020, 10, 30),
        )
        for i in range(THREADS)
    ]  # fmt: skip

    def place(i):
        return _refused_or(lambda: plan(world, placement_round=rounds[i])[0].pk)

    results = at_once(place, THREADS)

    assert results.count("refused") == THREADS - 1
    assert Placement.objects.filter(participant=world.participant).count() == 1
