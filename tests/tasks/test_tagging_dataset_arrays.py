"""The tagging dataset stage, streamed and vectorised, writes the ids the per-character encoder
(``features.encode``) gives, with the vocabularies it builds: the same arrays, so the same
batches and the same results. Also over chunk boundaries, with empty texts and empty splits."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from mtf_lib.data.shards import Split
from mtf_lib.data.vocab import Vocab, load_vocabs
from mtf_lib.tasks.tagging import dataset
from mtf_lib.tasks.tagging.features import char_bigrams, encode_split
from mtf_lib.text.softword import LEXICON_SYMBOLS, SOFTWORD_TAGS

ALPHABET = list("张伟毕业于北京大学华为公司工程师abcXYZ 0123456789,.-<>s/") + ["😀", "\u3000"]


def records(n: int, seed: int, features: bool = True) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        text = "".join(rng.choice(ALPHABET, rng.integers(0, 25)))
        tags = [str(rng.choice(["O", "B-PER", "E-PER", "S-ORG"])) for _ in text]
        soft = "".join(rng.choice(SOFTWORD_TAGS[2:], len(text))) if features else ""
        lexicon = "".join(rng.choice(LEXICON_SYMBOLS[2:], len(text))) if features and rng.random() < 0.5 else ""
        out.append({"text": text, "tags": tags, "softwords": soft, "lexicon": lexicon})
    return out


def reference_vocabs(train: list[dict], everything: list[dict], min_freq: int) -> dict[str, Vocab]:
    """The vocabularies as the per-character dataset stage built them."""
    chars: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for record in train:
        chars.update(record["text"])
        left, right = char_bigrams(list(record["text"]))
        bigrams.update(left + right)
    labels = {t for r in everything for t in r["tags"]}
    return {
        "chars": Vocab.build(chars, min_freq),
        "bigrams": Vocab.build(bigrams, min_freq),
        "softwords": Vocab(SOFTWORD_TAGS),
        "lexicon": Vocab(LEXICON_SYMBOLS),
        "labels": dataset.label_vocab(labels),
    }


@pytest.mark.parametrize(("sizes", "chunk", "min_freq"), [((300, 40, 50), 64, 1), ((120, 0, 7), 1000, 2)])
def test_the_streamed_dataset_stage_writes_what_the_per_character_encoder_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sizes: tuple[int, int, int], chunk: int, min_freq: int
) -> None:
    monkeypatch.setattr(dataset, "CHUNK", chunk)
    names = ("train", "dev", "test")
    splits = {name: records(n, seed) for seed, (name, n) in enumerate(zip(names, sizes, strict=True))}
    pre = tmp_path / "preprocessed"
    pre.mkdir()
    for name, rows in splits.items():
        (pre / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    paths = SimpleNamespace(preprocessed=pre, dataset=tmp_path / "dataset")
    params = SimpleNamespace(dataset=SimpleNamespace(char_min_freq=min_freq, bigram_min_freq=min_freq))
    dataset.build_dataset(params, paths)

    everything = [r for rows in splits.values() for r in rows]
    want_vocabs = reference_vocabs(splits["train"], everything, min_freq)
    got_vocabs = load_vocabs(paths.dataset / "vocab")
    assert {k: v.tokens for k, v in got_vocabs.items()} == {k: v.tokens for k, v in want_vocabs.items()}
    for name, rows in splits.items():
        want = encode_split(rows, want_vocabs)
        with Split(paths.dataset / f"{name}.arrow") as got:
            assert len(got) == len(want) == len(rows)
            np.testing.assert_array_equal(got.lengths("chars"), want.lengths("chars"))
            for i in range(len(rows)):
                for field, values in want[i].items():
                    np.testing.assert_array_equal(got[i][field], values)
