"""Find the tasks of a project and serve their bundles: each model is loaded once, on first use,
behind a lock, so concurrent first requests load it once and share it. A model whose bundle
changes on disk (retrained, ``dvc checkout``, ``dvc exp apply``) is loaded again; until a
changed bundle loads, the model that loaded before keeps answering.

The catalog reads params.yaml, metrics and bundle files; models load through the Predictor API
(mtf_lib.inference), never through training code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mtf_lib.inference.bundle import BUNDLE_FILE
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.evaluation import EVAL_FILE
from mtf_lib.tasks.model_card import CARD_FILE
from web.settings import WebSettings

if TYPE_CHECKING:
    from mtf_lib.inference import Predictor

log = logging.getLogger(__name__)

# Written into the bundle by evaluate, after training: not part of the model (nor of its hash).
NOT_MODEL = frozenset({CARD_FILE})
EVAL_METRICS = StagePaths.metrics / EVAL_FILE


class ModelUnavailable(Exception):
    """The task exists but has no usable model; the message says how to get one."""


@dataclass(frozen=True)
class LoadedModel:
    """A loaded model with the hash of the bundle it came from: replaced whole, so an answer's
    bundle_hash always names the model that made it."""

    predictor: Predictor
    bundle_hash: str
    signature: tuple


@dataclass
class Task:
    app: str
    name: str
    task_type: str
    directory: Path
    bundle_dir: Path
    train_command: str
    reload_check_s: float = 2.0  # how often, at most, the bundle is checked for changes; 0: never
    code: tuple[str, ...] = ()  # task.code: the task's own modules (a task type or components of its own)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _loaded: LoadedModel | None = field(default=None, repr=False)
    _checked_at: float = field(default=0.0, repr=False)
    _hash: tuple[tuple, str] | None = field(default=None, repr=False)
    _failure: tuple[tuple, ModelUnavailable] | None = field(default=None, repr=False)

    def api(self) -> Any:
        """The task type's web description (``mtf_lib.tasks.api.ApiSpec``), after importing the
        task's own code, which may register the task type; ModelUnavailable naming what fails."""
        from mtf_lib import registry
        from mtf_lib.errors import CodeError
        from mtf_lib.plugins import load_task_code

        try:
            load_task_code(self.directory, self.code)
            return registry.task_types.get(self.task_type).api_spec()
        except CodeError as error:
            raise ModelUnavailable(
                f"{self.app}/{self.name} cannot be served: {error.module} is missing or broken"
            ) from error
        except KeyError as error:
            raise ModelUnavailable(f"{self.app}/{self.name}: task type {self.task_type!r} is not registered") from error

    @property
    def trained(self) -> bool:
        return (self.bundle_dir / BUNDLE_FILE).is_file()

    def metrics(self) -> dict[str, dict[str, float]]:
        """Headline metrics: the test split's from metrics/eval.json, else the bundle's dev metrics."""
        test = _read_json(self.directory / EVAL_METRICS).get("test")
        if isinstance(test, dict):
            return {"test": numbers(test)}
        dev = _read_json(self.bundle_dir / BUNDLE_FILE).get("dev_metrics")
        return {"dev": numbers(dev, skip={"epoch", "train_loss"})} if isinstance(dev, dict) else {}

    def bundle_hash(self) -> str | None:
        """SHA-256 over the bundle's files (names and bytes); recomputed only when a file changes.
        None when not trained, or while the bundle is being rewritten."""
        if not self.trained:
            return None
        signature = self._signature()
        if self._hash is None or self._hash[0] != signature:
            digest = hashlib.sha256()
            try:
                for name, _, _ in signature:
                    digest.update(name.encode() + b"\0")
                    digest.update((self.bundle_dir / name).read_bytes())
            except FileNotFoundError:
                return None
            self._hash = (signature, digest.hexdigest())
        return self._hash[1]

    def _signature(self) -> tuple[tuple[str, int, int], ...]:
        """(name, size, mtime) of every bundle file: changes whenever the bundle is rewritten."""
        files = sorted(p for p in self.bundle_dir.rglob("*") if p.is_file() and p.name not in NOT_MODEL)
        try:
            return tuple((str(p.relative_to(self.bundle_dir)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
        except FileNotFoundError:  # removed while listed: a different bundle from the last one seen
            return ()

    def model(self) -> LoadedModel:
        """The loaded model, loaded again when its bundle has changed; ModelUnavailable when it is
        not trained or cannot be read and no earlier model of the task has loaded."""
        loaded = self._loaded
        if loaded is not None and not self._check_due():
            return loaded
        with self._lock:
            if self._loaded is None or self._signature() != self._loaded.signature:
                try:
                    replaced, self._loaded = self._loaded, self._load()
                    if replaced is not None:
                        replaced.predictor.close()  # a kg_qa predictor holds its graph open
                except ModelUnavailable:
                    if self._loaded is None:
                        raise
                    # Mid-retrain (DVC removes outputs first) or a damaged bundle: the last good
                    # model answers, under its own bundle_hash. _load logged why.
            return self._loaded

    def _check_due(self) -> bool:
        """True at most once per ``reload_check_s``: a check lists and stats the bundle's files."""
        if self.reload_check_s <= 0:
            return False
        now = time.monotonic()
        if now - self._checked_at < self.reload_check_s:
            return False
        self._checked_at = now
        return True

    def _load(self) -> LoadedModel:
        if not self.trained:
            if (self.directory / EVAL_METRICS).is_file():  # trained elsewhere: its metrics are committed
                raise ModelUnavailable(
                    f"the model of {self.app}/{self.name} is not in this copy (its metrics are): "
                    f"`dvc pull` it from the project's DVC remote, or train it: `{self.train_command}`"
                )
            raise ModelUnavailable(f"{self.app}/{self.name} is not trained yet: run `{self.train_command}`")
        signature = self._signature()
        if self._failure and self._failure[0] == signature:
            raise self._failure[1]  # the same broken bundle: no new attempt, no new log entry
        from mtf_lib.errors import CodeError, InputError, ServiceError
        from mtf_lib.inference import Predictor

        try:
            bundle_hash = self.bundle_hash()
            if bundle_hash is None:
                raise FileNotFoundError("the bundle changed while it was read")
            predictor = Predictor.load(self.bundle_dir)
        except ServiceError as error:
            # A database the model reads is down: not remembered as a broken bundle, tried again next time.
            log.warning("%s/%s: %s", self.app, self.name, error)
            raise ModelUnavailable(f"{self.app}/{self.name} is unavailable: {error}") from error
        except CodeError as error:
            log.exception("cannot load the bundle of %s/%s from %s", self.app, self.name, self.bundle_dir)
            failure = ModelUnavailable(
                f"the model of {self.app}/{self.name} needs code that cannot be imported: {error.module} "
                f"(restore it, or retrain: `{self.train_command}`)"
            )
            self._failure = (signature, failure)
            raise failure from error
        except (InputError, OSError, KeyError, ValueError, RuntimeError) as error:
            log.exception("cannot load the bundle of %s/%s from %s", self.app, self.name, self.bundle_dir)
            # The client learns what to do; paths and internals stay in the server log.
            failure = ModelUnavailable(
                f"the model of {self.app}/{self.name} cannot be loaded (its bundle is incomplete or damaged: "
                f"{type(error).__name__}); retrain it: `{self.train_command}`"
            )
            self._failure = (signature, failure)
            raise failure from error
        log.info("loaded %s/%s from %s", self.app, self.name, self.bundle_dir)
        return LoadedModel(predictor, bundle_hash, signature)


class Catalog:
    """Every task found under the settings' patterns, by ``(app, task)``."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.tasks: dict[tuple[str, str], Task] = {}
        for directory in _task_folders(settings):
            task = _read_task(directory, settings)
            if task is None:
                continue
            key = (task.app, task.name)
            if key in self.tasks:
                log.warning("%s: %s/%s is already served from %s", directory, *key, self.tasks[key].directory)
                continue
            self.tasks[key] = task

    def get(self, app: str, name: str) -> Task | None:
        return self.tasks.get((app, name))

    def __iter__(self) -> Iterator[Task]:
        return iter(sorted(self.tasks.values(), key=lambda t: (t.app, t.name)))

    def preload(self) -> None:
        """Load every trained model now; one that cannot load is logged and answers 503, as it would lazily."""
        for task in self:
            if task.trained:
                try:
                    task.model()
                except ModelUnavailable as error:
                    log.warning("%s", error)


def set_torch_threads(threads: int | None) -> None:
    if threads is not None:
        import torch

        torch.set_num_threads(threads)


def _task_folders(settings: WebSettings) -> list[Path]:
    root = settings.root.resolve()
    found: list[Path] = []
    for pattern in settings.tasks:
        matches = [root] if pattern.strip("/") in ("", ".") else sorted(root.glob(pattern))
        found += [p.resolve() for p in matches if (p / "params.yaml").is_file() and p.resolve() not in found]
    return found


def _read_task(directory: Path, settings: WebSettings) -> Task | None:
    try:
        params = yaml.safe_load((directory / "params.yaml").read_text(encoding="utf-8"))
        task = params["task"]
        name, task_type = str(task["name"]), str(task["type"])
        code = tuple(str(f) for f in task.get("code") or ())
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError) as error:
        log.warning("%s/params.yaml is not a task's params (%s); not served", directory, error)
        return None
    root = settings.root.resolve()
    if directory == root:
        app, command = settings.root_app, "dvc repro"
    else:
        app, name = directory.parent.name, directory.name
        where = directory.relative_to(root) if directory.is_relative_to(root) else directory
        command = f"dvc repro {where / 'dvc.yaml'}"
    return Task(app, name, task_type, directory, directory / settings.bundle, command, settings.reload_check_s, code)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def numbers(values: dict[str, Any], skip: set[str] = frozenset()) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in values.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and k not in skip
    }
