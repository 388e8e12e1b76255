"""mtf_lib.io.atomic_write: all-or-nothing replacement, no temporary leftovers, ordinary file mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mtf_lib.io import atomic_write, current_umask, write_json


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_writes_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "out.bin"
    with atomic_write(path) as handle:
        handle.write(b"\x00\x01binary")
        assert Path(handle.name).parent == path.parent
        assert not path.exists()  # nothing visible under the final name until the block ends
    assert path.read_bytes() == b"\x00\x01binary"
    assert os.listdir(path.parent) == ["out.bin"]


def test_text_mode_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    with atomic_write(path, "w") as handle:
        handle.write("中文 text")
    assert path.read_bytes() == "中文 text".encode()


def test_exception_keeps_the_old_content_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old content", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_write(path, "w") as handle:
        handle.write("new content, half written")
        handle.flush()
        raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old content"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_exception_on_a_new_file_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyError), atomic_write(tmp_path / "new.bin") as handle:
        handle.write(b"partial")
        raise KeyError("x")
    assert os.listdir(tmp_path) == []


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")
    with atomic_write(path, "w") as handle:
        handle.write("new")
    assert path.read_text(encoding="utf-8") == "new"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.usefixtures("umask_022")
def test_file_mode_follows_the_umask_not_0600(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    with atomic_write(path) as handle:
        handle.write(b"x")
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode != 0o600
    assert mode == 0o644


def test_file_mode_with_another_umask(tmp_path: Path) -> None:
    old = os.umask(0o007)
    try:
        with atomic_write(tmp_path / "out.bin") as handle:
            handle.write(b"x")
        assert current_umask() == 0o007  # reading the umask does not change it
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.bin").stat().st_mode) == 0o660


@pytest.mark.usefixtures("umask_022")
def test_write_json(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    write_json(path, {"b": 1, "a": "中"})
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert text.index('"a"') < text.index('"b"')
    assert "中" in text
    assert json.loads(text) == {"a": "中", "b": 1}
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
