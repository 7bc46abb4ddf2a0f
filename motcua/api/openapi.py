"""Schemas for the OpenAPI document that django-ninja does not build itself.

`Model.model_json_schema()` puts nested models under its own `$defs` and refers to them as
`#/$defs/Name`; placed inside an operation (openapi_extra), those references point nowhere in
the document. `inline_schema` gives the schema with every such reference replaced by the
definition itself, so the document stays self-contained."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_PREFIX = "#/$defs/"


def _inline(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_PREFIX):
            name = ref[len(_PREFIX) :]
            if name in seen:  # a recursive model: cannot be inlined
                raise ValueError(f"{name} refers to itself: give it a component schema")
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**_inline(defs[name], defs, (*seen, name)), **_inline(rest, defs, seen)}
        return {k: _inline(v, defs, seen) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(item, defs, seen) for item in node]
    return node


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema without `$defs`: nested models written out where they are used."""
    schema = model.model_json_schema()
    result: dict[str, Any] = _inline(schema, schema.get("$defs", {}), ())
    return result
