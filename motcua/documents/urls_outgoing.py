"""The outgoing documents' pages, under /office/documents/ (included by
motcua.documents.urls, namespace "documents")."""

from django.urls import path

from motcua.documents import views_outgoing as views

urlpatterns = [
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", views.outgoing_new, name="outgoing_new"),
    path("outgoing/recipients/", views.outgoing_recipients, name="outgoing_recipients"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("outgoing/<int:pk>/edit/", views.outgoing_edit, name="outgoing_edit"),
    path(
        "outgoing/<int:pk>/actions/<slug:action>/",
        views.outgoing_action,
        name="outgoing_action",
    ),
    path(
        "outgoing/<int:pk>/versions/<int:number>/",
        views.outgoing_version_file,
        name="outgoing_version_file",
    ),
    path(
        "outgoing/<int:pk>/attachments/<int:attachment>/",
        views.outgoing_attachment_file,
        name="outgoing_attachment_file",
    ),
    path("outgoing/<int:pk>/signed.pdf", views.outgoing_signed_file, name="outgoing_signed_file"),
    path("outgoing/<int:pk>/preview.pdf", views.outgoing_preview_pdf, name="outgoing_preview_pdf"),
]
