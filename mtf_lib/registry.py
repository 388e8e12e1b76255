"""Named, versioned component registries (``"bilstm_crf.v1"``), one per kind, and the registry
of task types.

A user registers a component from their own code without editing mtf_lib::

    from mtf_lib import registry

    @registry.models("my_tagger.v1", task_type="tagging")
    def my_tagger(vocabs, labels, *, hidden: int = 128): ...

Keyword-only parameters are the component's settings, validated from params.yaml. Such code is
loaded everywhere by naming it in params.yaml (``task.code: [code/my_models.py]``), or by an
installed package's entry points in the group ``mtf.components`` (``mtf_lib.plugins``).

Built-in components are registered when their modules are imported, and only the modules a run
needs are imported: a task type's own components when a task of that type is loaded (its
``components``), the shared kinds' modules (optimizers, callbacks, ...) on first use. A name
that is not found makes every task type load its components, so the message can list all the
registered names and say which task type a name belongs to. So validation stays fast, a stage
imports no other task type's code, and serving a model never imports training code.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any

from mtf_lib import config


class UnknownComponentError(KeyError):
    """Raised for a component name that no registry entry matches."""


class Registry:
    """A mapping of names (versioned: ``adam.v1``) to factories for one kind of component.

    ``builtins``: modules whose import registers built-in entries, imported on first use;
    ``lazy``: built-in names with the module that registers each, imported when that name is
    looked up (task types: a tagging run never imports the classification task type).
    """

    def __init__(
        self,
        kind: str,
        plural: str,
        builtins: tuple[str, ...] = (),
        lazy: Mapping[str, str] | None = None,
        versioned: bool = True,
    ) -> None:
        self.kind = kind
        self.plural = plural
        self._builtins = builtins
        self._builtins_loaded = False
        self._lazy = dict(lazy or {})
        self.versioned = versioned
        self._entries: dict[str, Any] = {}
        self._tags: dict[str, dict[str, Any]] = {}

    def __call__(self, name: str, **tags: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator registering ``func`` under ``name`` (e.g. ``"adam.v1"``); ``tags`` describe it
        (a model's ``task_type``, checked against the params' task type; a metric's ``scores``)."""

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self.register(name, func, **tags)
            return func

        return register

    def register(self, name: str, func: Any, **tags: Any) -> None:
        if self.versioned and not _is_versioned(name):
            raise ValueError(f"{self.kind} name {name!r} must end in a version, like 'my_model.v1'")
        existing = self._entries.get(name)
        if existing is not None and not _same(existing, func):
            raise ValueError(f"{self.kind} {name!r} is already registered by {_qualname(existing)}")
        self._entries[name] = func
        self._tags[name] = tags

    def unregister(self, name: str) -> Any:
        """Remove ``name`` (a test's own entry, a module about to be reloaded); its factory."""
        self._tags.pop(name, None)
        return self._entries.pop(name)

    @contextlib.contextmanager
    def replaced(self, name: str, func: Any) -> Iterator[None]:
        """``name`` resolves to ``func`` (with the same tags) inside the block; the registered
        factory is back after it (a test of what a changed component does)."""
        self._find(name)
        original, tags = self._entries[name], self._tags.get(name, {})
        self._entries[name] = func
        try:
            yield
        finally:
            self._entries[name], self._tags[name] = original, tags

    def get(self, name: str) -> Any:
        if not self._find(name):
            raise UnknownComponentError(self.unknown_message(name))
        return self._entries[name]

    def _find(self, name: object) -> bool:
        """Whether ``name`` is registered, importing only what is needed to know."""
        self.load_builtins()
        if name in self._entries:
            return True
        if isinstance(name, str) and name in self._lazy:
            importlib.import_module(self._lazy[name])
            if name in self._entries:
                return True
        load_everything()
        return name in self._entries

    def unknown_message(self, name: str) -> str:
        names = self.names()
        # Compare without the version: every name ends in ".vN", which makes all look alike.
        base, _, version = str(name).rpartition(".v")
        bases: dict[str, list[str]] = {}
        for n in names:
            bases.setdefault(n.rpartition(".v")[0], []).append(n)
        close = difflib.get_close_matches(base or str(name), list(bases), n=1)
        # Of a close name's versions, the one typed if it exists, else the newest.
        versions = bases[close[0]] if close else []
        hint = [next((n for n in versions if n.endswith(f".v{version}")), versions[-1])] if versions else []
        did_you_mean = f" (did you mean {hint[0]!r}?)" if hint else ""
        return f"unknown {self.kind} {name!r}{did_you_mean}; registered: {', '.join(names)}"

    def names(self, **tags: Any) -> list[str]:
        """Registered names, sorted; with ``tags``, those whose tags match (untagged ones always do)."""
        load_everything()
        return sorted(n for n in self._entries if all(self._tags[n].get(k, v) == v for k, v in tags.items()))

    def tags(self, name: str) -> dict[str, Any]:
        self._find(name)
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
        return config.component_type(self, **tags)

    def resolve(self, section: str | Mapping[str, Any]) -> dict[str, Any]:
        """``section`` (a name, or a name with settings) with every setting filled in."""
        return config.resolve_component(self, section)

    def build(self, section: str | Mapping[str, Any], *args: Any) -> Any:
        """The component ``section`` names, built from ``args`` and its validated settings
        (``mtf_lib.config.ComponentError`` for bad ones)."""
        return config.build_component(self, section, *args)

    def for_loading(self, section: Mapping[str, Any]) -> dict[str, Any]:
        """The resolved ``section`` with init-only settings at their defaults (``config.for_loading``)."""
        return config.for_loading(self, section)

    def __contains__(self, name: object) -> bool:
        return self._find(name)

    def load_builtins(self) -> None:
        """Import the modules that register this kind's built-in entries, and installed plug-ins (once)."""
        if not self._builtins_loaded:
            self._builtins_loaded = True
            for module in self._builtins:
                importlib.import_module(module)
            from mtf_lib.plugins import load_entry_points

            load_entry_points()

    def own_names(self) -> list[str]:
        """Registered names of this kind alone (its built-ins, lazy ones and plug-ins), without
        loading every other kind: the task types' names, for instance, import no model code."""
        self.load_builtins()
        for module in self._lazy.values():
            importlib.import_module(module)
        return sorted(self._entries)

    def modules(self, name: str | None = None) -> tuple[str, ...]:
        """The modules that register this kind's built-ins on first use; with ``name``, the one
        module that registers that lazy built-in (none for another name)."""
        if name is None:
            return self._builtins
        return (self._lazy[name],) if name in self._lazy else ()

    def lazy_names(self) -> list[str]:
        """Built-in names whose modules load on lookup (imported or not yet)."""
        return sorted(self._lazy)


