from django.urls import path, re_path

from motcua.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.json", views.dashboard_json, name="dashboard_data"),
    path("one-stop/", views.one_stop, name="one_stop"),
    path("one-stop/drill/", views.one_stop_drill_view, name="one_stop_drill"),
    re_path(r"^one-stop/export\.(?P<fmt>xlsx|pdf)$", views.one_stop_export, name="one_stop_export"),
    re_path(r"^export\.(?P<fmt>xlsx|pdf)$", views.dashboard_export, name="dashboard_export"),
    path("index766/", views.index766, name="index766"),
    re_path(r"^index766/export\.(?P<fmt>xlsx|pdf)$", views.index766_export, name="index766_export"),
    path("index766/drill/", views.index766_drill_view, name="index766_drill"),
    path("savings/", views.savings, name="savings"),
]
