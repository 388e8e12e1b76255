"""Build a tagging model from settings and vocabularies; load and save its bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib.config import build_component
from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.bundle import WEIGHTS_FILE, read_bundle_meta, write_bundle
from mtf_lib.io import atomic_write
from mtf_lib.tasks.tagging.dataset import load_vocabs, save_vocabs


def build_model(model_params: dict[str, Any], vocabs: dict[str, Vocab]) -> Any:
    return build_component("model", model_params, vocabs, vocabs["labels"])


def save_tagging_bundle(directory: Path, model: Any, vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Path:
    from safetensors.torch import save

    def fill(tmp: Path) -> None:
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        with atomic_write(tmp / WEIGHTS_FILE) as handle:
            handle.write(save(state))
        save_vocabs(vocabs, tmp / "vocab")

    return write_bundle(directory, {"task_type": "tagging", **meta}, fill)


def load_tagging_bundle(directory: Path) -> tuple[Any, dict[str, Vocab], dict[str, Any]]:
    from safetensors.torch import load_file

    meta = read_bundle_meta(directory)
    vocabs = load_vocabs(directory / "vocab")
    # Pretrained vectors only initialise training; the bundle's weights already hold them.
    model = build_model({**meta["model"], "char_vectors": None}, vocabs)
    model.load_state_dict(load_file(str(directory / WEIGHTS_FILE)))
    model.eval()
    return model, vocabs, meta
