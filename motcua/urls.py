from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from motcua.api.api import api

admin.site.site_header = "MotCua"
admin.site.site_title = "MotCua"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("motcua.accounts.urls")),
    path("", include("motcua.backoffice.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
