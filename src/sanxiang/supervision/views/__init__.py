"""Supervision views, one module per area (clues, evaluation, findings, …)."""
