"""Outcome measures: instrument definitions as data, scoring, text packs and change statistics."""
