"""Describe an edXML package as one JSON object.

    manage.py edxml_inspect FILE

Keys: kind ("edoc" or "status"); from and each of to as {organ_id, organ_name}; document_id;
code_number; code_notation; promulgation_date (ISO date or null); subject; document_type (the
Type number); signer {full_name, position, competence}; business_doc_type (number or null);
response_for [{organ_id, code, promulgation_date, document_id}]; attachments [{name,
content_type, size}] with size in decoded bytes; status_code (two digits), description and
timestamp (ISO) for a status package. Keys that do not apply to the kind are null or empty.
A file that is not a readable package exits non-zero with a one-line reason.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents.edxml import EdocPackage, EdxmlError, Organ, ResponseFor, parse


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _organ(organ: Organ) -> dict[str, str]:
    return {"organ_id": organ.organ_id, "organ_name": organ.organ_name}


def _response_for(response: ResponseFor) -> dict[str, str | None]:
    return {
        "organ_id": response.organ_id,
        "code": response.code,
        "promulgation_date": _iso(response.promulgation_date),
        "document_id": response.document_id,
    }


def describe(path: str) -> dict[str, Any]:
    """The JSON-ready description of the package in `path` (raises EdxmlError)."""
    package = parse(Path(path))  # a Path: a name starting with '<' is still a file
    if isinstance(package, EdocPackage):
        try:
            return {
                "kind": package.kind,
                "from": _organ(package.from_),
                "to": [_organ(organ) for organ in package.to],
                "document_id": package.document_id,
                "code_number": package.code_number,
                "code_notation": package.code_notation,
                "promulgation_date": _iso(package.promulgation_date),
                "subject": package.subject,
                "document_type": package.document_type,
                "signer": {
                    "full_name": package.signer.full_name,
                    "position": package.signer.position,
                    "competence": package.signer.competence,
                },
                "business_doc_type": package.business_doc_type,
                "response_for": [_response_for(item) for item in package.response_for],
                "attachments": [
                    {"name": item.name, "content_type": item.content_type, "size": item.size}
                    for item in package.attachments
                ],
                "status_code": None,
                "description": None,
                "timestamp": None,
            }
        finally:
            package.close()
    return {
        "kind": package.kind,
        "from": _organ(package.from_),
        "to": [],
        "document_id": None,
        "code_number": None,
        "code_notation": None,
        "promulgation_date": None,
        "subject": None,
        "document_type": None,
        "signer": None,
        "business_doc_type": None,
        "response_for": [_response_for(package.response_for)],
        "attachments": [],
        "status_code": package.status_code,
        "description": package.description,
        "timestamp": package.timestamp.isoformat() if package.timestamp else None,
    }


class Command(BaseCommand):
    help = "Describe an edXML package (QCVN 102:2016) as one JSON object."
    requires_system_checks = []  # reads a file; keeps stderr to the one-line reason

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The edXML package (.edxml / .xml).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            description = describe(options["file"])
        except EdxmlError as exc:
            # An unreadable file's message names the file already.
            message = str(exc) if exc.reason == "unreadable" else f"{options['file']}: {exc}"
            raise CommandError(message) from exc
        self.stdout.write(json.dumps(description, ensure_ascii=False))
