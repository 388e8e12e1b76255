"""The model card, written after every evaluate stage from the files (never by hand):
``models/model/MODEL_CARD.md`` (travels with the bundle) and ``metrics/model_card.md`` (the same
text, versioned in git with the metrics it quotes; the web app shows this one).

The bundle's copy is left out of DVC's hash of the bundle (``.dvcignore``: ``MODEL_CARD.md``), so
writing it does not change the train stage's output; without such a ``.dvcignore`` it is not
written. Sources: params (validated, defaults filled in), the data sets' checksums (mtf_lib.assets
for a fetched one, hashed here for the files a stage reads), metrics/eval.json, metrics/dev.json,
metrics/eval_groups.json, metrics/errors.json, metrics/train/run.json (train time and machine),
the bundle's meta, and a ``## Known limits`` section of the task's README.md if it has one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mtf_lib.io import atomic_write
from mtf_lib.run_record import machine, read_training_record
from mtf_lib.tasks.error_analysis import ERRORS_FILE

CARD_FILE = "MODEL_CARD.md"  # in the bundle
METRICS_CARD = "model_card.md"  # in metrics/
SMALL_GROUP = 30  # support under which a group's scores are noisy
DATA_KEYS = ("train", "dev", "test")  # params of preprocess / evaluate that name input files


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _number(value: Any) -> str:
    """Floats to six decimals, as dev.json and eval.json round their scores."""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e5 else str(round(value, 6))
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return _number(value).replace("|", "\\|").replace("\n", " ")

    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows),
    ]


def data_sets(params: Any, folder: Path) -> list[list[str]]:
    """(data set or params key, file, sha256) of every input the task's stages read."""
    from mtf_lib.assets import DATASETS, sha256_of

    rows = []
    name = getattr(getattr(params, "fetch", None), "dataset", None)
    if name in DATASETS:
        rows += [[name, f.name, f.sha256] for f in DATASETS[name].files]
    pinned = {row[2] for row in rows}
    for group in ("preprocess", "evaluate"):
        section = getattr(params, group, None)
        for key in DATA_KEYS:
            value = getattr(section, key, None)
            if isinstance(value, str | Path) and (folder / value).is_file():
                digest = sha256_of(folder / value)
                if digest not in pinned:  # a fetched file is listed above, under its data set
                    rows.append([f"{group}.{key}", str(value), digest])
    return rows


def metric_rows(evaluation: dict[str, Any], dev: dict[str, Any]) -> list[list[Any]]:
    """(split, score, value): eval.json's test (and dev, where evaluate scores it), dev.json's dev."""
    test = evaluation.get("test")
    rows = [["test", k, v] for k, v in test.items()] if isinstance(test, dict) else []
    dev_scores = evaluation.get("dev") if isinstance(evaluation.get("dev"), dict) else dev
    source = "dev" if dev_scores is evaluation.get("dev") else "dev (kept model, metrics/dev.json)"
    rows += [[source, k, v] for k, v in dev_scores.items() if k != "best_epoch"]
    return rows


def group_section(groups: dict[str, Any]) -> list[str]:
    per_group = groups.get("groups") or {}
    if not per_group:
        return []
    names = sorted({k for scores in per_group.values() for k in scores}, key=lambda k: (k == "support", k))
    title = f"## Test scores per {groups.get('group', 'group')} (metrics/eval_groups.json)"
    return [
        title,
        "",
        *_table(
            [groups.get("group", "group"), *names], [[g, *(s.get(n, "") for n in names)] for g, s in per_group.items()]
        ),
        "",
    ]


def smoke_run_line(params: Any) -> list[str]:
    """The line that says a model comes from a ``train.fast_dev_run`` smoke run (not for use)."""
    batches = getattr(getattr(params, "train", None), "fast_dev_run", 0)
    if not batches:
        return []
    return [f"- **A smoke run** (train.fast_dev_run: {batches}: one epoch of {batches} batches): not for use."]


def known_limits(evaluation: dict[str, Any], groups: dict[str, Any], errors: dict[str, Any], readme: Path) -> list[str]:
    """Facts from the files (small and weak groups, the split's size, the commonest errors) and
    the task README's own ``## Known limits`` section."""
    lines = [f"- Scored on {evaluation.get('examples', '?')} test examples."]
    per_group = groups.get("groups") or {}
    small = sorted((s.get("support"), g) for g, s in per_group.items() if isinstance(s.get("support"), int))
    noisy = [f"{g} ({n})" for n, g in small if n < SMALL_GROUP]
    if noisy:
        lines.append(f"- Fewer than {SMALL_GROUP} test examples, so their scores are noisy: {', '.join(noisy)}.")
    f1 = sorted((s["f1"], g) for g, s in per_group.items() if isinstance(s.get("f1"), int | float))
    if len(f1) > 1 and f1[0][0] < f1[-1][0]:
        lines.append("- Weakest: " + ", ".join(f"{g} (F1 {v})" for v, g in f1[:3]) + ".")
    test = errors.get("splits", {}).get("test") or {}
    if test.get("counts"):
        lines.append("- Test errors by class: " + ", ".join(f"{k} {v}" for k, v in test["counts"].items()) + ".")
    else:  # a type without error classes counts its wrong answers (kg_qa: failed questions)
        wrong, total = test.get("errors", test.get("failed")), test.get("examples", test.get("questions"))
        if isinstance(wrong, int) and isinstance(total, int):
            lines.append(f"- Test errors: {wrong} of {total}.")
    if errors.get("note"):
        lines.append(f"- Error analysis: {errors['note']}.")
    lines += _readme_limits(readme)
    return lines


