"""Supervision services: every state change of the supervision app goes through these modules."""
