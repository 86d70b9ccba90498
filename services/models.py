"""Models of the services app (see the issue that builds it)."""
