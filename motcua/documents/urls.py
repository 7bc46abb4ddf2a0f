"""/office/documents/: the officials' pages for official documents. The incoming ones are
here; the outgoing ones come from urls_outgoing (one namespace, "documents")."""

from django.urls import include, path

from motcua.documents import views_incoming as incoming

app_name = "documents"

urlpatterns = [
    path("", incoming.documents_home, name="home"),
    path("incoming/", incoming.incoming_list, name="incoming_list"),
    path("incoming/paper/", incoming.incoming_register_paper, name="incoming_register_paper"),
    path("incoming/<int:pk>/", incoming.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/register/", incoming.incoming_register, name="incoming_register"),
    path(
        "incoming/<int:pk>/actions/<slug:action>/",
        incoming.incoming_action,
        name="incoming_action",
    ),
    path("incoming/<int:pk>/files/<int:file_pk>/", incoming.incoming_file, name="incoming_file"),
    path("", include("motcua.documents.urls_registers")),
    path("", include("motcua.documents.urls_outgoing")),
    path("", include("motcua.documents.urls_search")),
    path("", include("motcua.documents.urls_files")),
]
