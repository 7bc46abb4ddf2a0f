from django.urls import path

from motcua.signatures import views

app_name = "signatures"

urlpatterns = [
    path("verify/", views.verify_upload, name="verify"),
    path("v/<str:code>/", views.document_verify, name="document"),
]
