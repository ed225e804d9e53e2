"""Supervision services, one module per part (services.scorecard, services.policy,
services.dashboard, …). State changes only through these functions (DESIGN.md: Architecture)."""
