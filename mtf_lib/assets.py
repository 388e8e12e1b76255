"""Data sets: download from a pinned public URL (or copy from a mirror) and verify SHA-256.

Set ``MTF_DATA_MIRROR`` to a folder laid out as ``<dataset>/<file>`` to copy from it instead
of downloading. A file is written to a temporary name, verified, then renamed: a failed or
corrupted transfer never leaves a partial file behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write

MIRROR_ENV = "MTF_DATA_MIRROR"
_GITHUB_RAW = "https://raw.githubusercontent.com"


class AssetError(InputError):
    """A data set file is missing, unreachable or fails its checksum."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Dataset:
    """``split_by``: a data set published as one table with a split column: ``(file, column)``;
    fetching also writes ``<stem>_<value>.tsv`` per value of that column (lower-cased), so each
    split is a file the readers take."""

    name: str
    description: str
    files: tuple[RemoteFile, ...]
    split_by: tuple[str, str] | None = None


def _github(repo: str, commit: str, path: str) -> str:
    return f"{_GITHUB_RAW}/{repo}/{commit}/{path}"


_RESUME = ("luopeixiang/named_entity_recognition", "8073771816613d84274e7528e07026f620041558")
_SAS = ("aleversn/SAS-Datasets", "9e1a866d58edaa0d78af374d2f3529a10d72239a")
_STS = ("shuxinyin/SimCSE-Pytorch", "c5bc95a68dee4bdc53856cf2850d9795d7e748d4")
_TATOEBA = ("DaoChaShao/py-st-dl-translater-2.0", "620408eda1721f683e2413778ad19e4f94691053")
_SICK = ("kkalouli/SICK-processing", "0848f4aec60870122a4ca18de08ba0e25f6f9a75")
# The medical graph's CSV and its entity dictionaries come from two commits of the same repository.
_MEDICAL_CSV = ("liuhuanyong/QASystemOnMedicalKG", "a75b6838f4e9783e1be23455b4deaf0e85683b9a")
_MEDICAL_DICT = ("liuhuanyong/QASystemOnMedicalKG", "643eccb0dc53635cc14a9a9f3cdb39372a80af62")
_MOVIES = ("neo4j-graph-examples/movies", "fb0e497e9e6a601fb55403586dd510aca73e471f")
_MEDICAL_DICTS = {
    "check": "fd9cbd05f6554fa0857babc75b22eb64198c6ebe346bcf45b5f12313b19d350d",
    "deny": "86d27a31c74ccb8fbef191b70894809c47798ffe1b181f1bb9be0a963e91d12f",
    "department": "18758741c24c77dcf3a66f1d0cb074a5ff58cfe80d053c25f211dd707dd39f86",
    "disease": "b59fc9f32844561eade7c20c068f5782d6766a9deea45ad0183f455c31b61baf",
    "drug": "bc89d81a327d58372a1494055c6bbac36a98fb6b7092db85ee983e58c46fbcce",
    "food": "817dd58b0d7cd992bceb0a174dfa53c7da77a6db40373924bf5f1deb97d5ef6c",
    "producer": "8f0965bf7c0a6ae7466a91887cae7e12cb9db9751e77470e96cae75650099a88",
    "symptom": "66eb94570c23c2234e290fcb7532c070c370fa55313d5881b1c7ee3ec36f1c7b",
}

