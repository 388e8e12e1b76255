"""Load params.yaml and validate it before any work is done.

Every problem is reported at once, each with its key path (``train.lr``), in one
``ParamsError``; the CLI and the stage scripts turn it into exit code 2 (``exit_codes``).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Protocol, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError, ValidationInfo, create_model

# What a registered name looks like (``crf_nll.v1``): anything else given as one is a value.
COMPONENT_NAME = re.compile(r"[\w-]+\.v\d+")


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
    (``true`` is not an int, ``"10"`` is not a number).

    ``moved``: keys of earlier versions of the group → what to write instead (``{value}``: the
    value given); ``validate`` reports one at its own key, beside every other problem."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)
    moved: ClassVar[dict[str, str]] = {}


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


Problem = tuple[str, str]  # (key path, message)


class ComponentError(ValueError):
    """A component section is invalid; ``problems`` are paths relative to the section."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(_format(path, message) for path, message in problems))


@dataclass(frozen=True)
class ParamsContext:
    """What validating a params file knows besides its values: the file's folder (relative paths
    in it, such as ``model.encoder.pretrained``, are relative to it) and the stage it is validated for
    (None: every stage, as ``mtf check`` does). Validators read it from ``info.context``."""

    folder: Path
    stage: str | None = None


def validate(schema: type[BaseModel], data: dict[str, Any], source: str, context: ParamsContext | None = None) -> Any:
    """Validate ``data`` against ``schema`` (components included); raise ParamsError naming every problem."""
    found: list[Problem] = []
    data = _without_moved(schema, data, "", found)
    try:
        validated = schema.model_validate(data, context=context)
    except ValidationError as exc:
        found += describe(exc, schema, data)
    if found:
        raise ParamsError(source, sorted(dict.fromkeys(_format(path, message) for path, message in found)))
    return validated


def _without_moved(model: Any, data: Any, path: str, moved: list[Problem]) -> Any:
    """``data`` without the keys its sections declare ``moved``, each added to ``moved`` with
    what to write instead; nested sections are followed."""
    if not (isinstance(data, dict) and _is_section(model)):
        return data
    kept = {}
    for key, value in data.items():
        where = _join(path, str(key))
        if key in model.moved:
            moved.append((where, model.moved[key].format(value=value)))
            continue
        field = model.model_fields.get(key)
        sections = [t for t in (field.annotation, *get_args(field.annotation)) if _is_section(t)] if field else []
        kept[key] = _without_moved(sections[0], value, where, moved) if sections else value
    return kept


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Section)


def describe(exc: ValidationError, schema: type[BaseModel], data: Any = None) -> list[Problem]:
    """Each error of ``exc`` as (key path, message), with did-you-mean hints for unknown keys and,
    given the params ``data``, where a key in the wrong place belongs."""
    out: list[Problem] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ComponentError):
            for sub, message in cause.problems:
                if message.startswith("unknown key") and data is not None:  # a component's key in the wrong place
                    # Where it belongs beats a look-alike name (encoder_lr is not a typo of encoder).
                    elsewhere = _belongs_elsewhere(schema, data, loc[:-1], sub.split(".")[-1], in_component=True)
                    valid = message[message.find("(valid") :] if "(valid" in message else ""
                    message = f"unknown key; {elsewhere} {valid}".rstrip() if elsewhere else message
                out.append((_join(path, sub), message))
        elif err["type"] == "extra_forbidden":
            known = _fields_at(schema, loc[:-1])
            hint = difflib.get_close_matches(loc[-1], known, n=1)
            elsewhere = None if hint or data is None else _belongs_elsewhere(schema, data, loc[:-1], loc[-1])
            mean = f"; did you mean {hint[0]!r}?" if hint else f"; {elsewhere}" if elsewhere else ""
            valid = f"valid keys: {', '.join(known)}" if known else "this section takes no settings"
            out.append((path, f"unknown key{mean} ({valid})"))
        elif err["type"] == "missing":
            out.append((path, "required key is missing"))
        elif err["type"] == "value_error":
            out.append((path, str(cause)))  # our own message, already complete
        else:
            out.append((path, f"{err['msg']} (got {err.get('input')!r})"))
    return out