def _readme_limits(readme: Path) -> list[str]:
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return []
    section: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = line[3:].strip().lower() == "known limits"
        elif inside:
            section.append(line)
    return [line for line in section if line.strip()]


def training_lines(record: dict[str, Any] | None, meta: dict[str, Any]) -> list[str]:
    lines = []
    if record:
        seconds = record.get("train_seconds")
        lines.append(f"- Train stage: {seconds} s on {_machine_text(record.get('machine') or {})}.")
    else:
        lines.append("- Train time and machine: not recorded (metrics/train/run.json is absent).")
    if meta.get("best_epoch") is not None:
        lines.append(f"- Kept epoch: {meta['best_epoch']}.")
    members = meta.get("members") or []
    if len(members) > 1:
        lines += [f"- Ensemble member: seed {m.get('seed')}, best epoch {m.get('best_epoch')}." for m in members]
    return lines


def _model_line(meta: dict[str, Any]) -> list[str]:
    name = (meta.get("model") or {}).get("name")
    if not name:
        return []
    ensemble = meta.get("ensemble", 1)
    return [f"- Model: `{name}`" + (f", an ensemble of {ensemble}" if ensemble > 1 else "") + "."]


def _machine_text(facts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in facts.items()) or "an unrecorded machine"


def _params_yaml(params: Any) -> str:
    try:
        return yaml.safe_dump(params.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    except Exception:  # a task type's own params that do not serialise: the validated object's repr
        return repr(params)


def model_card(params: Any, paths: Any, folder: Path | None = None) -> str:
    """The card's Markdown text for the task whose params are ``params``; its files are under
    ``paths`` (``folder``: where relative input paths in params start, the task folder)."""
    from mtf_lib import registry

    folder = folder if folder is not None else params.task.folder
    metrics = Path(paths.metrics)
    evaluation, dev = _json(metrics / "eval.json"), _json(Path(paths.dev_metrics))
    groups, errors = _json(metrics / "eval_groups.json"), _json(metrics / ERRORS_FILE)
    meta = _json(Path(paths.bundle) / "bundle.json")
    task_type = registry.task_types.get(params.task.type)
    lines = [
        f"# Model card: {params.task.name}",
        "",
        "_Written by the evaluate stage (mtf_lib/tasks/model_card.py) from params and metrics/: do not edit._",
        "",
        f"- Task: `{params.task.name}`, task type `{task_type.name}`: {task_type.description}.",
        *_model_line(meta),
        "",
        "## Data",
        "",
        *_table(["data set / params key", "file", "sha256"], data_sets(params, folder)),
        "",
        "## Metrics (metrics/eval.json, metrics/dev.json)",
        "",
        *_table(["split", "score", "value"], metric_rows(evaluation, dev)),
        "",
        *group_section(groups),
        "## Training",
        "",
        *training_lines(read_training_record(Path(paths.live)), meta),
        f"- Evaluated on {_machine_text(machine())}.",
        "",
        "## Known limits",
        "",
        *smoke_run_line(params),
        *known_limits(evaluation, groups, errors, folder / "README.md"),
        "",
        "## Params",
        "",
        "```yaml",
        _params_yaml(params).rstrip(),
        "```",
        "",
    ]
    return "\n".join(lines)


def dvc_ignores_card(bundle: Path) -> bool:
    """Whether a ``.dvcignore`` in the bundle's folder or above (up to the DVC project's root) names
    the card: only then does writing it into the bundle leave the stage that made the bundle
    unchanged (else each ``dvc repro`` would run that stage again)."""
    for folder in Path(bundle).resolve().parents:
        try:
            patterns = (folder / ".dvcignore").read_text(encoding="utf-8").splitlines()
        except OSError:
            patterns = []
        if any(line.strip().lstrip("/").endswith(CARD_FILE) for line in patterns):
            return True
        if (folder / ".dvc").is_dir():
            return False
    return False


def write_model_card(params: Any, paths: Any, seconds: float | None = None) -> Path:
    """Write the card to metrics/ and, where DVC ignores it there, to the bundle (after the
    evaluate stage); returns the former."""
    text = model_card(params, paths)
    targets = [Path(paths.metrics) / METRICS_CARD]
    bundle = Path(paths.bundle)
    if (bundle / "bundle.json").is_file() and dvc_ignores_card(bundle):
        targets.append(bundle / CARD_FILE)
    for target in targets:
        with atomic_write(target, "w") as handle:
            handle.write(text)
    return targets[0]