DATASETS: dict[str, Dataset] = {
    "resume_ner": Dataset(
        "resume_ner",
        "Resume NER (Zhang & Yang 2018), char-level BMES tags, 8 entity types",
        (
            RemoteFile(
                "train.char.bmes",
                _github(*_RESUME, "ResumeNER/train.char.bmes"),
                "93b9bb0be5dd4730121587f9dc1378de3fbbe55cba1c575edec271f822c27be7",
            ),
            RemoteFile(
                "dev.char.bmes",
                _github(*_RESUME, "ResumeNER/dev.char.bmes"),
                "1b0d67153e6e8543e9444936ed1b107bd843078c282533898085e1a9aa293952",
            ),
            RemoteFile(
                "test.char.bmes",
                _github(*_RESUME, "ResumeNER/test.char.bmes"),
                "c4a9f42622819a4b59f66e184d446ebfa89b2f1dbba06e11d70675e59fe7e79b",
            ),
        ),
    ),
    "sas_ads": Dataset(
        "sas_ads",
        "SAS ADS: Chinese short-answer grading (data structures and algorithms), scores 0-10, Apache-2.0",
        (
            RemoteFile(
                "train.jsonl",
                _github(*_SAS, "ADS/train.jsonl"),
                "6fcbcc2ee5f58f3ab558fdf623e81999a25f58fc122ab13a68a2c16191afaf84",
            ),
            RemoteFile(
                "test.jsonl",
                _github(*_SAS, "ADS/test.jsonl"),
                "d4400a05768ccf936ee02fbcd3a5b7711defce323836d5cbceff0033066ee237",
            ),
        ),
    ),
    "cnsd_sts_b": Dataset(
        "cnsd_sts_b",
        "Chinese STS-B (CNSD): sentence pairs with similarity 0-5, research use only",
        tuple(
            RemoteFile(f"cnsd-sts-{split}.txt", _github(*_STS, f"data/STS-B/cnsd-sts-{split}.txt"), digest)
            for split, digest in (
                ("train", "68a8f758d0c678fb12398d1c56220988ef044175b7227147bfa0c8e08edcdb2d"),
                ("dev", "04aca7d45648569ab1e752dc2aa29f432bd3ec610ab7e849df47fdfa9b2ac6a5"),
                ("test", "db7bc060e89b850df2f5250a28ea582452a9df1a9d52e2d94ff0adbf3de4d3fb"),
            )
        ),
    ),
    "sick": Dataset(
        "sick",
        "SICK (Marelli et al. 2014): English sentence pairs, relatedness 1-5 and entailment, CC BY-NC-SA 3.0",
        (
            RemoteFile(
                "SICK.txt",
                _github(*_SICK, "SICK.txt"),
                "1539c2d059809b5bd40694e26d8121cc85b6b496f91c7b40f2fc83bbd7dcd957",
            ),
        ),
        split_by=("SICK.txt", "SemEval_set"),
    ),
    "tatoeba_cmn_eng": Dataset(
        "tatoeba_cmn_eng",
        "Tatoeba English–Mandarin sentence pairs (english<TAB>chinese<TAB>attribution), CC-BY 2.0 FR",
        (
            RemoteFile(
                "cmn.txt",
                _github(*_TATOEBA, "data/cmn.txt"),
                "9da1af87e3e61650aa38595e60baef3a4e3a18ed239a7ef4a764c0a87c7ddeff",
            ),
        ),
    ),
    "kg_medical": Dataset(
        "kg_medical",
        "Chinese medical knowledge graph (QASystemOnMedicalKG): 21 disease records and entity-name dictionaries",
        (
            RemoteFile(
                "medical_data_21diseases.csv",
                _github(*_MEDICAL_CSV, "notebook_tutorials/medical_data.csv"),
                "6817a6e570ed5e3e3f8bb7f51f24bfe70db747953015d1e873f90fe07c182787",
            ),
            *(
                RemoteFile(f"dict_{kind}.txt", _github(*_MEDICAL_DICT, f"dict/{kind}.txt"), sha)
                for kind, sha in _MEDICAL_DICTS.items()
            ),
        ),
    ),
    "kg_movies": Dataset(
        "kg_movies",
        "The Neo4j movie graph as a Cypher script: 38 movies, 133 people, 253 relationships",
        (
            RemoteFile(
                "movies.cypher",
                _github(*_MOVIES, "scripts/movies.cypher"),
                "5b84e3c37cbbb008755641d43fb00818ddb634ad6931a9f8b8c7c579d3f2ed3a",
            ),
        ),
    ),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_dataset(name: str, dest_root: str | Path, mirror: str | None = None) -> list[Path]:
    """Place every file of data set ``name`` under ``dest_root/name``; return their paths."""
    if name not in DATASETS:
        raise AssetError(f"unknown data set {name!r}; known: {', '.join(sorted(DATASETS))}")
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV) or None
    dest = Path(dest_root) / name
    dest.mkdir(parents=True, exist_ok=True)
    fetched = [fetch_file(f, dest / f.name, name, mirror) for f in DATASETS[name].files]
    split_by = DATASETS[name].split_by
    return fetched + (split_files(dest / split_by[0], split_by[1]) if split_by else [])


def split_files(table: Path, column: str) -> list[Path]:
    """``<stem>_<value>.tsv`` beside a tab-separated ``table`` for each value of ``column``: its
    header and rows (each file written whole or not at all)."""
    import csv

    with table.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if column not in header:
            raise AssetError(f"{table}: no column {column!r} to split by (columns: {', '.join(header)})")
        at = header.index(column)
        rows: dict[str, list[list[str]]] = {}
        for row in reader:
            rows.setdefault(row[at].strip().lower(), []).append(row)
    out = []
    for value, split in sorted(rows.items()):
        target = table.with_name(f"{table.stem}_{value}.tsv")
        with atomic_write(target, mode="w") as handle:
            handle.write("".join("\t".join(r) + "\n" for r in [header, *split]))
        out.append(target)
    return out


def fetch_file(remote: RemoteFile, target: Path, dataset: str, mirror: str | None) -> Path:
    if target.is_file() and sha256_of(target) == remote.sha256:
        return target
    source = Path(mirror) / dataset / remote.name if mirror else None
    if source is not None and not source.is_file():
        raise AssetError(
            f"{source} not found in the mirror {mirror} ({MIRROR_ENV}); "
            f"add the file there, or unset {MIRROR_ENV} to download it from {remote.url}"
        )
    with atomic_write(target) as out:
        if source is not None:
            with source.open("rb") as src:
                shutil.copyfileobj(src, out)
        else:
            _download(remote.url, out)
        out.flush()
        actual = sha256_of(Path(out.name))
        if actual != remote.sha256:
            raise AssetError(
                f"checksum mismatch for {target.name} from {source or remote.url}: expected sha256 "
                f"{remote.sha256}, got {actual}. The source file is corrupted or a different version; "
                f"restore the original file (or fix {MIRROR_ENV}) and run the fetch again"
            )
    return target


def _download(url: str, out: BinaryIO) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out)
    except OSError as exc:
        raise AssetError(
            f"could not download {url}: {exc}. Check the network, or set {MIRROR_ENV} to a folder "
            "that holds a copy of the data sets"
        ) from None


def fetch_stage(params: Any, paths: Any) -> dict[str, Any]:
    """The fetch stage of every task type: ``fetch.dataset`` (if set) under ``paths.datasets``."""
    if not params.fetch.dataset:
        return {}
    return {"fetched": [str(p) for p in fetch_dataset(params.fetch.dataset, paths.datasets)]}