def _belongs_elsewhere(
    schema: type[BaseModel], data: Any, section: list[str], key: str, in_component: bool = False
) -> str | None:
    """Where an unknown ``key`` of ``section`` (or of a component in it) is a setting: of a group
    (``train.beam`` → ``evaluate.beam``), or of a component the task configures (``train.dropout``
    → its model's; ``train.momentum`` → sgd.v1's, in ``train.optimizer``); this section first."""
    groups = [g for g, field in schema.model_fields.items() if key in getattr(field.annotation, "model_fields", {})]
    if groups and (section or in_component):
        return f"{key!r} belongs in {' or '.join(f'{g}.{key}' for g in groups)}"
    places = [section, [], *([g] for g in schema.model_fields if [g] != section)]  # []: model, at the top
    elsewhere = None
    for place in places:
        for name, field in getattr(_model_at(schema, place), "model_fields", {}).items():
            where = [*place, name]
            for ref in _component_refs(field.annotation, field.metadata):
                value = _value_at(data, where)
                found = _setting_of(ref, value if value is not None else field.default, key, ".".join(where))
                if found:
                    return found
                owners = [
                    n for n in ref.reg.names(**dict(ref.tags)) if key in settings_model(ref.reg.get(n)).model_fields
                ]
                if owners and elsewhere is None:
                    chosen = ", ".join(_names(value if value is not None else field.default)) or "none"
                    owned = f"{key!r} is a setting of {', '.join(owners[:3])} in {'.'.join(where)}"
                    elsewhere = f"{owned} (this task's: {chosen})"
    return elsewhere


def _setting_of(ref: ComponentRef, value: Any, key: str, where: str, depth: int = 2) -> str | None:
    """Where ``key`` goes if it is a setting of the component(s) ``value`` configures at ``where``,
    or of their sub-components (``model.loss``)."""
    for section, name in zip(_sections(value), _names(value), strict=True):
        if name not in ref.reg:
            continue
        model = settings_model(ref.reg.get(name))
        if key in model.model_fields:
            return f"{key!r} is a setting of {name}, this task's {where}: give it there ({{name: {name}, {key}: …}})"
        for sub, field in model.model_fields.items() if depth > 1 else ():
            given = section.get(sub) if isinstance(section, Mapping) else None
            for inner in _component_refs(field.annotation, field.metadata):
                # A required sub-component not given yet: any of its kind may be the one meant.
                default = field.default if field.is_required() is False else inner.reg.names(**dict(inner.tags))
                found = _setting_of(inner, given if given is not None else default, key, f"{where}.{sub}", depth - 1)
                if found:
                    return found
    return None


def _sections(value: Any) -> list[Any]:
    """The component sections a params value holds: one (a name or a mapping), or a list of them."""
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str | Mapping)]


def _names(value: Any) -> list[str]:
    return [str(v.get("name")) if isinstance(v, Mapping) else v for v in _sections(value)]


def _value_at(data: Any, where: list[str]) -> Any:
    for part in where:
        data = data.get(part) if isinstance(data, Mapping) else None
    return data


def _component_refs(annotation: Any, metadata: list[Any] = ()) -> list[ComponentRef]:
    """The component references of a field's type (``ref()`` or ``list[ref()]``)."""
    found = [m for m in metadata if isinstance(m, ComponentRef)]
    for arg in get_args(annotation):
        found += [m for m in get_args(arg)[1:] if isinstance(m, ComponentRef)] if get_origin(arg) is Annotated else []
        found += [arg] if isinstance(arg, ComponentRef) else []
    return found


def _join(path: str, sub: str) -> str:
    if not path or not sub:
        return path or sub
    return f"{path}{sub}" if sub.startswith("[") else f"{path}.{sub}"


def _format(path: str, message: str) -> str:
    return f"{path}: {message}" if path else message  # cross-section checks name their keys themselves


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


class InitOnly:
    """Marks a setting that only initialises training (a pretrained-vectors file, freezing it):
    a trained model is rebuilt from its bundle with the setting's default, since its weights
    already hold what the setting put there. Use as ``Annotated[str | None, INIT_ONLY]``."""


INIT_ONLY = InitOnly()


class ComponentKind(Protocol):
    """What validation needs of a registry (``mtf_lib.registry.Registry``)."""

    kind: str

    def __contains__(self, name: object) -> bool: ...

    def get(self, name: str) -> Any: ...

    def names(self, **tags: Any) -> list[str]: ...

    def tags(self, name: str) -> dict[str, Any]: ...

    def unknown_message(self, name: object) -> str: ...


