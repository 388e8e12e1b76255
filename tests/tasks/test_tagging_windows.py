"""Long texts: overlapping windows cover every character; each takes its most central tag."""

from __future__ import annotations

import pytest

from mtf_lib.tasks.tagging.predictor import merge_window_tags, windows


@pytest.mark.parametrize(("length", "size", "overlap"), [(0, 8, 2), (5, 8, 2), (8, 8, 2), (9, 8, 2), (100, 16, 4)])
def test_windows_cover_the_text_within_the_size(length: int, size: int, overlap: int) -> None:
    spans = windows(length, size, overlap)
    covered = sorted({i for start, end in spans for i in range(start, end)})
    assert covered == list(range(length))
    assert all(end - start <= size for start, end in spans)
    assert spans[-1][1] == length
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end - start >= overlap  # neighbours share at least the overlap


def test_each_char_takes_the_tag_from_the_window_where_it_is_most_central() -> None:
    spans = [(0, 6), (4, 10)]
    first = ["O", "O", "O", "O", "B-X", "E-X"]  # chars 4-5 at the first window's edge
    second = ["O", "S-Y", "O", "O", "O", "O"]  # char 5 at offset 1 of the second window
    merged = merge_window_tags(10, spans, [first, second])
    assert merged[4] == "B-X"  # offset 4 of 6 (1 from the edge) vs offset 0 of 6: first wins
    assert merged[5] == "S-Y"  # offset 5 of 6 (edge) vs offset 1 (1 from the edge): second wins
    assert merged[:4] == ["O"] * 4 and merged[6:] == ["O"] * 4
