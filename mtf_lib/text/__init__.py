"""Text handling: normalisation, tagging schemes, readers, tokenizers, soft-word features."""
