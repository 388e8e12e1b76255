"""Pair scoring: score a text against one or more references (sentence similarity, short-answer grading)."""
