"""Models of the insights app (see the issue that builds it)."""
