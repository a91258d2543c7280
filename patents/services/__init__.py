"""Writes for patents, one module per use case; import the module you need."""
