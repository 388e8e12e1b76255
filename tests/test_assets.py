"""mtf_lib.assets.fetch_dataset from a local mirror: checksums, no-op refetch, clean failures.

The network is never touched: every test passes a mirror, and urlopen is replaced by a stub that fails.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from mtf_lib import assets
from mtf_lib.assets import DATASETS, MIRROR_ENV, AssetError, fetch_dataset, sha256_of
from mtf_lib.errors import InputError
from tests.conftest import mirror_dir

MIRROR = mirror_dir()
RESUME_FILES = ["train.char.bmes", "dev.char.bmes", "test.char.bmes"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the test tried to download")

    monkeypatch.setattr(assets.urllib.request, "urlopen", refuse)
    monkeypatch.delenv(MIRROR_ENV, raising=False)


def _mirror_copy(tmp_path: Path) -> Path:
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR / "resume_ner", mirror / "resume_ner")
    # The shared mirror is read-only; make the copy writable so tests can damage it.
    for path in [mirror / "resume_ner", *(mirror / "resume_ner").iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return mirror


def test_registry_checksums_match_the_shared_sums() -> None:
    sums = {}
    for line in (MIRROR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        sums[name.removeprefix("./")] = digest
    for remote in DATASETS["resume_ner"].files:
        assert remote.sha256 == sums[f"resume_ner/{remote.name}"]
        assert remote.url.startswith("https://raw.githubusercontent.com/")


def test_fetch_copies_files_with_the_right_checksums(tmp_path: Path) -> None:
    paths = fetch_dataset("resume_ner", tmp_path / "data", mirror=str(MIRROR))
    dest = tmp_path / "data" / "resume_ner"
    assert paths == [dest / name for name in RESUME_FILES]
    assert sorted(p.name for p in dest.iterdir()) == sorted(RESUME_FILES)
    expected = {f.name: f.sha256 for f in DATASETS["resume_ner"].files}
    for path in paths:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected[path.name]
        assert sha256_of(path) == expected[path.name]
        assert path.read_bytes() == (MIRROR / "resume_ner" / path.name).read_bytes()


def test_second_fetch_is_a_no_op(tmp_path: Path) -> None:
    paths = fetch_dataset("resume_ner", tmp_path, mirror=str(MIRROR))
    before = {p: p.stat().st_mtime_ns for p in paths}
    # A mirror that no longer holds the files proves nothing is read from it the second time.
    again = fetch_dataset("resume_ner", tmp_path, mirror=str(tmp_path / "empty_mirror"))
    assert again == paths
    assert {p: p.stat().st_mtime_ns for p in paths} == before


def test_mirror_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MIRROR_ENV, str(MIRROR))
    paths = fetch_dataset("resume_ner", tmp_path)
    assert [p.name for p in paths] == RESUME_FILES


def test_a_damaged_local_file_is_fetched_again(tmp_path: Path) -> None:
    paths = fetch_dataset("resume_ner", tmp_path, mirror=str(MIRROR))
    paths[1].write_bytes(b"truncated")
    fetch_dataset("resume_ner", tmp_path, mirror=str(MIRROR))
    assert paths[1].read_bytes() == (MIRROR / "resume_ner" / "dev.char.bmes").read_bytes()


def test_corrupted_mirror_file_raises_and_leaves_nothing(tmp_path: Path) -> None:
    mirror = _mirror_copy(tmp_path)
    corrupted = mirror / "resume_ner" / "dev.char.bmes"
    corrupted.write_bytes(corrupted.read_bytes()[:-10] + b"corrupted!")
    actual = hashlib.sha256(corrupted.read_bytes()).hexdigest()
    expected = next(f.sha256 for f in DATASETS["resume_ner"].files if f.name == "dev.char.bmes")

    with pytest.raises(AssetError) as info:
        fetch_dataset("resume_ner", tmp_path / "data", mirror=str(mirror))

    message = str(info.value)
    assert "dev.char.bmes" in message
    assert expected in message
    assert actual in message
    assert isinstance(info.value, InputError)
    dest = tmp_path / "data" / "resume_ner"
    # train was fetched before dev failed; dev left nothing behind, not even a temporary *.part file.
    assert sorted(p.name for p in dest.iterdir()) == ["train.char.bmes"]


def test_corrupted_mirror_does_not_replace_a_good_file(tmp_path: Path) -> None:
    mirror = _mirror_copy(tmp_path)
    dest = tmp_path / "data"
    fetch_dataset("resume_ner", dest, mirror=str(MIRROR))
    dev = dest / "resume_ner" / "dev.char.bmes"
    dev.write_bytes(b"old, damaged content")
    source = mirror / "resume_ner" / "dev.char.bmes"
    source.write_bytes(b"also damaged")
    with pytest.raises(AssetError, match="checksum mismatch for dev.char.bmes"):
        fetch_dataset("resume_ner", dest, mirror=str(mirror))
    assert dev.read_bytes() == b"old, damaged content"
    assert sorted(p.name for p in dev.parent.iterdir()) == sorted(RESUME_FILES)


def test_mirror_without_the_file(tmp_path: Path) -> None:
    mirror = _mirror_copy(tmp_path)
    missing = mirror / "resume_ner" / "test.char.bmes"
    missing.unlink()
    with pytest.raises(AssetError) as info:
        fetch_dataset("resume_ner", tmp_path / "data", mirror=str(mirror))
    message = str(info.value)
    assert str(missing) in message
    assert MIRROR_ENV in message
    dest = tmp_path / "data" / "resume_ner"
    assert sorted(p.name for p in dest.iterdir()) == ["dev.char.bmes", "train.char.bmes"]


def test_unknown_data_set(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match=r"unknown data set 'resume'; known: .*resume_ner"):
        fetch_dataset("resume", tmp_path, mirror=str(MIRROR))
    assert list(tmp_path.iterdir()) == []
