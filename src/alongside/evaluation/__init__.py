"""Evaluation studies: cohorts, sites, ethics approvals, consent, surveys, imports, exports."""
