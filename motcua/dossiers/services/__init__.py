"""Every change to a dossier goes through here (DOMAIN §3, §4), one module per concern:

- `shell`: the one shell every state change goes through (`_begin`: the time, the dossier's own
  row locked, `policies.ensure_can(action)`, `transitions.check`; `_event`: the timeline event
  and the audit record; `_notify`: the applicant's messages, inside the transaction), the
  inputs (`ApplicantInput`, `ComponentInput`, `RepresentativeInput`);
- `intake`: a new dossier (counter, post, online) and its receipt;
- `steps`: the internal process, forward and approve;
- `pauses`: supplement requests and answers, fees, extensions;
- `endings`: refuse, complete, deliver, stop, withdraw;
- `results`: the signed electronic result released.

The new state is computed by the pure lifecycle (`motcua.dossiers.lifecycle`), whose statuses
come from the transition table. Every service takes an optional explicit event time `at`
(provincial administrators, or trusted code saying `trusted=True`) and `notify=False` (muted
notifications, same rule). The names below are the package's public face: import them from
`motcua.dossiers.services`.
"""

from motcua.dossiers.enums import PAUSED_STATUSES
from motcua.dossiers.rules import classify
from motcua.dossiers.services.endings import (
    END_FIELDS,
    dossier_complete,
    dossier_deliver,
    dossier_refuse,
    dossier_stop,
    dossier_withdraw,
)
from motcua.dossiers.services.intake import (
    dossier_create,
    dossier_receive,
    verified_account_for,
)
from motcua.dossiers.services.pauses import (
    dossier_confirm_payment,
    dossier_extend,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_supplement,
)
from motcua.dossiers.services.results import dossier_release_result, dossier_result_released
from motcua.dossiers.services.shell import (
    OFFICIAL_ROLES,
    PUBLIC_KINDS,
    Actor,
    ApplicantInput,
    ComponentInput,
    RepresentativeInput,
)
from motcua.dossiers.services.steps import (
    dossier_approve,
    dossier_forward,
    dossier_position,
    processing_unit_for,
)

__all__ = [
    "END_FIELDS",
    "OFFICIAL_ROLES",
    "PAUSED_STATUSES",
    "PUBLIC_KINDS",
    "Actor",
    "ApplicantInput",
    "ComponentInput",
    "RepresentativeInput",
    "classify",
    "dossier_approve",
    "dossier_complete",
    "dossier_confirm_payment",
    "dossier_create",
    "dossier_deliver",
    "dossier_extend",
    "dossier_forward",
    "dossier_position",
    "dossier_receive",
    "dossier_refuse",
    "dossier_release_result",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_result_released",
    "dossier_stop",
    "dossier_supplement",
    "dossier_withdraw",
    "processing_unit_for",
    "verified_account_for",
]