def _is_versioned(name: str) -> bool:
    base, _, version = name.rpartition(".v")
    return bool(base) and version.isdigit()


def _qualname(entry: Any) -> str:
    return f"{getattr(entry, '__module__', '?')}.{getattr(entry, '__qualname__', type(entry).__qualname__)}"


def _same(a: Any, b: Any) -> bool:
    """The same entry registered again (a module imported twice), not a different one."""
    if a is b:
        return True
    if callable(a) and callable(b) and hasattr(a, "__qualname__") and hasattr(b, "__qualname__"):
        return _qualname(a) == _qualname(b)
    return a == b


_everything_loaded = False


def load_everything() -> None:
    """Import every built-in entry of every kind and every task type's components (once)."""
    global _everything_loaded
    if _everything_loaded:
        return
    _everything_loaded = True
    for reg in ALL.values():
        reg.load_builtins()
        for module in reg._lazy.values():  # task types, and lazy built-ins of other kinds (spiders)
            importlib.import_module(module)
    for task_type in list(task_types._entries.values()):
        task_type.load_components()


# A task type (mtf_lib.tasks.base.TaskType) names its params schema, stages, predictor and web
# description, and the modules that register its own models, losses, metrics and readers.
task_types = Registry(
    "task_type",
    "task_types",
    lazy={
        "tagging": "mtf_lib.tasks.tagging.task_type",
        "classification": "mtf_lib.tasks.classification.task_type",
        "pair_scoring": "mtf_lib.tasks.pair_scoring.task_type",
        "seq2seq": "mtf_lib.tasks.seq2seq.task_type",
        "kg_qa": "mtf_lib.tasks.kg_qa.task_type",
    },
    versioned=False,
)
readers = Registry("reader", "readers")
tokenizers = Registry("tokenizer", "tokenizers", ("mtf_lib.text.tokenizers",))
vectors = Registry("vectors", "vectors", ("mtf_lib.data.vectors",))
models = Registry("model", "models")
# Lazy: only a model around a pretrained encoder imports it (a BiLSTM task never does).
encoders = Registry("encoder", "encoders", lazy={"transformer.v1": "mtf_lib.encoders.component"})
losses = Registry("loss", "losses")
optimizers = Registry("optimizer", "optimizers", ("mtf_lib.optim",))
schedulers = Registry("scheduler", "schedulers", ("mtf_lib.optim",))
metrics = Registry("metric", "metrics")
callbacks = Registry("callback", "callbacks", ("mtf_lib.training.callbacks",))
graph_builders = Registry(
    "graph_builder",
    "graph_builders",
    lazy={"records.v1": "mtf_lib.graph.builders", "cypher_script.v1": "mtf_lib.graph.builders"},
)
# Spiders of the crawl stage (scrapy.Spider subclasses taking the ``crawl`` params); scrapy is
# imported when one is looked up or every kind is listed.
spiders = Registry("spider", "spiders", lazy={"config_spider.v1": "mtf_lib.crawl.config_spider"})

ALL: dict[str, Registry] = {
    r.kind: r
    for r in (
        task_types,
        readers,
        tokenizers,
        vectors,
        models,
        encoders,
        losses,
        optimizers,
        schedulers,
        metrics,
        callbacks,
        graph_builders,
        spiders,
    )
}
ALL_KINDS = tuple(ALL)
