"""System checks of the core app (placeholder, filled in by the audit trail work)."""
