"""`mtf check` names a dvc.yaml reference that params.yaml leaves null (DVC would say only
"unexpected error"): a pair task with `dev: null`, a student with `distill.unlabeled` unset."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.pipeline_refs import unresolved_references

PIPELINE = """# the data files come from params.yaml (${...}); ${not.this} in a comment counts for nothing
stages:
  preprocess:
    deps:
      - ${preprocess.train}
      - ${preprocess.dev}
      - ${distill.unlabeled}
"""


def test_null_and_missing_references_are_named(tmp_path: Path) -> None:
    (tmp_path / "dvc.yaml").write_text(PIPELINE, encoding="utf-8")
    (tmp_path / "params.yaml").write_text("preprocess:\n  train: a.jsonl\n  dev: null\n", encoding="utf-8")
    problems = unresolved_references(tmp_path)
    assert len(problems) == 2
    assert "${preprocess.dev}" in problems[0] and "run `mtf pipeline`" in problems[0]
    assert "${distill.unlabeled}" in problems[1]


def test_a_pipeline_whose_references_resolve_has_no_problem(tmp_path: Path) -> None:
    (tmp_path / "dvc.yaml").write_text("stages:\n  s:\n    deps:\n      - ${preprocess.train}\n", encoding="utf-8")
    (tmp_path / "params.yaml").write_text("preprocess:\n  train: a.jsonl\n", encoding="utf-8")
    assert unresolved_references(tmp_path) == []
    assert unresolved_references(tmp_path / "nowhere") == []
