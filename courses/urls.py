from django.urls import path

from . import views, views_h5p

app_name = "courses"
urlpatterns = [
    path("learn/", views.my_learning, name="my_learning"),
    path("learn/courses/<id:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/courses/<id:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "learn/lessons/<id:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "learn/lessons/<id:lesson_id>/reflections/<str:block_id>/",
        views.reflection_submit,
        name="reflection_submit",
    ),
    path("h5p/assets/<str:name>", views_h5p.h5p_asset, name="h5p_asset"),
    path(
        "h5p/libraries/<str:versioned>/<path:path>",
        views_h5p.h5p_library_file,
        name="h5p_library_file",
    ),
    path(
        "h5p/files/<str:token>/<str:kind>/<path:path>",
        views_h5p.h5p_file,
        name="h5p_file",
    ),
    path(
        "learn/lessons/<id:lesson_id>/activities/<str:block_id>/xapi/",
        views_h5p.xapi_statement,
        name="xapi_statement",
    ),
    path(
        "learn/lessons/<id:lesson_id>/activities/<str:block_id>/files/<path:path>",
        views_h5p.h5p_content,
        name="h5p_content",
    ),
    path(
        "learn/lessons/<id:lesson_id>/activities/<str:block_id>/state/"
        "<str:data_type>/<str:sub_content_id>/",
        views_h5p.user_data,
        name="h5p_user_data",
    ),
    path("office/tracks/", views.office_tracks, name="office_tracks"),
    path(
        "office/tracks/<id:track_id>/enrol/",
        views.office_track_enrol,
        name="office_track_enrol",
    ),
]
