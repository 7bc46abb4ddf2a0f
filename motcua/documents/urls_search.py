"""The documents search and the seed's metric, under /office/documents/ (included by
motcua.documents.urls, namespace "documents")."""

from django.urls import path

from motcua.documents import views_metric, views_search

urlpatterns = [
    path("search/", views_search.documents_search, name="search"),
    path("metric/", views_metric.documents_metric, name="metric"),
    path("metric/documents/", views_metric.documents_metric_documents, name="metric_documents"),
    path("metric/export.xlsx", views_metric.documents_metric_export, name="metric_export"),
]
