from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path

from motcua.accounts.views import login_rate_limited
from motcua.api.api import api
from motcua.api.views import api_not_found

admin.site.site_header = "MotCua"
admin.site.site_title = "MotCua"
# The admin's own login form, limited like ours (failed logins per address and per login name).
admin.site.login = login_rate_limited(admin.site.login)  # type: ignore[method-assign,assignment]


def favicon(request: HttpRequest) -> HttpResponseBase:
    """/favicon.ico, asked for by pages without our <link rel="icon"> (the admin, PDF viewers)."""
    return redirect(static_url("img/favicon-32.png"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("motcua.accounts.urls")),
    path("reports/", include("motcua.reporting.urls")),
    path("signatures/", include("motcua.signatures.urls")),
    path("office/documents/", include("motcua.documents.urls")),
    path("office/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]
# Django's own error answers: the API's error shape under /api/, the usual pages elsewhere.
handler400 = "motcua.api.views.bad_request"
handler403 = "motcua.api.views.permission_denied"
handler404 = "motcua.api.views.page_not_found"
handler500 = "motcua.api.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
