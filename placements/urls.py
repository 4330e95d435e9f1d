from django.urls import path

from . import views, views_office

app_name = "placements"
urlpatterns = [
    path("placements/", views.mine, name="mine"),
    path("placements/mentees/", views.mentees, name="mentees"),
    path("placements/school/", views.school, name="school"),
    path("placements/<int:pk>/", views.detail, name="detail"),
    path("placements/<int:pk>/logs/new/", views.log_edit, name="log_new"),
    path("placements/<int:pk>/logs/<int:log_pk>/", views.log_edit, name="log_edit"),
    path(
        "placements/<int:pk>/logs/<int:log_pk>/delete/",
        views.log_delete,
        name="log_delete",
    ),
    path(
        "placements/<int:pk>/logs/<int:log_pk>/confirm/",
        views.log_confirm,
        name="log_confirm",
    ),
    path("placements/<int:pk>/submit/", views.submit, name="submit"),
    path("placements/<int:pk>/confirm-all/", views.confirm_all, name="confirm_all"),
    path("placements/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("placements/<int:pk>/return/", views.return_placement, name="return"),
    path("placements/<int:pk>/approve/", views.approve, name="approve"),
    path(
        "placements/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "placements/attachments/<int:pk>/thumbnail/",
        views.attachment_download,
        {"thumbnail": True},
        name="attachment_thumbnail",
    ),
    path(
        "placements/attachments/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("office/placements/", views_office.overview, name="office"),
    path("office/placements/rounds/new/", views_office.round_create, name="round_new"),
    path("office/placements/rounds/<int:pk>/", views_office.round_detail, name="round"),
    path(
        "office/placements/<int:pk>/reschedule/",
        views_office.reschedule,
        name="reschedule",
    ),
    path("office/placements/<int:pk>/remove/", views_office.remove, name="remove"),
]
