"""Models of this app (added by the issue that builds it)."""