@dataclass(frozen=True)
class ComponentRef:
    """A params value naming a component of the registry ``reg``: its name alone
    (``crf_nll.v1``) or a section ``{name: ..., <its settings>}``. It validates to the resolved
    section: the name and every setting of the factory, defaults filled in, sub-components
    resolved the same way, so bundles and run hashes record what was really built."""

    reg: ComponentKind
    tags: tuple[tuple[str, Any], ...] = ()

    def validate(self, value: Any, info: ValidationInfo) -> dict[str, Any]:
        return self.resolve(value, info.context)

    def resolve(self, value: Any, context: Any = None) -> dict[str, Any]:
        reg, kind = self.reg, self.reg.kind
        wanted = dict(self.tags)
        section = {"name": value} if isinstance(value, str) else value
        if not isinstance(section, Mapping):
            expected = f"expected a registered {kind} name or a mapping with its name"
            raise ComponentError([("", f"{expected}, got {value!r}")])
        name = section.get("name")
        at = "" if isinstance(value, str) else "name"  # a bare name's problem is the value's own
        if name is None:
            raise ComponentError([(at, f"required key is missing (registered: {', '.join(reg.names(**wanted))})")])
        if not isinstance(name, str) or name not in reg:
            raise ComponentError([(at, reg.unknown_message(name) + _as_setting(reg, value, wanted))])
        for tag, want in wanted.items():
            made_for = reg.tags(name).get(tag)
            if made_for is not None and made_for != want:
                fitting = ", ".join(reg.names(**wanted))
                raise ComponentError([(at, f"{name!r} is a {made_for} {kind}; a {want} task needs one of: {fitting}")])
        model = settings_model(reg.get(name))
        settings = {k: v for k, v in section.items() if k != "name"}
        try:
            # The context (the params file's folder, the stage) reaches the settings' own validators.
            resolved = model.model_validate(settings, context=context)
        except ValidationError as exc:
            raise ComponentError(describe(exc, model)) from None
        return {"name": name, **resolved.model_dump()}


def _as_setting(reg: ComponentKind, value: Any, wanted: dict[str, Any]) -> str:
    """A hint for a bare value given where a component goes (``encoder: models/bert``): the
    components whose one required setting could take it, written the way they are given."""
    if not isinstance(value, str) or COMPONENT_NAME.fullmatch(value):
        return ""
    forms = []
    for name in reg.names(**wanted):
        fields = settings_model(reg.get(name)).model_fields
        required = [key for key, field in fields.items() if field.is_required()]
        if len(required) == 1:
            forms.append(f"{{name: {name}, {required[0]}: {value}}}")
    return f". A component is given by its name and settings: {' or '.join(forms)}" if forms else ""


def component_type(reg: ComponentKind, **tags: Any) -> Any:
    """The pydantic type of a params value holding a component of ``reg`` (see ComponentRef)."""
    ref = ComponentRef(reg, tuple(sorted(tags.items())))
    return Annotated[dict[str, Any], ref, PlainValidator(ref.validate)]


@functools.cache
def settings_model(factory: Any) -> type[BaseModel]:
    """A strict pydantic model of a factory's keyword-only parameters (its settings)."""
    fields: dict[str, Any] = {}
    for param in inspect.signature(factory).parameters.values():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        fields[param.name] = (_annotation(factory, param), _default(param))
    return create_model(
        f"{factory.__name__}_settings",
        # validate_default: a default that names a sub-component is resolved like a given value.
        __config__=ConfigDict(extra="forbid", strict=True, validate_default=True),
        **fields,
    )


def _annotation(factory: Any, param: inspect.Parameter) -> Any:
    annotation = param.annotation if param.annotation is not inspect.Parameter.empty else Any
    if isinstance(annotation, str):
        # Resolve settings' annotations only: others may name types imported for checkers alone.
        # A decorated factory's annotations name what its own module imports (unwrap).
        annotation = eval(annotation, inspect.unwrap(factory).__globals__)  # noqa: S307 - the factory's own source
    return annotation


def _default(param: inspect.Parameter) -> Any:
    return param.default if param.default is not inspect.Parameter.empty else ...


def resolve_component(reg: ComponentKind, section: str | Mapping[str, Any]) -> dict[str, Any]:
    """``section`` (a name, or a name with settings) with every setting filled in."""
    return ComponentRef(reg).resolve(section)


def for_loading(reg: ComponentKind, section: Mapping[str, Any]) -> dict[str, Any]:
    """The resolved ``section`` with its init-only settings (``INIT_ONLY``) back at their defaults,
    for rebuilding a trained model whose weights already hold what they initialised."""
    factory = reg.get(section["name"])
    out = dict(section)
    for param in inspect.signature(factory).parameters.values():
        if param.kind is inspect.Parameter.KEYWORD_ONLY and INIT_ONLY in _markers(_annotation(factory, param)):
            out[param.name] = param.default
    return out


def _markers(annotation: Any) -> tuple[Any, ...]:
    return get_args(annotation)[1:] if get_origin(annotation) is Annotated else ()


def build_component(reg: ComponentKind, section: str | Mapping[str, Any], *args: Any) -> Any:
    """Instantiate component ``section['name']`` of ``reg`` with validated settings; raise
    ComponentError for bad settings."""
    resolved = resolve_component(reg, section)
    factory = reg.get(resolved["name"])
    return factory(*args, **{k: v for k, v in resolved.items() if k != "name"})
