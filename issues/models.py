"""Models of the issues app (see the issue that builds it)."""
