from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("learn/", views.my_learning, name="my_learning"),
    path("learn/courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "learn/lessons/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "learn/lessons/<int:lesson_id>/reflections/<str:block_id>/",
        views.reflection_submit,
        name="reflection_submit",
    ),
    path("office/tracks/", views.office_tracks, name="office_tracks"),
    path(
        "office/tracks/<int:track_id>/enrol/",
        views.office_track_enrol,
        name="office_track_enrol",
    ),
]
