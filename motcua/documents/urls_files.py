"""The document files' pages (hồ sơ công việc), under /office/documents/files/ (included by
motcua.documents.urls, namespace "documents"). The list of a file's documents as .xlsx / PDF
is urls_registers' `document_file_download`."""

from django.urls import path

from motcua.documents import views_files as views

urlpatterns = [
    path("files/", views.document_file_list, name="document_file_list"),
    path("files/new/", views.document_file_create, name="document_file_create"),
    path("files/<int:pk>/", views.document_file_detail, name="document_file_detail"),
    path("files/<int:pk>/add/", views.document_file_add, name="document_file_add"),
    path("files/<int:pk>/remove/", views.document_file_remove, name="document_file_remove"),
    path("files/<int:pk>/close/", views.document_file_close, name="document_file_close"),
    path(
        "files/put/<slug:kind>/<int:pk>/",
        views.document_file_put,
        name="document_file_put",
    ),
]
