"""Evaluation pages, one module per resource; each module exports its `urlpatterns`."""
