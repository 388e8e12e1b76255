"""Load params.yaml and validate it before any work is done.

Every problem is reported at once, each with its key path (``train.lr``), in one
``ParamsError``; the CLI and the stage scripts turn it into exit code 2 (``exit_codes``).
"""

from __future__ import annotations

import difflib
import inspect
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from mtf_lib import registry


class ParamsError(ValueError):
    """params.yaml is unreadable or invalid; the message lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        super().__init__(f"{source}: invalid params ({count}):\n{lines}")


class Section(BaseModel):
    """Base for a params group: unknown keys are errors and values are never coerced
    (``true`` is not an int, ``"10"`` is not a number)."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader reading floats as YAML 1.2 does (``3e-4`` is a float, not a string), like
    the YAML library DVC uses to write ``dvc exp run -S`` values."""


_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def read_yaml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "file not found"
        raise ParamsError(str(path), [f"{what} (run from the task folder, or pass the params file's path)"])
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise ParamsError(str(path), [f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"]) from None
    except yaml.YAMLError as exc:
        raise ParamsError(str(path), [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ParamsError(str(path), ["top level must be a mapping of stage groups"])
    return data


def validate(schema: type[BaseModel], data: dict[str, Any], source: str) -> Any:
    """Validate ``data`` against ``schema`` (including registry components); raise ParamsError."""
    problems: list[str] = []
    try:
        parsed = schema.model_validate(data)
    except ValidationError as exc:
        problems.extend(_describe(exc, schema))
        parsed = None
    problems.extend(_component_problems(schema, data))
    if problems:
        raise ParamsError(source, sorted(dict.fromkeys(problems)))
    return parsed


def _describe(exc: ValidationError, schema: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        path = prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        if err["type"] == "extra_forbidden":
            known = _fields_at(schema, loc[:-1])
            hint = difflib.get_close_matches(loc[-1], known, n=1)
            mean = f"; did you mean {hint[0]!r}?" if hint else ""
            valid = f"valid keys: {', '.join(known)}" if known else "this section takes no settings"
            out.append(f"{path}: unknown key{mean} ({valid})")
        elif err["type"] == "missing":
            kind = getattr(_model_at(schema, loc[:-1]), "component_kind", None)
            choices = f" (registered: {', '.join(registry.ALL[kind].names())})" if kind and loc[-1] == "name" else ""
            out.append(f"{path}: required key is missing{choices}")
        elif err["type"] == "value_error":
            message = str(err["ctx"]["error"])  # our own message, already complete
            out.append(f"{path}: {message}" if path else message)  # cross-section checks name their keys
        else:
            out.append(f"{path}: {err['msg']} (got {err.get('input')!r})")
    return out


def _model_at(schema: type[BaseModel], loc: list[str]) -> Any:
    """The section class found by following ``loc`` from ``schema`` (None if it leads elsewhere)."""
    model: Any = schema
    for part in loc:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        model = field.annotation
    return model


def _fields_at(schema: type[BaseModel], loc: list[str]) -> list[str]:
    return list(getattr(_model_at(schema, loc), "model_fields", {}))


# --- components -----------------------------------------------------------------------------


def _component_problems(schema: type[BaseModel], data: dict[str, Any], prefix: str = "") -> list[str]:
    """Check each component section (a class with ``component_kind``) against its factory.

    Such a section holds ``name`` plus the keyword-only arguments of the registered factory;
    plain name fields are checked by ``Registry.name_type`` during model validation.
    """
    problems: list[str] = []
    kind = getattr(schema, "component_kind", None)
    if kind and isinstance(data, dict):
        problems.extend(check_component_args(kind, data, prefix.rstrip("."), getattr(schema, "task_type", None)))
    for name, field in schema.model_fields.items():
        value = data.get(name) if isinstance(data, dict) else None
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel) and isinstance(value, dict):
            problems.extend(_component_problems(sub, value, f"{prefix}{name}."))
    return problems


def check_component_args(kind: str, section: dict[str, Any], path: str, task_type: str | None = None) -> list[str]:
    """Validate ``section`` (``name`` + settings) against the factory's keyword-only parameters."""
    reg = registry.ALL[kind]
    name = section.get("name")
    if not isinstance(name, str) or name not in reg:
        return []  # the section's own ``name`` field reports it
    if task_type and reg.tags(name).get("task_type", task_type) != task_type:
        return []  # made for another task type: the ``name`` field reports it, its settings do not matter
    settings = {k: v for k, v in section.items() if k != "name"}
    try:
        settings_model(reg.get(name)).model_validate(settings)
    except ValidationError as exc:
        return _describe(exc, settings_model(reg.get(name)), prefix=f"{path}.")
    return []


def settings_model(factory: Any) -> type[BaseModel]:
    """A strict pydantic model of a factory's keyword-only parameters (its settings)."""
    fields: dict[str, Any] = {}
    for param in inspect.signature(factory).parameters.values():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        annotation = param.annotation if param.annotation is not inspect.Parameter.empty else Any
        if isinstance(annotation, str):
            # Resolve settings' annotations only: others may name types imported for checkers alone.
            annotation = eval(annotation, factory.__globals__)  # noqa: S307 - the factory's own source
        default = param.default if param.default is not inspect.Parameter.empty else ...
        fields[param.name] = (annotation, default)
    return create_model(
        f"{factory.__name__}_settings",
        __config__=ConfigDict(extra="forbid", strict=True),
        **fields,
    )


def build_component(kind: str, section: dict[str, Any], *args: Any) -> Any:
    """Instantiate component ``section['name']`` of ``kind`` with validated settings."""
    factory = registry.ALL[kind].get(section["name"])
    settings = settings_model(factory).model_validate({k: v for k, v in section.items() if k != "name"})
    return factory(*args, **settings.model_dump())
