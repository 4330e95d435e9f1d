from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<str:serial>/download/", views.download, name="download"),
    path("school/certificates/", views.school_certificates, name="school"),
    path("office/certificates/", views.office_list, name="office"),
    path("office/certificates/issue/", views.office_issue, name="issue"),
    path("office/certificates/<id:pk>/revoke/", views.office_revoke, name="revoke"),
    path("office/certificates/bulk/", views.bulk_start, name="bulk"),
    path(
        "office/certificates/bulk/<id:pk>/",
        views.bulk_detail,
        name="bulk_detail",
    ),
    path(
        "office/certificates/bulk/<id:pk>/progress/",
        views.bulk_progress,
        name="bulk_progress",
    ),
    path(
        "office/certificates/bulk/<id:pk>/download/",
        views.bulk_download,
        name="bulk_download",
    ),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
