from django.urls import path

from . import views, views_import

app_name = "people"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("me/", views.me, name="me"),
    path("school/", views.school_staff, name="school_staff"),
    path("office/", views.office, name="office"),
    path("import/", views_import.import_start, name="import_start"),
    path("import/template.csv", views_import.import_template, name="import_template"),
    path("import/<slug:token>/", views_import.import_preview, name="import_preview"),
    path(
        "import/<slug:token>/confirm/",
        views_import.import_confirm,
        name="import_confirm",
    ),
    path(
        "import/<slug:token>/passwords.csv",
        views_import.import_passwords,
        name="import_passwords",
    ),
    path(
        "import/<slug:token>/discard/",
        views_import.import_discard,
        name="import_discard",
    ),
]
