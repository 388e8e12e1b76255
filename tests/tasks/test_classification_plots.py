"""The confusion-matrix PNG: drawn without missing-glyph warnings whatever fonts are installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtf_lib.plots import confusion_matrix, font_for


def test_font_for_prefers_the_default_and_skips_placeholder_fonts() -> None:
    assert font_for("finance") == "DejaVu Sans"
    assert font_for("\U0010fffd") is None  # no real font has it; "Last Resort" only draws a box


@pytest.mark.filterwarnings("error")  # a label drawn in a font without its glyphs warns
@pytest.mark.parametrize("labels", [["finance", "sports"], ["体育", "财经"]])
def test_confusion_matrix_png(tmp_path: Path, labels: list[str]) -> None:
    a, b = labels
    confusion_matrix([a, a, b], [a, b, b], labels, tmp_path / "plots" / "cm.png")
    assert (tmp_path / "plots" / "cm.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
