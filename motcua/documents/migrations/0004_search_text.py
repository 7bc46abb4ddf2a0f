"""Search over official documents (issue 13 point 9): the stored folded `search_text` of
incoming and outgoing documents (motcua.documents.search.search_text_for), filled for the rows
that exist, and on PostgreSQL a trigram index on it (pg_trgm) so that `LIKE '%word%'` does not
read every row. SQLite gets the column only."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

INDEXES = (
    ("documents_incomingdocument", "documents_incoming_search_trgm"),
    ("documents_outgoingdocument", "documents_outgoing_search_trgm"),
)


def fill_search_text(apps: Any, schema_editor: Any) -> None:
    """Rows saved before the column existed (development databases): computed by the same
    function the services call, on the historical rows' fields."""
    from motcua.core.text import fold
    from motcua.documents.enums import TYPE_NAMES

    incoming = apps.get_model("documents", "IncomingDocument")
    outgoing = apps.get_model("documents", "OutgoingDocument")
    file_model = apps.get_model("documents", "IncomingFile")
    for doc in incoming.objects.all().iterator():
        number = doc.code_number.zfill(2) if doc.code_number.isdigit() else doc.code_number
        parts = [
            f"{number}/{doc.code_notation}" if number and doc.code_notation else number,
            doc.code_notation,
            doc.sender_name,
            doc.signer_name,
            doc.type_name or TYPE_NAMES.get(doc.document_type, ""),
            doc.subject,
            doc.content,
            *file_model.objects.filter(document_id=doc.pk).values_list("text", flat=True),
        ]
        text = " ".join(f for p in parts if (f := fold(p)))[:200_000]
        incoming.objects.filter(pk=doc.pk).update(search_text=text)
    for doc in outgoing.objects.select_related("drafter", "signer").iterator():
        number = f"{doc.code_number:02d}/{doc.code_notation}" if doc.code_number else ""
        parts = [
            number,
            doc.code_notation,
            doc.drafter.full_name,
            doc.signer.full_name if doc.signer else "",
            TYPE_NAMES.get(doc.document_type, ""),
            doc.subject,
            doc.content,
        ]
        text = " ".join(f for p in parts if (f := fold(p)))[:200_000]
        outgoing.objects.filter(pk=doc.pk).update(search_text=text)


def create_trigram_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="incomingdocument",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="outgoingdocument",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
