"""Workforce pages, one module per resource; each module lists its own URL patterns."""
