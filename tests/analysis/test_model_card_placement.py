"""The card goes into the bundle only where DVC ignores it there: else writing it would change the
output of the stage that made the bundle, and every `dvc repro` would run that stage again."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.model_card import dvc_ignores_card


def project(root: Path, dvcignore: str | None) -> Path:
    (root / ".dvc").mkdir(parents=True)
    if dvcignore is not None:
        (root / ".dvcignore").write_text(dvcignore, encoding="utf-8")
    bundle = root / "apps" / "a" / "t" / "models" / "model"
    bundle.mkdir(parents=True)
    return bundle


def test_a_dvcignore_naming_the_card_in_the_project_or_the_task(tmp_path: Path) -> None:
    assert dvc_ignores_card(project(tmp_path / "root", "# cards\nMODEL_CARD.md\n"))
    bundle = project(tmp_path / "task", None)
    (bundle.parents[1] / ".dvcignore").write_text("/models/model/MODEL_CARD.md\n", encoding="utf-8")
    assert dvc_ignores_card(bundle)


def test_no_card_in_the_bundle_without_one(tmp_path: Path) -> None:
    assert not dvc_ignores_card(project(tmp_path / "none", None))
    assert not dvc_ignores_card(project(tmp_path / "other", "data/\n"))
