"""Search over official documents (issue 13 point 9).

Both databases: the stored folded `search_text` of incoming and outgoing documents
(motcua.documents.search.search_text_for), filled for the rows that exist, and a
`search_vector` column.

PostgreSQL only: a trigger keeps `search_vector` = to_tsvector('simple', search_text) on every
insert and on every update of search_text (Python never writes it), a GIN index on it, an
index on (arrival_date, id) so that a search over every agency (a provincial administrator)
can walk the newest documents first instead of sorting every match, and one in the incoming
register's order per agency. SQLite keeps the vector
NULL and searches `search_text` with LIKE.

The choices are measured in bench/bench_documents_register.py (bench/README.md).
"""

from __future__ import annotations

from typing import Any

import django.contrib.postgres.search
from django.db import migrations, models

TABLES = ("documents_incomingdocument", "documents_outgoingdocument")
FUNCTION = "documents_search_vector_update"

FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := to_tsvector('simple'::regconfig, coalesce(NEW.search_text, ''));
        RETURN NEW;
    END
    $$
    """,
    *(
        sql
        for table in TABLES
        for sql in (
            f"""
            CREATE TRIGGER {table}_search_vector
            BEFORE INSERT OR UPDATE OF search_text ON {table}
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
            """,
            f"UPDATE {table} SET search_vector = to_tsvector('simple'::regconfig, search_text)",
            f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector)",
            # ANALYZE keeps 10,000 most common words instead of 1,000: a rare word (a number
            # and notation) is then estimated rare, and the planner looks it up in the index
            # rather than walking the newest documents hoping to meet it soon.
            f"ALTER TABLE {table} ALTER COLUMN search_vector SET STATISTICS 1000",
        )
    ),
    "CREATE INDEX documents_incoming_arrival_idx "
    "ON documents_incomingdocument (arrival_date, id)",
    # The incoming register's screen (selectors_registers: one agency, in the order of its
    # registers' arrival numbers): without it PostgreSQL walked every agency's register of the
    # year to find the first 50 lines of one (300 ms on the bench).
    "CREATE INDEX documents_incoming_register_order_idx "
    "ON documents_incomingdocument (organisation_id, register_id, year, arrival_number, id)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS documents_incoming_register_order_idx",
    "DROP INDEX IF EXISTS documents_incoming_arrival_idx",
    *(
        sql
        for table in TABLES
        for sql in (
            f"DROP INDEX IF EXISTS {table}_search_gin",
            f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}",
        )
    ),
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]


def fill_search_text(apps: Any, schema_editor: Any) -> None:
    """Rows saved before the column existed (development databases), as
    search.search_text_for computes it, from the historical rows' fields."""
    from motcua.core.text import fold
    from motcua.documents.enums import TYPE_NAMES

    def join(parts: list[str]) -> str:
        return " ".join(f for p in parts if (f := fold(p)))[:200_000]

    incoming = apps.get_model("documents", "IncomingDocument")
    outgoing = apps.get_model("documents", "OutgoingDocument")
    file_model = apps.get_model("documents", "IncomingFile")
    for doc in incoming.objects.all().iterator():
        number = doc.code_number.zfill(2) if doc.code_number.isdigit() else doc.code_number
        texts = file_model.objects.filter(document_id=doc.pk).exclude(text="")
        text = join(
            [
                f"{number}/{doc.code_notation}" if number and doc.code_notation else "",
                number,
                doc.code_notation,
                doc.sender_name,
                doc.signer_name,
                doc.type_name or TYPE_NAMES.get(doc.document_type, ""),
                doc.subject,
                doc.content,
                *texts.values_list("text", flat=True),
            ]
        )
        incoming.objects.filter(pk=doc.pk).update(search_text=text)
    for doc in outgoing.objects.select_related("drafter", "signer").iterator():
        number = f"{doc.code_number:02d}" if doc.code_number else ""
        text = join(
            [
                f"{number}/{doc.code_notation}" if number and doc.code_notation else "",
                number,
                doc.code_notation,
                doc.drafter.full_name,
                doc.signer.full_name if doc.signer else "",
                TYPE_NAMES.get(doc.document_type, ""),
                doc.subject,
                doc.content,
            ]
        )
        outgoing.objects.filter(pk=doc.pk).update(search_text=text)


def postgresql_forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def postgresql_backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_exchange_nonce")]

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
        migrations.AddField(
            model_name="incomingdocument",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="outgoingdocument",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(postgresql_forward, postgresql_backward),
    ]
