from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("me/", views.me, name="me"),
    path("school/", views.school_staff, name="school_staff"),
    path("office/", views.office, name="office"),
]
