"""Tiny pretrained models made from a config and saved the way a downloaded model folder is
(``save_pretrained``: config, weights, tokenizer), with no network: a BERT on the real
bert-base-chinese vocabulary, and one per tokenizer family trained here on a few sentences with
the ``tokenizers`` library (WordPiece BERT, byte-level BPE RoBERTa, Unigram XLM-R and DeBERTa-v2)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import mirror_dir

VOCAB = Path("bert_base_chinese_vocab") / "vocab.txt"
FAMILIES = ("bert", "roberta", "xlm-roberta", "deberta-v2")
SENTENCES = [
    "A man is playing a guitar.",
    "The quick brown fox jumps over the lazy dog.",
    "Two dogs are running through the park in 2024!",
    "张伟毕业于北京大学，现任华为公司工程师。",
    "Ein Mann spielt Gitarre und singt.",
] * 4
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def _config(family: str, vocab_size: int, hidden: int, layers: int, max_positions: int, **ids: int):
    from transformers import BertConfig, DebertaV2Config, RobertaConfig, XLMRobertaConfig

    make = {
        "bert": BertConfig,
        "roberta": RobertaConfig,
        "xlm-roberta": XLMRobertaConfig,
        "deberta-v2": DebertaV2Config,
    }
    # RoBERTa-style position ids start after the padding index: two more positions for the same room.
    extra = 2 if family in ("roberta", "xlm-roberta") else 0
    return make[family](
        vocab_size=vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=4 * hidden,
        max_position_embeddings=max_positions + extra,
        **ids,
    )


def _save(folder: Path, config, tokenizer) -> Path:
    import torch
    from transformers import AutoModel

    torch.manual_seed(0)
    AutoModel.from_config(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def make_tiny_bert(folder: Path, layers: int = 2, hidden: int = 32, max_positions: int = 512) -> Path:
    """A BERT on the bert-base-chinese vocabulary (21,128 pieces) and its own WordPiece tokenizer."""
    from transformers import BertTokenizerFast

    vocab = mirror_dir() / VOCAB
    tokenizer = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True, tokenize_chinese_chars=True)
    config = _config("bert", len(tokenizer), hidden, layers, max_positions)
    return _save(folder, config, tokenizer)


def make_tiny(family: str, folder: Path, layers: int = 2, hidden: int = 32, max_positions: int = 64) -> Path:
    """A model of ``family`` (FAMILIES) with a tokenizer of its kind trained on SENTENCES."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    if family == "bert":
        tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tokenizer.decoder = decoders.WordPiece()
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        tokenizer.train_from_iterator(SENTENCES, trainers.WordPieceTrainer(vocab_size=300, special_tokens=specials))
        cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        tokenizer.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
        )
        fast = PreTrainedTokenizerFast(
            tokenizer_object=tokenizer,
            unk_token="[UNK]",
            sep_token="[SEP]",
            cls_token="[CLS]",
            pad_token="[PAD]",
            mask_token="[MASK]",
            model_input_names=["input_ids", "token_type_ids", "attention_mask"],
        )
        return _save(folder, _config(family, len(fast), hidden, layers, max_positions), fast)
    if family == "roberta":
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        alphabet = pre_tokenizers.ByteLevel.alphabet()
        trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIALS, initial_alphabet=alphabet)
        tokenizer.train_from_iterator(SENTENCES, trainer)
        tokenizer.post_processor = processors.RobertaProcessing(
            ("</s>", tokenizer.token_to_id("</s>")), ("<s>", tokenizer.token_to_id("<s>")), trim_offsets=True
        )
    else:  # SentencePiece-style Unigram: XLM-R, DeBERTa-v2/v3
        tokenizer = Tokenizer(models.Unigram())
        tokenizer.normalizer = normalizers.NFKC()
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        tokenizer.decoder = decoders.Metaspace()
        tokenizer.train_from_iterator(
            SENTENCES, trainers.UnigramTrainer(vocab_size=200, special_tokens=SPECIALS, unk_token="<unk>")
        )
        cls, sep = tokenizer.token_to_id("<s>"), tokenizer.token_to_id("</s>")
        tokenizer.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", cls), ("</s>", sep)]
        )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        sep_token="</s>",
        cls_token="<s>",
        pad_token="<pad>",
        mask_token="<mask>",
    )
    ids = {"pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2}
    return _save(folder, _config(family, len(fast), hidden, layers, max_positions, **ids), fast)


def encoder_section(folder: Path | str, **settings: object) -> dict[str, object]:
    """The ``encoder`` setting of a model that fine-tunes the model in ``folder``."""
    return {"name": "transformer.v1", "pretrained": str(folder), **settings}
