from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/school/", views.school_dashboard, name="school"),
    path("reports/office/", views.office_dashboard, name="office"),
    path("reports/teachers/<id:user_id>/", views.transcript, name="transcript"),
    path(
        "reports/teachers/<id:user_id>/pdf/",
        views.transcript_pdf,
        name="transcript_pdf",
    ),
    path("reports/export/<slug:table>/", views.export, name="export"),
    path("reports/exports/<id:pk>/", views.export_job, name="export_job"),
    path(
        "reports/exports/<id:pk>/progress/",
        views.export_job_progress,
        name="export_progress",
    ),
    path(
        "reports/exports/<id:pk>/download/",
        views.export_download,
        name="export_download",
    ),
]
