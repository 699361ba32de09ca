"""The qualitative analysis of a study: sources, segments, codebook, codings, memos, quotes."""

from alongside.qualitative.models.assist import RunStatus, StoredSuggestion, SuggestionRun
from alongside.qualitative.models.codes import Code, Coding, QuoteMark, SuggestionDecision
from alongside.qualitative.models.project import Memo, Phase, Project
from alongside.qualitative.models.sources import Segment, Source, SourceKind, Speaker

__all__ = [
    "Code",
    "Coding",
    "Memo",
    "Phase",
    "Project",
    "QuoteMark",
    "RunStatus",
    "Segment",
    "Source",
    "SourceKind",
    "Speaker",
    "StoredSuggestion",
    "SuggestionDecision",
    "SuggestionRun",
]
