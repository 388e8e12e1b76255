"""Vocabularies, array encoding and batching."""
