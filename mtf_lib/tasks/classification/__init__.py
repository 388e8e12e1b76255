"""Text classification: one label per text, token-level models (TextCNN, BiLSTM with attention)."""
