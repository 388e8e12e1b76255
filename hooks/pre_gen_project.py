"""cookiecutter pre-generation hook: check the answers before any file is written.

On a bad answer it prints one line per problem and exits 1; cookiecutter then removes the
task folder it had just created, so nothing is left behind.
"""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import Path
from urllib.parse import unquote

# cookiecutter renders this file with Jinja before running it. The answers arrive URL-encoded
# so that any text (quotes, backslashes, line breaks) still makes a valid Python string here.
ANSWERS = {
    "app_slug": unquote("{{ cookiecutter.app_slug | urlencode }}"),
    "task_slug": unquote("{{ cookiecutter.task_slug | urlencode }}"),
    "task_type": unquote("{{ cookiecutter.task_type | urlencode }}"),
    "description": unquote("{{ cookiecutter.description | urlencode }}"),
    "options": unquote("{{ cookiecutter.options | urlencode }}"),
}
OUTPUT_DIR = Path(unquote("{{ cookiecutter._output_dir | urlencode }}"))

SLUG = re.compile(r"[a-z][a-z0-9_]*")


def slug_problem(name: str, value: str) -> str | None:
    """Slugs name folders, params and test modules: lowercase Python identifiers only."""
    if SLUG.fullmatch(value) and not keyword.iskeyword(value):
        return None
    suggestion = re.sub(r"[^a-z0-9_]+", "_", value.lower()).strip("_") or "my_task"
    if suggestion[0].isdigit() or keyword.iskeyword(suggestion):
        suggestion = f"task_{suggestion}"
    return (
        f"{name} {value!r} is not a valid slug: use lowercase letters, digits and underscores, "
        f"starting with a letter (a Python identifier, not a keyword), e.g. {suggestion!r}"
    )


def task_type_problems(task_type: str, options: str) -> list[str]:
    """The task type and its options, checked against mtf's registry of task types."""
    try:
        from mtf_lib import registry
        from mtf_lib.errors import CodeError
    except ImportError as error:
        return [f"this Python cannot import mtf_lib ({error}): run cookiecutter from mtf's environment"]
    try:
        names = registry.task_types.own_names()
    except CodeError as error:  # an installed plug-in that fails to import
        return [str(error)]
    if task_type not in names:
        return [f"task_type {task_type!r} is not a registered task type: choose one of {', '.join(names)}"]
    try:
        registry.task_types.get(task_type).template_spec().option_values(options, task_type)
    except (LookupError, ValueError) as error:
        return [str(error)]
    return []


def problems(answers: dict[str, str]) -> list[str]:
    found = [slug_problem(name, answers[name]) for name in ("app_slug", "task_slug")]
    found += task_type_problems(answers["task_type"], answers["options"])
    description = answers["description"]
    if not description.strip() or "\n" in description or "\r" in description:
        found.append(f"description {description!r} must be one non-empty line")
    return [p for p in found if p]


def app_note(app_slug: str, output_dir: Path) -> str | None:
    """The app is named twice (app_slug, and -o apps/<app>): say so when the two differ."""
    if output_dir.parent.name == "apps" and output_dir.name != app_slug:
        return f"note: app_slug is {app_slug!r} but the task goes to {output_dir}; pass app_slug={output_dir.name}"
    return None


def main() -> int:
    found = problems(ANSWERS)
    note = app_note(ANSWERS["app_slug"], OUTPUT_DIR)
    if note and not found:
        print(note)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        print("mtf template: nothing was generated; run cookiecutter again with valid answers", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
