"""The authorization matrix: every URL of the project, asked by each role.

The URLs come from the URL configuration, so a new view cannot be forgotten:
a URL name that the table in expectations.py does not list fails
`test_every_url_has_an_expectation`, telling the developer to add one line.
"""

import os

import pytest
from wagtail.models import Page

from .expectations import EXPECTED, PAGES, REPRESENTATIVE_ADMIN
from .harness import check, route_kwargs
from .urls import PROJECT_APPS, all_routes, routes_to_cover

pytestmark = pytest.mark.django_db

# Set MATRIX_RECORD=<file> to write what each URL answers instead of checking:
# a starting point for new rows, to be read line by line before use.
RECORD = os.environ.get("MATRIX_RECORD")
PAGE_ROUTE = "wagtail_serve"
ROUTES = {r.name: r for r in all_routes() if r.name}


def test_every_url_has_an_expectation():
    missing = sorted(
        {r.name or r.route for r in routes_to_cover()} - set(EXPECTED) - {PAGE_ROUTE}
    )
    assert not missing, (
        "These URLs are not in the authorization matrix. Add one line per URL "
        "to EXPECTED in tests/security_matrix/expectations.py saying what each "
        "role gets (give unnamed patterns a name first):\n  " + "\n  ".join(missing)
    )


def test_the_table_lists_no_url_that_is_gone():
    listed = set(EXPECTED) | set(REPRESENTATIVE_ADMIN)
    gone = sorted(listed - set(ROUTES))
    assert not gone, f"Remove these rows, the URLs no longer exist: {gone}"


def test_every_page_type_is_served_in_the_matrix(world):
    page_types = {
        model.__name__
        for model in _all_subclasses(Page)
        if model._meta.app_label in PROJECT_APPS and not model._meta.abstract
    }
    served = {type(getattr(world, attr).specific).__name__ for attr in PAGES}
    assert page_types <= served, f"Add pages of these types to PAGES: {page_types}"


def _all_subclasses(cls):
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _record(key, observed, problems):
    with open(RECORD, "a") as out:
        parts = [f'{m}="{" ".join(c)}"' for m, c in observed.items()]
        out.write(f'"{key}": E({", ".join(parts)}),\n')
        for problem in problems:
            if ", not " not in problem:
                out.write(f"# {problem}\n")


@pytest.mark.parametrize("name", sorted(set(EXPECTED) | set(REPRESENTATIVE_ADMIN)))
def test_url_answers_each_role_as_the_table_says(name, world):
    if name not in ROUTES:
        pytest.skip("gone; see test_the_table_lists_no_url_that_is_gone")
    expect = EXPECTED.get(name) or REPRESENTATIVE_ADMIN[name]
    problems, observed = check(world, name, route_kwargs(name), expect)
    if RECORD:
        _record(name, observed, problems)
        return
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("attr", sorted(PAGES))
def test_page_answers_each_role_as_the_table_says(attr, world):
    expect = PAGES[attr]
    page = getattr(world, attr)
    problems, observed = check(world, PAGE_ROUTE, [], expect, page.url)
    if RECORD:
        _record(attr, observed, problems)
        return
    assert not problems, "\n".join(problems)
