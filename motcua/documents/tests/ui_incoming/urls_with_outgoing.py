"""The site's URLs with stand-ins for the outgoing pages (built on another branch), so the
incoming pages' links to them can be tested here."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from motcua import urls as site
from motcua.documents import urls as documents


def stand_in(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return HttpResponse("outgoing stand-in")


outgoing: list[URLPattern | URLResolver] = [
    path("outgoing/new/", stand_in, name="outgoing_new"),
    path("outgoing/", stand_in, name="outgoing_list"),
    path("outgoing/<int:pk>/", stand_in, name="outgoing_detail"),
]
incoming = [p for p in documents.urlpatterns if isinstance(p, URLPattern)]

urlpatterns = [
    path("office/documents/", include(([*incoming, *outgoing], "documents"))),
    *(p for p in site.urlpatterns if getattr(p, "namespace", None) != "documents"),
]
