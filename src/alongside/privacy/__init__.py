"""Data subject rights: export everything held about a person, erase or anonymise it on request,
and apply the retention rules. Layer 7: it reads and writes every app below it."""
