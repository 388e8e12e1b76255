"""A tiny, easy Chinese headline data set (体育 / 财经 / 科技) and params for classification tests.

Dev and test headlines are new combinations of the train headlines' words: with a vocabulary
learnt from 36 texts, unseen words would all be <unk> and leave little to classify by.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mtf_lib.config import validate
from mtf_lib.tasks.classification.params import ClassificationParams as SCHEMA
from tests.conftest import with_settings

FIXTURE_PARAMS = Path(__file__).parent / "fixtures" / "classification_params.yaml"

HEADLINES = {
    "体育": [
        "国家队在足球比赛中两比零获胜",
        "篮球联赛总决赛今晚开打",
        "球队主教练赛后接受记者采访",
        "女排夺得世界杯冠军",
        "足球运动员转会创下纪录",
        "篮球明星宣布退役",
        "马拉松比赛吸引三万名选手参赛",
        "乒乓球世锦赛中国队包揽金牌",
        "足球联赛第十轮战罢主队领跑",
        "游泳运动员打破亚洲纪录",
        "网球公开赛决赛门票售罄",
        "球队新赛季首场比赛告负",
        # dev
        "篮球明星转会国家队",
        "女排主教练宣布退役",
        "网球选手夺得冠军",
        "游泳运动员包揽金牌",
        # test
        "足球比赛门票售罄",
        "乒乓球联赛今晚开打",
        "马拉松选手打破纪录",
        "国家队主教练接受记者采访",
    ],
    "财经": [
        "央行宣布下调存款利率",
        "股市今日大幅上涨",
        "银行发布季度财报利润增长",
        "投资者关注债券收益率变化",
        "人民币汇率小幅走低",
        "上市公司公布年度分红方案",
        "股市成交额突破万亿",
        "基金经理看好消费板块投资",
        "银行贷款利率继续下行",
        "通胀数据公布后股市回落",
        "保险公司保费收入同比增长",
        "投资者抛售科技股避险",
        # dev
        "央行下调贷款利率",
        "上市公司利润大幅增长",
        "人民币汇率继续走低",
        "基金经理抛售债券",
        # test
        "银行存款利率下行",
        "投资者关注股市成交额",
        "保险公司公布分红方案",
        "债券收益率小幅上涨",
    ],
    "科技": [
        "新款手机搭载自研芯片",
        "人工智能大模型发布新版本",
        "芯片制造工艺取得突破",
        "软件公司推出开源操作系统",
        "互联网平台上线智能客服",
        "手机厂商发布折叠屏新品",
        "人工智能助手支持语音对话",
        "芯片设计企业完成融资",
        "量子计算机实现新的里程碑",
        "软件更新修复安全漏洞",
        "互联网公司发布云计算服务",
        "手机电池续航大幅提升",
        # dev
        "人工智能芯片取得突破",
        "手机厂商推出操作系统",
        "互联网公司发布大模型",
        "软件更新支持语音对话",
        # test
        "芯片企业发布新款手机",
        "人工智能助手上线互联网平台",
        "开源软件修复安全漏洞",
        "量子计算机芯片完成设计",
    ],
}


def splits() -> dict[str, list[tuple[str, str]]]:
    """12 train, 4 dev and 4 test headlines per class, classes interleaved."""
    cut = {"train": (0, 12), "dev": (12, 16), "test": (16, 20)}
    return {
        split: [(text, label) for i in range(start, end) for label, texts in HEADLINES.items() for text in [texts[i]]]
        for split, (start, end) in cut.items()
    }


def write_jsonl(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"text": text, "label": label}, ensure_ascii=False) for text, label in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_tsv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("label\ttext\n" + "".join(f"{label}\t{text}\n" for text, label in rows), encoding="utf-8")
    return path


def make_params(tmp_path: Path, overrides: dict[str, Any] | None = None) -> Any:
    """The fixture params with the raw files written under ``tmp_path`` and small, fast settings."""
    data = yaml.safe_load(FIXTURE_PARAMS.read_text(encoding="utf-8"))
    for split, rows in splits().items():
        data["preprocess"][split] = str(write_jsonl(tmp_path / "raw" / f"{split}.jsonl", rows))
    data["preprocess"]["workers"] = 1
    data["model"].update(embed_dim=32, filters=16, dropout=0.1)
    data["train"].update(device="cpu", epochs=4, batch_size=8, lr=0.01)
    data["train"]["callbacks"] = [{"name": "early_stopping.v1", "patience": 0}, "dvclive.v1"]
    return validate(SCHEMA, with_settings(data, overrides or {}), "test params")
