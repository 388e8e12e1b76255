"""Sequence tagging (NER): char-level tags in BIO/BIOES/BMES, BiLSTM-CRF models."""
