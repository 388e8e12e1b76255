"""Translate encoded sentences in length-sorted batches, greedy or with beam search."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from mtf_lib.data.padding import pad_batch
from mtf_lib.models.seq2seq_search import Hypothesis, beam_search, greedy, length_limits


def translate_ids(
    model: torch.nn.Module,
    sources: list[np.ndarray],
    decoding: Any,
    batch_size: int = 64,
    nbest: int = 1,
    use_cache: bool = True,
) -> list[list[Hypothesis]]:
    """The ``nbest`` best hypotheses of each source (piece ids), in the order given.
    ``decoding``: beam (1: greedy), length_penalty, max_len_ratio, max_len_extra."""
    device = next(model.parameters()).device
    order = np.argsort([len(s) for s in sources], kind="stable")
    out: list[list[Hypothesis]] = [[] for _ in sources]
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        source = pad_batch([{"source": sources[i]} for i in rows], "source")["source"].to(device)
        limits = length_limits(source, decoding.max_len_ratio, decoding.max_len_extra, model.max_len)
        if decoding.beam == 1 and nbest == 1:
            found = [[h] for h in greedy(model, source, limits, decoding.length_penalty, use_cache)]
        else:
            found = beam_search(model, source, limits, decoding.beam, decoding.length_penalty, nbest, use_cache)
        for i, hyps in zip(rows, found, strict=True):
            out[i] = hyps
    return out
