from django.urls import path, re_path

from motcua.backoffice import applicant_views, signing_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_trail, name="audit"),
    path("dossiers/new/", views.dossier_new, name="dossier_new"),
    path("dossiers/new/procedures/", views.intake_procedure_options, name="intake_procedures"),
    path("dossiers/new/papers/", views.intake_papers, name="intake_papers"),
    path("dossiers/new/applicant/", views.intake_applicant, name="intake_applicant"),
    path("dossiers/<str:code>/", views.dossier_detail, name="dossier"),
    path("dossiers/<str:code>/actions/<slug:action>/", views.dossier_action, name="dossier_action"),
    path(
        "dossiers/<str:code>/applicant/",
        applicant_views.dossier_applicant_correct,
        name="dossier_applicant_correct",
    ),
    path("dossiers/<str:code>/files/<int:pk>/", views.dossier_file, name="dossier_file"),
    path(
        "dossiers/<str:code>/signatures/",
        signing_views.signatures_panel,
        name="signatures",
    ),
    path(
        "dossiers/<str:code>/signatures/new/<slug:kind>/",
        signing_views.signed_document_new,
        name="signed_document_new",
    ),
    path(
        "dossiers/<str:code>/signatures/<str:document_code>/file/",
        signing_views.signed_document_file,
        name="signed_document_file",
    ),
    path(
        "dossiers/<str:code>/signatures/<str:document_code>/<slug:action>/",
        signing_views.signed_document_action,
        name="signed_document_action",
    ),
    re_path(
        r"^dossiers/(?P<code>[^/]+)/forms/(?P<form>\d{2})\.pdf$",
        views.dossier_form_pdf,
        name="dossier_form",
    ),
    path("units/tracking-book/", views.tracking_book_go, name="tracking_book_go"),
    re_path(
        r"^units/(?P<agency_code>[^/]+)/tracking-book\.(?P<fmt>pdf|xlsx)$",
        views.tracking_book,
        name="tracking_book",
    ),
]
