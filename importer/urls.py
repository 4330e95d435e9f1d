"""The importer's pages keep their place and names under people/ (people:import_*):
lms/urls.py adds these patterns to the people namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<slug:token>/", views.import_preview, name="import_preview"),
    path("import/<slug:token>/confirm/", views.import_confirm, name="import_confirm"),
    path(
        "import/<slug:token>/passwords.csv",
        views.import_passwords,
        name="import_passwords",
    ),
    path("import/<slug:token>/discard/", views.import_discard, name="import_discard"),
]
