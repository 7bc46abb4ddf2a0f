"""The site's URLs with the outgoing documents' pages under /office/documents/, for tests run
on a branch where motcua.documents.urls (the incoming pages' branch) is not there yet; once it
is, the site's own URLs are used as they are."""

from importlib.util import find_spec

from django.urls import URLPattern, URLResolver, include, path

from motcua import urls as site
from motcua.documents import urls_outgoing

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500

urlpatterns: list[URLPattern | URLResolver] = list(site.urlpatterns)
if find_spec("motcua.documents.urls") is None:
    urlpatterns.insert(
        0,
        path(
            "office/documents/",
            include((urls_outgoing.urlpatterns, "documents"), namespace="documents"),
        ),
    )
