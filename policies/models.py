"""Models of the policies app (see the issue that builds it)."""
