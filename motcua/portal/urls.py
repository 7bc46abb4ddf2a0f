from django.urls import path

from motcua.portal import office_views
from motcua.portal.views import account, my, public, wizard

app_name = "portal"

urlpatterns = [
    # public, no login
    path("", public.home, name="home"),
    path("procedures/", public.procedure_search, name="procedures"),
    path("procedures/<str:code>/", public.procedure_detail, name="procedure"),
    path("procedures/<str:code>/forms/<int:pk>/", public.paper_template, name="paper_template"),
    path("procedures/<str:code>/submit/", wizard.submit_start, name="submit_start"),
    path("tracking/", public.tracking_form, name="tracking_form"),
    # Exactly /tracking/<code>: the QR code on the receipt (form 01) points here.
    path("tracking/<str:code>", public.tracking, name="tracking"),
    path("tracking/<str:code>/", public.tracking_slash),
    path("statistics/", public.statistics, name="statistics"),
    # accounts
    path("register/", account.register, name="register"),
    path("register/verify/", account.verify, name="verify"),
    path("register/verify/resend/", account.verify_resend, name="verify_resend"),
    path("profile/", account.profile, name="profile"),
    path("login/oidc/", account.oidc_login, name="oidc_login"),
    path("login/oidc/callback/", account.oidc_callback, name="oidc_callback"),
    # online submission
    path("my/drafts/<uuid:draft_id>/", wizard.draft_resume, name="draft_resume"),
    path("my/drafts/<uuid:draft_id>/case/", wizard.draft_case, name="draft_case"),
    path("my/drafts/<uuid:draft_id>/applicant/", wizard.draft_applicant, name="draft_applicant"),
    path("my/drafts/<uuid:draft_id>/papers/", wizard.draft_papers, name="draft_papers"),
    path(
        "my/drafts/<uuid:draft_id>/papers/<int:file_id>/remove/",
        wizard.draft_paper_remove,
        name="draft_paper_remove",
    ),
    path("my/drafts/<uuid:draft_id>/check/", wizard.draft_check, name="draft_check"),
    path("my/drafts/<uuid:draft_id>/submit/", wizard.draft_submit, name="draft_submit"),
    path("my/drafts/<uuid:draft_id>/delete/", wizard.draft_delete, name="draft_delete"),
    # my dossiers
    path("my/dossiers/", my.my_dossiers, name="my_dossiers"),
    path("my/dossiers/<str:code>/", my.my_dossier, name="my_dossier"),
    path("my/dossiers/<str:code>/submitted/", wizard.confirmation, name="confirmation"),
    path(
        "my/dossiers/<str:code>/submission-receipt/",
        wizard.submission_receipt,
        name="submission_receipt",
    ),
    path("my/dossiers/<str:code>/receipt.pdf", my.receipt_pdf, name="receipt_pdf"),
    path("my/dossiers/<str:code>/supplement/", my.supplement, name="supplement"),
    path("my/dossiers/<str:code>/withdraw/", my.withdraw, name="withdraw"),
    path("my/dossiers/<str:code>/receive/", my.receive_online, name="receive_online"),
    path("my/dossiers/<str:code>/files/<int:pk>/", my.dossier_file, name="dossier_file"),
    path("my/dossiers/<str:code>/rate/", my.rate, name="rate"),
    path("my/dossiers/<str:code>/feedback/", my.send_feedback, name="feedback"),
    # officials: feedback about dossiers
    path("feedback/office/", office_views.feedback_list, name="office_feedback"),
    path("feedback/office/<int:pk>/", office_views.feedback_detail, name="office_feedback_detail"),
]
