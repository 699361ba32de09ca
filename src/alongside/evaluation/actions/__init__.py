"""Writes to evaluation studies, one module per resource; each function is one transaction with
its audit record. The study-level actions are re-exported here."""

from alongside.evaluation.actions.studies import (
    BATCH,
    ImportResult,
    add_study_member,
    import_participants,
    import_responses,
    load_study,
    record_consent,
    remove_study_member,
    require_approval,
    withdraw_participant,
)

__all__ = [
    "BATCH",
    "ImportResult",
    "add_study_member",
    "import_participants",
    "import_responses",
    "load_study",
    "record_consent",
    "remove_study_member",
    "require_approval",
    "withdraw_participant",
]
