"""Tests package (lets test modules import tests.conftest helpers)."""
