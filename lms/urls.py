from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from importer import urls as importer_urls
from people import urls as people_urls
from people.permissions import can_enter_system_admin

# The Django admin is for administrators only, and signs in through allauth.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.has_permission = lambda request: (
    request.user.is_active and can_enter_system_admin(request.user)
)

urlpatterns = [
    # Every sign-in and password change goes through allauth (rate limits,
    # two-factor authentication, password rules, audit log); the Django and
    # Wagtail admins' own forms would skip them.
    path(
        "django-admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
    ),
    path("django-admin/", admin.site.urls),
    path(
        "cms/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # The web app manifest, the service worker (at the root, so that its scope
    # is the whole site) and the page it shows offline.
    path("", include("core.urls")),
    # The teacher import is an app of its own; its pages stay people:import_*.
    path(
        "",
        include(
            (people_urls.urlpatterns + importer_urls.urlpatterns, people_urls.app_name)
        ),
    ),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
    path("", include("placements.urls")),
    path("", include("reports.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it matches every remaining path.
# Wagtail's front-end URLs, its pages served through cms.serving.
urlpatterns.append(path("", include("cms.urls")))
