"""Supervision views, one module per part."""
