"""``model.pretrained``: the folder (or hub id) a pretrained encoder is loaded from, checked when
the params are validated, and the encoder module that fine-tuned models are built around.

A trained bundle holds the encoder's config and vocabulary (``<bundle>/encoder/``) beside the
fine-tuned weights, so serving it needs neither the original folder nor a network: a model built
while a bundle loads (``loading_bundle``) takes its architecture from there and random weights,
which the bundle's weights then replace.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo

from mtf_lib.config import ParamsContext
from mtf_lib.encoders.chars import VOCAB_FILE, char_table, read_vocab

CONFIG_FILE = "config.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TOKENIZER_CONFIG = "tokenizer_config.json"
BUNDLE_FOLDER = "encoder"
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")

_params_folder: ContextVar[Path | None] = ContextVar("mtf_params_folder", default=None)
_bundle: ContextVar[Path | None] = ContextVar("mtf_loading_bundle", default=None)


@contextlib.contextmanager
def params_folder(folder: Path) -> Iterator[None]:
    """While params are validated: the folder ``model.pretrained`` paths are relative to."""
    token = _params_folder.set(Path(folder))
    try:
        yield
    finally:
        _params_folder.reset(token)


@contextlib.contextmanager
def loading_bundle(directory: Path) -> Iterator[None]:
    """While a bundle's model is built: encoders come from the bundle, not ``model.pretrained``."""
    token = _bundle.set(Path(directory))
    try:
        yield
    finally:
        _bundle.reset(token)


def download_hint(value: str) -> str:
    name = Path(value).name or value
    return f"hf download {name} --local-dir {value}"


def is_hub_id(value: str) -> bool:
    """Whether ``model.pretrained`` reads as a hub id (``org/name``, one slash at most) rather than
    a folder of the task (one under resources/, models/ or data/ is always a folder)."""
    return (
        value.count("/") <= 1
        and HUB_ID.fullmatch(value) is not None
        and not value.startswith(("resources", "models", "data"))
    )


def pretrained_problem(value: str, folder: Path) -> str | None:
    """What is wrong with ``model.pretrained`` (a folder relative to ``folder``, or a hub id), or None."""
    path = folder / value
    if path.is_dir():
        missing = [CONFIG_FILE] if not (path / CONFIG_FILE).is_file() else []
        if not any((path / name).is_file() for name in WEIGHT_FILES):
            missing.append(" or ".join(WEIGHT_FILES))
        if not (path / VOCAB_FILE).is_file():
            missing.append(VOCAB_FILE)
        if missing:
            return (
                f"{value} is not a pretrained model folder as save_pretrained writes it: no {', '.join(missing)}; "
                f"download a whole one: {download_hint(value)}"
            )
        return None
    if path.exists():
        return f"{value} is a file, not a model folder"
    if is_hub_id(value):
        return None  # a hub id: transformers resolves it when the train stage runs (network needed)
    return f"no model folder {value} (relative to the task folder); download one: {download_hint(value)}"


def _check(value: str, info: ValidationInfo) -> str:
    if _bundle.get() is not None:
        return value  # rebuilding a trained model: the bundle holds the encoder
    context = info.context if isinstance(info.context, ParamsContext) else None
    if context is not None and context.stage not in (None, "train"):
        return value  # only training reads the folder; evaluate and serving read the bundle
    folder = context.folder if context is not None else _params_folder.get() or Path.cwd()
    problem = pretrained_problem(value, folder)
    if problem:
        raise ValueError(problem)
    return value


Pretrained = Annotated[str, AfterValidator(_check)]


def _resolve(value: str) -> str:
    """A folder relative to the task folder (``params_folder``; the stages run there), else the hub id."""
    path = (_params_folder.get() or Path.cwd()) / value
    return str(path) if path.is_dir() else value


def vocab_folder(value: str) -> Path:
    """The folder holding the vocabulary of ``value`` (a hub id's is fetched into the hub cache)."""
    path = Path(_resolve(value))
    if path.is_dir():
        return path
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(value, VOCAB_FILE)).parent


def lowercase_of(folder: Path) -> bool:
    """Whether the tokenizer lower-cases (``do_lower_case``; BERT-Chinese's vocabularies are uncased)."""
    config = folder / TOKENIZER_CONFIG
    if config.is_file():
        return bool(json.loads(config.read_text(encoding="utf-8")).get("do_lower_case", True))
    return True


def build_encoder(value: str, gradient_checkpointing: bool = False) -> tuple[Any, Path]:
    """(the transformers encoder, the folder of its vocabulary): from the bundle being loaded
    (its architecture, random weights) or from ``value`` (the pretrained weights)."""
    from transformers import AutoConfig, AutoModel

    bundle = _bundle.get()
    if bundle is not None:
        folder = bundle / BUNDLE_FOLDER
        encoder = _without_pooler(AutoModel.from_config, AutoConfig.from_pretrained(folder))
    else:
        try:
            encoder = _without_pooler(AutoModel.from_pretrained, _resolve(value))
            folder = vocab_folder(value)
        except OSError as error:
            from mtf_lib.errors import CodeError

            raise CodeError(
                f"model.pretrained {value!r} cannot be loaded ({error}); "
                f"on a machine without network download it first: {download_hint('resources/bert_models/' + value)}",
                value,
            ) from error
        if gradient_checkpointing:
            encoder.gradient_checkpointing_enable()
    return encoder, folder


def _without_pooler(make: Any, source: Any) -> Any:
    """The encoder without its pooler where the architecture has one (BERT's is never used here).
    transformers' load report would list the pooler's weights as unexpected: errors only."""
    from transformers.utils import logging

    level = logging.get_verbosity()
    logging.set_verbosity_error()
    try:
        return make(source, add_pooling_layer=False)
    except TypeError:
        return make(source)
    finally:
        logging.set_verbosity(level)


def save_encoder_files(encoder: Any, vocab_from: Path, directory: Path) -> None:
    """The encoder's config and vocabulary into ``directory``/encoder (a bundle being written)."""
    target = directory / BUNDLE_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    encoder.config.save_pretrained(target)
    shutil.copy2(vocab_from / VOCAB_FILE, target / VOCAB_FILE)
    if (vocab_from / TOKENIZER_CONFIG).is_file():
        shutil.copy2(vocab_from / TOKENIZER_CONFIG, target / TOKENIZER_CONFIG)


def table_for(folder: Path) -> Any:
    """The character → piece id table of the vocabulary in ``folder``, as a torch tensor."""
    import torch

    return torch.from_numpy(char_table(read_vocab(folder), lowercase_of(folder)))
