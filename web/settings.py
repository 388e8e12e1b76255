"""The web app's settings: where to look for tasks, request limits, model loading.

Each setting comes from, in order: the mapping given to ``create_app``, an ``MTF_WEB_*``
environment variable, the default below.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mtf_lib.layout import StagePaths

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "MTF_WEB_"


class WebSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    root: Path = Field(PROJECT_ROOT, description="project folder the task patterns are relative to")
    tasks: tuple[str, ...] = Field(
        (".", "apps/*/*"), description="glob patterns of task folders (a folder holding params.yaml)"
    )
    root_app: str = Field("flagship", description="app name of a task found at the project folder itself")
    bundle: str = Field(str(StagePaths.bundle), description="a task's bundle folder, relative to the task")
    max_texts: int = Field(32, ge=1, description="most texts in one predict request (413 above)")
    max_text_chars: int = Field(2000, ge=1, description="longest text in characters (413 above)")
    max_request_bytes: int = Field(1 << 20, ge=1024, description="largest request body (413 above)")
    preload: bool = Field(False, description="load every trained model at start-up instead of on first use")
    torch_threads: int | None = Field(None, ge=1, description="torch CPU threads per process (None: torch's default)")
    reload_check_s: float = Field(
        2.0, ge=0, description="how often (s, at most) a served model's bundle is checked for changes; 0: never"
    )


def _from_env(name: str, raw: str) -> Any:
    """Environment values are strings; lists are separated by the path separator (``:``)."""
    return tuple(p for p in raw.split(os.pathsep) if p) if name == "tasks" else raw


def load_settings(overrides: Mapping[str, Any] | None = None) -> WebSettings:
    """Settings from ``overrides``, then ``MTF_WEB_<NAME>`` variables; a bad value raises ValueError."""
    values: dict[str, Any] = {}
    for name in WebSettings.model_fields:
        raw = os.environ.get(ENV_PREFIX + name.upper())
        if raw not in (None, ""):
            values[name] = _from_env(name, raw)
    values.update(overrides or {})
    try:
        return WebSettings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(f"{ENV_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        raise ValueError(f"invalid web settings: {problems}") from None
