from django.urls import path, re_path

from motcua.backoffice.views import applicant, audit, dossier, intake, prints, queues, signing

app_name = "backoffice"

urlpatterns = [
    path("", queues.home, name="home"),
    path("audit/", audit.audit_trail, name="audit"),
    path("dossiers/new/", intake.dossier_new, name="dossier_new"),
    path("dossiers/new/procedures/", intake.intake_procedure_options, name="intake_procedures"),
    path("dossiers/new/papers/", intake.intake_papers, name="intake_papers"),
    path("dossiers/new/applicant/", intake.intake_applicant, name="intake_applicant"),
    path("dossiers/<str:code>/", dossier.dossier_detail, name="dossier"),
    path(
        "dossiers/<str:code>/actions/<slug:action>/", dossier.dossier_action, name="dossier_action"
    ),
    path(
        "dossiers/<str:code>/applicant/",
        applicant.dossier_applicant_correct,
        name="dossier_applicant_correct",
    ),
    path("dossiers/<str:code>/files/<int:pk>/", dossier.dossier_file, name="dossier_file"),
    path(
        "dossiers/<str:code>/signatures/",
        signing.signatures_panel,
        name="signatures",
    ),
    path(
        "dossiers/<str:code>/signatures/new/<slug:kind>/",
        signing.signed_document_new,
        name="signed_document_new",
    ),
    path(
        "dossiers/<str:code>/signatures/<str:document_code>/file/",
        signing.signed_document_file,
        name="signed_document_file",
    ),
    path(
        "dossiers/<str:code>/signatures/<str:document_code>/<slug:action>/",
        signing.signed_document_action,
        name="signed_document_action",
    ),
    re_path(
        r"^dossiers/(?P<code>[^/]+)/forms/(?P<form>\d{2})\.pdf$",
        prints.dossier_form_pdf,
        name="dossier_form",
    ),
    path("units/tracking-book/", prints.tracking_book_go, name="tracking_book_go"),
    re_path(
        r"^units/(?P<agency_code>[^/]+)/tracking-book\.(?P<fmt>pdf|xlsx)$",
        prints.tracking_book,
        name="tracking_book",
    ),
]
