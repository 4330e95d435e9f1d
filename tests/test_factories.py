"""Every model of the project's apps has a factory in tests/factories.py that
builds a row the model's own validation accepts."""

import inspect

import factory
import pytest
from django.apps import apps

from tests import factories

PROJECT_APPS = [
    "core", "people", "courses", "placements", "certificates", "reports", "cms",
    "importer", "demo",
]  # fmt: skip


def _factories_by_model():
    found = {}
    for _, value in inspect.getmembers(factories, inspect.isclass):
        if not issubclass(value, factory.django.DjangoModelFactory):
            continue
        if value._meta.abstract or value._meta.model is None:
            continue
        found[value._meta.get_model_class()] = value
    return found


def _project_models():
    return [
        model
        for label in PROJECT_APPS
        if apps.is_installed(label)
        for model in apps.get_app_config(label).get_models()
    ]


def test_every_model_has_a_factory():
    known = _factories_by_model()
    missing = [model._meta.label for model in _project_models() if model not in known]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", _project_models(), ids=lambda model: model._meta.label
)
def test_each_factory_builds_a_valid_row(model):
    made = _factories_by_model()[model]()
    row = model.objects.get(pk=made.pk)
    # Left empty may be only what the database allows empty (nullable) or
    # what has a default: everything a row needs, the factory fills in.
    left_empty = [
        field.name
        for field in model._meta.concrete_fields
        if getattr(row, field.attname) in field.empty_values
        and (field.null or field.has_default())
    ]
    row.full_clean(exclude=left_empty)
