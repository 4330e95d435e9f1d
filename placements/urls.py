from django.urls import path

from . import views, views_office

app_name = "placements"
urlpatterns = [
    path("placements/", views.mine, name="mine"),
    path("placements/mentees/", views.mentees, name="mentees"),
    path("placements/school/", views.school, name="school"),
    path("placements/<id:pk>/", views.detail, name="detail"),
    path("placements/<id:pk>/logs/new/", views.log_edit, name="log_new"),
    path("placements/<id:pk>/logs/<id:log_pk>/", views.log_edit, name="log_edit"),
    path(
        "placements/<id:pk>/logs/<id:log_pk>/delete/",
        views.log_delete,
        name="log_delete",
    ),
    path(
        "placements/<id:pk>/logs/<id:log_pk>/confirm/",
        views.log_confirm,
        name="log_confirm",
    ),
    path("placements/<id:pk>/submit/", views.submit, name="submit"),
    path("placements/<id:pk>/confirm-all/", views.confirm_all, name="confirm_all"),
    path("placements/<id:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("placements/<id:pk>/return/", views.return_placement, name="return"),
    path("placements/<id:pk>/approve/", views.approve, name="approve"),
    path(
        "placements/attachments/<id:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "placements/attachments/<id:pk>/thumbnail/",
        views.attachment_download,
        {"thumbnail": True},
        name="attachment_thumbnail",
    ),
    path(
        "placements/attachments/<id:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("office/placements/", views_office.overview, name="office"),
    path("office/placements/rounds/new/", views_office.round_create, name="round_new"),
    path("office/placements/rounds/<id:pk>/", views_office.round_detail, name="round"),
    path(
        "office/placements/<id:pk>/reschedule/",
        views_office.reschedule,
        name="reschedule",
    ),
    path("office/placements/<id:pk>/remove/", views_office.remove, name="remove"),
]
