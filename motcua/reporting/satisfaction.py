"""Which dossiers the applicant was dissatisfied with (a "dislike" rating or a complaint).

The ratings belong to another app (feedback/portal), which reporting only reads. The source is a
function `f(dossier_ids: list[int]) -> set[int]` returning those of `dossier_ids` with a
dissatisfied rating or a complaint, found in this order:

1. settings.MOTCUA_DISSATISFIED_DOSSIERS, a dotted path to such a function;
2. `motcua.feedback.selectors.dissatisfied_dossier_ids`, when the feedback app provides it;
3. otherwise none: no rating model exists yet, so no dossier has a complaint (0), and the
   satisfaction indicator 5.4 reflects lateness only. `satisfaction_source()` says which applies.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

Provider = Callable[[list[int]], Iterable[int]]
FEEDBACK_PROVIDER = "motcua.feedback.selectors.dissatisfied_dossier_ids"


def _provider() -> tuple[str, Provider | None]:
    path = getattr(settings, "MOTCUA_DISSATISFIED_DOSSIERS", "")
    if path:
        return path, import_string(path)
    module_name, _sep, attr = FEEDBACK_PROVIDER.rpartition(".")
    try:
        module: Any = importlib.import_module(module_name)
    except ImportError:
        return "", None
    function = getattr(module, attr, None)
    return (FEEDBACK_PROVIDER, function) if callable(function) else ("", None)


def satisfaction_source() -> str:
    """The provider's dotted path, or "" when there is none (0 complaints)."""
    return _provider()[0]


def dissatisfied_dossier_ids(dossier_ids: list[int]) -> set[int]:
    _path, function = _provider()
    if function is None or not dossier_ids:
        return set()
    return set(function(dossier_ids)) & set(dossier_ids)
