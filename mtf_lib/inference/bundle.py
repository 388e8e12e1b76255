"""A bundle is one folder holding a trained model: ``bundle.json`` (task type, model settings,
params, metrics), ``model.safetensors`` (weights) and ``vocab/*.json``.

Bundles are written to a temporary folder and swapped into place, so a reader never sees a
half-written one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write, current_umask

BUNDLE_FILE = "bundle.json"
WEIGHTS_FILE = "model.safetensors"
FORMAT_VERSION = 1


class BundleError(InputError):
    """A folder is not a readable model bundle."""


def write_bundle(directory: str | Path, meta: dict[str, Any], fill: Callable[[Path], None]) -> Path:
    """Create the bundle at ``directory``: ``fill(tmp)`` writes weights and vocabularies."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes 0700; a bundle is shared, not private
    try:
        fill(tmp)
        (tmp / BUNDLE_FILE).write_text(
            json.dumps({"format_version": FORMAT_VERSION, **meta}, ensure_ascii=False, indent=2, sort_keys=True),
            encoding="utf-8",
        )
        if directory.exists():
            old = directory.with_name(f".{directory.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(directory, old)
            os.replace(tmp, directory)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, directory)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return directory


def save_model_bundle(
    directory: str | Path,
    task_type: str,
    model: Any,
    vocabs: dict[str, Any],
    meta: dict[str, Any],
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """A bundle of ``model``'s weights (safetensors), ``vocabs`` and ``meta`` for ``task_type``;
    ``extra(folder)`` writes what else serving needs (fitted features) into the bundle's folder."""
    from safetensors.torch import save

    from mtf_lib.data.vocab import save_vocabs

    def fill(tmp: Path) -> None:
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        with atomic_write(tmp / WEIGHTS_FILE) as handle:
            handle.write(save(state))
        save_vocabs(vocabs, tmp / "vocab")
        # A part that needs files of its own to be rebuilt (a pretrained encoder's config and
        # vocabulary); an ensemble's members share them, so the first one's serve all.
        owner = next((m for m in model.modules() if hasattr(m, "save_bundle_files")), None)
        if owner is not None:
            owner.save_bundle_files(tmp)
        if extra is not None:
            extra(tmp)

    return write_bundle(directory, {"task_type": task_type, **meta}, fill)


def load_bundle_parts(directory: str | Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(meta, vocabs, state_dict)`` of a bundle; building the model is the task type's job."""
    from mtf_lib.data.vocab import load_vocabs

    directory = Path(directory)
    meta = read_bundle_meta(directory)
    return meta, load_vocabs(directory / "vocab"), _load_weights(directory / WEIGHTS_FILE)


def load_model_bundle(
    directory: str | Path,
    build: Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], Any],
    combine: Callable[[list[Any]], Any] | None = None,
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """``(model, vocabs, meta)``: ``build(settings, vocabs, meta)`` makes the model from its
    settings (init-only ones at their defaults), ``combine`` an ensemble of ``meta["ensemble"]``
    of them; the weights are loaded and the model is put in eval mode."""
    from mtf_lib import registry
    from mtf_lib.encoders.pretrained import loading_bundle

    meta, vocabs, state = load_bundle_parts(directory)
    with loading_bundle(Path(directory)):  # parts with files of their own read them from the bundle
        settings = registry.models.for_loading(meta["model"])
        count = meta.get("ensemble", 1)
        members = [build(settings, vocabs, meta) for _ in range(count)]
    model = combine(members) if count > 1 else members[0]
    model.load_state_dict(state)
    model.eval()
    return model, vocabs, meta


def _load_weights(path: Path) -> dict[str, Any]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.is_file():
        raise BundleError(f"{path} is missing: the bundle is incomplete; train the task again")
    try:
        return load_file(str(path))
    except SafetensorError as error:
        raise BundleError(f"{path} is not a readable safetensors file ({error}); train the task again") from error


def read_bundle_meta(directory: str | Path) -> dict[str, Any]:
    """A bundle's ``bundle.json``, after importing the task code its model needs (CodeError
    naming what is missing)."""
    from mtf_lib.plugins import load_bundle_code

    path = Path(directory) / BUNDLE_FILE
    if not path.is_file():
        raise BundleError(f"{directory} is not a model bundle (no {BUNDLE_FILE}); train the task first")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"{path}: bundle format {meta.get('format_version')} is not {FORMAT_VERSION}")
    load_bundle_code(Path(directory), meta.get("code"))
    return meta
