"""Training checkpoints: everything needed to resume exactly, written atomically."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mtf_lib.io import atomic_write

LAST = "last.ckpt"


def params_hash(params: Any) -> str:
    """Stable hash of the params that shape a run (JSON with sorted keys)."""
    blob = json.dumps(params, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def save_checkpoint(directory: str | Path, state: dict[str, Any]) -> Path:
    import torch

    path = Path(directory) / LAST
    with atomic_write(path) as handle:
        torch.save(state, handle)
    return path


def load_checkpoint(directory: str | Path) -> dict[str, Any] | None:
    """The last checkpoint in ``directory``, or None. RNG states need full unpickling."""
    import torch

    path = Path(directory) / LAST
    if not path.is_file():
        return None
    # Our own file (written by save_checkpoint): it holds numpy RNG state, not only tensors.
    return torch.load(path, map_location="cpu", weights_only=False)
