"""Alongside: run and evaluate peer support in mental health services."""

__version__ = "0.1.0"
