"""Named, versioned component registries (``"bilstm_crf.v1"``), one per kind.

A user registers a component from their own stage code without editing mtf_lib::

    from mtf_lib import registry

    @registry.models("my_tagger.v1")
    def my_tagger(vocabs, labels, *, hidden: int = 128): ...

Keyword-only parameters are the component's settings, validated from params.yaml.

Built-in components are registered when their modules are imported. Each registry imports its
own modules on first use, so importing the registry stays cheap and serving a model (which looks
up models and losses) never imports training code (callbacks, optimizers).
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from typing import Annotated, Any


class UnknownComponentError(KeyError):
    """Raised for a component name that no registry entry matches."""


class Registry:
    """A mapping of versioned names to factories for one kind of component."""

    def __init__(self, kind: str, plural: str, builtins: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.plural = plural
        self._builtins = builtins  # modules whose import registers this kind's built-in components
        self._builtins_loaded = False
        self._entries: dict[str, Callable[..., Any]] = {}
        self._tags: dict[str, dict[str, Any]] = {}

    def __call__(self, name: str, **tags: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator registering ``func`` under ``name`` (e.g. ``"adam.v1"``); ``tags`` describe it
        (a model's ``task_type``, checked against the params' task type; a metric's ``scores``)."""

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self.register(name, func, **tags)
            return func

        return register

    def register(self, name: str, func: Callable[..., Any], **tags: Any) -> None:
        if not _is_versioned(name):
            raise ValueError(f"{self.kind} name {name!r} must end in a version, like 'my_model.v1'")
        existing = self._entries.get(name)
        if existing is not None and existing is not func and _qualname(existing) != _qualname(func):
            raise ValueError(f"{self.kind} {name!r} is already registered by {_qualname(existing)}")
        self._entries[name] = func
        self._tags[name] = tags

    def get(self, name: str) -> Callable[..., Any]:
        self.load_builtins()
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownComponentError(self.unknown_message(name)) from None

    def unknown_message(self, name: str) -> str:
        names = self.names()
        # Compare without the version: every name ends in ".vN", which makes all look alike.
        bases = {n.rpartition(".v")[0]: n for n in names}
        close = difflib.get_close_matches(str(name).rpartition(".v")[0] or str(name), list(bases), n=1)
        hint = [bases[close[0]]] if close else []
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        return f"unknown {self.kind} {name!r}{did_you_mean}; registered: {', '.join(names)}"

    def names(self, **tags: Any) -> list[str]:
        """Registered names, sorted; with ``tags``, those whose tags match (untagged ones always do)."""
        self.load_builtins()
        return sorted(n for n in self._entries if all(self._tags[n].get(k, v) == v for k, v in tags.items()))

    def tags(self, name: str) -> dict[str, Any]:
        self.load_builtins()
        return dict(self._tags.get(name, {}))

    def name_of(self, **tags: Any) -> Any:
        """A pydantic type for a params field holding a registered name of this kind; with
        ``tags`` (``task_type="tagging"``), a name made for another value is refused."""
        from pydantic import AfterValidator

        def check(name: str) -> str:
            if name not in self:
                raise ValueError(self.unknown_message(name))
            for tag, want in tags.items():
                made_for = self.tags(name).get(tag)
                if made_for is not None and made_for != want:
                    fitting = ", ".join(self.names(**tags))
                    raise ValueError(f"{name!r} is a {made_for} {self.kind}; a {want} task needs one of: {fitting}")
            return name

        return Annotated[str, AfterValidator(check)]

    @property
    def name_type(self) -> Any:
        """A pydantic type for a params field holding any registered name of this kind."""
        return self.name_of()

    def ref(self, **tags: Any) -> Any:
        """A pydantic type for a params value naming a component of this kind with its settings:
        ``crf_nll.v1`` or ``{name: token_cross_entropy.v1, label_smoothing: 0.1}``. It validates
        to the section with every setting filled in (``mtf_lib.config.ComponentRef``)."""
        from mtf_lib.config import component_type

        return component_type(self.kind, **tags)

    def __contains__(self, name: object) -> bool:
        self.load_builtins()
        return name in self._entries

    def load_builtins(self) -> None:
        """Import the modules that register this kind's built-in components (once)."""
        if not self._builtins_loaded:
            self._builtins_loaded = True
            for module in self._builtins:
                importlib.import_module(module)


def _is_versioned(name: str) -> bool:
    base, _, version = name.rpartition(".v")
    return bool(base) and version.isdigit()


def _qualname(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


tokenizers = Registry("tokenizer", "tokenizers", ("mtf_lib.text.tokenizers",))
vectors = Registry("vectors", "vectors", ("mtf_lib.data.vectors",))
models = Registry("model", "models", ("mtf_lib.models.taggers", "mtf_lib.models.classifiers"))
losses = Registry("loss", "losses", ("mtf_lib.losses",))
optimizers = Registry("optimizer", "optimizers", ("mtf_lib.optim",))
schedulers = Registry("scheduler", "schedulers", ("mtf_lib.optim",))
metrics = Registry("metric", "metrics", ("mtf_lib.metrics.registered",))
callbacks = Registry("callback", "callbacks", ("mtf_lib.training.callbacks",))

ALL_KINDS = ("tokenizer", "vectors", "model", "loss", "optimizer", "scheduler", "metric", "callback")
ALL: dict[str, Registry] = {
    r.kind: r for r in (tokenizers, vectors, models, losses, optimizers, schedulers, metrics, callbacks)
}
