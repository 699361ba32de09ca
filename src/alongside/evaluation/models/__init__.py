"""Evaluation studies: sites, cohorts, ethics approvals, participants, consent and responses.

A study's configuration (sites, cohorts, approvals, instruments) comes from its YAML file
(docs/formats/study.md). Participants are known to the study by the code given in the files
(personal: it can be linked back to a person) and by a study-scoped pseudonym that every
analysis, export and report uses instead. A response keeps its answers as one JSON object
(item code to scale value, or null when missing): one row per completed questionnaire, so an
import of 100,000 rows is 100,000 inserts, not a million.
"""

from alongside.evaluation.models.collection import (
    Invitation,
    PaperEntry,
    PaperForm,
    PaperFormStatus,
    StudyMember,
    SurveyLink,
)
from alongside.evaluation.models.study import (
    Approval,
    ApprovalStatus,
    Cohort,
    CohortInstrument,
    Consent,
    ConsentPurpose,
    Method,
    Participant,
    Response,
    ResponseSource,
    Site,
    Study,
)

__all__ = [
    "Approval",
    "ApprovalStatus",
    "Cohort",
    "CohortInstrument",
    "Consent",
    "ConsentPurpose",
    "Invitation",
    "Method",
    "PaperEntry",
    "PaperForm",
    "PaperFormStatus",
    "Participant",
    "Response",
    "ResponseSource",
    "Site",
    "Study",
    "StudyMember",
    "SurveyLink",
]
