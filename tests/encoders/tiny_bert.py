"""A tiny BERT made from a config and saved the way a downloaded model folder is (no network):
the real bert-base-chinese vocabulary, 2 layers of 32 units."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import mirror_dir

VOCAB = Path("bert_base_chinese_vocab") / "vocab.txt"


def make_tiny_bert(folder: Path, layers: int = 2, hidden: int = 32, max_positions: int = 512) -> Path:
    """``folder`` with config.json, model.safetensors and vocab.txt (as ``save_pretrained`` writes them)."""
    import torch
    from transformers import BertConfig, BertModel

    vocab = mirror_dir() / VOCAB
    size = sum(1 for _ in vocab.open(encoding="utf-8"))
    config = BertConfig(
        vocab_size=size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=4 * hidden,
        max_position_embeddings=max_positions,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(folder)
    shutil.copy(vocab, folder / "vocab.txt")
    return folder
