import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from corpus.service import Corpus
from evals.retrieval import evaluate_retrieval
from fuqing.errors import InputError


def test_metrics_on_a_small_gold(corpus: Corpus, tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"query": "畅通联系妇女群众渠道", "relevant": ["anhui-ponan-2022#12"]},
        {"query": "人身安全保护令", "relevant": ["反家庭暴力法#23"]},  # a doc alias resolves
        {"query": "量子计算机的散热设计", "relevant": ["anhui-ponan-2022#6"]},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    res = evaluate_retrieval(corpus, gold, k=5)
    assert res["n"] == 3
    assert res["recall@1"] >= 0.33
    assert 0 <= res["mrr"] <= 1
    assert any(m["query"] == "量子计算机的散热设计" for m in res["misses"])
    ranks = {q["query"]: q["first_hit_rank"] for q in res["per_query"]}
    assert ranks["畅通联系妇女群众渠道"] == 1


def test_bad_gold_names_the_line(corpus: Corpus, tmp_path: Path):
    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"query": "a", "relevant": ["anhui-ponan-2022#12"]}\n{"query": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="第 2 行"):
        evaluate_retrieval(corpus, gold)
    gold.write_text('{"query": "a", "relevant": ["no-such-law#1"]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="第 1 行"):
        evaluate_retrieval(corpus, gold)


def test_cli_eval_retrieval_json(fresh_settings, tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"query": "留守妇女 联系", "relevant": ["anhui-ponan-2022#12"]}\n', encoding="utf-8")
    res = CliRunner().invoke(
        app, ["--home", str(fresh_settings.home), "eval", "retrieval", "--gold", str(gold), "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) >= {"n", "recall@1", "recall@5", "mrr", "misses"}
