"""`fuqing eval all|list|show|compare|readme` on a home with the session's model and corpus."""

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from evals.common import bundled
from evals.readme import END, README, START, write_readme
from evals.suites import SUITES
from fuqing.config import Settings
from tests.conftest import install_corpus, install_model

runner = CliRunner()


def _cli(home: Path, *args: str) -> dict | list:  # type: ignore[type-arg]
    res = runner.invoke(app, ["--home", str(home), "eval", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_eval_all_then_list_show_compare_and_readme(model_template, bundled_home, tmp_path: Path):
    home = tmp_path / "home"
    install_model(model_template, home)
    install_corpus(bundled_home, home)
    out = _cli(home, "all", "--limit", "20", "--folds", "0", "--resamples", "50", "--no-llm", "--json")
    assert len(out["runs"]) == len(SUITES)

    listed = _cli(home, "list", "--json")
    assert {r["suite"] for r in listed} == set(SUITES)
    assert all(r["headline"] for r in listed)
    shown = _cli(home, "show", "latest:classify", "--json")
    assert shown["config"]["options"]["limit"] == 20 and "metrics.json" in shown["files"]

    # Same data: a paired comparison; the same model gives the same answers, so nothing exceeds noise.
    again = _cli(home, "classify", "--limit", "20", "--folds", "0", "--resamples", "50", "--no-llm", "--json")
    first = next(r["run_id"] for r in listed if r["suite"] == "classify")
    cmp = _cli(home, "compare", first, again["run_id"], "--json")
    assert cmp["same_data"] and cmp["rows"]
    model_rows = [r for r in cmp["rows"] if r["metric"].startswith("model.") and r["metric"] != "model.ece"]
    assert all(r["method"] == "paired bootstrap" and r["delta"] == 0 for r in model_rows)
    assert all(r["verdict"] == "within noise" for r in model_rows)

    # Other data: only the intervals can be compared.
    other = tmp_path / "other.jsonl"
    lines = bundled("needs_dev.jsonl").read_text(encoding="utf-8").splitlines()[200:240]
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    third = _cli(
        home, "classify", "--test", str(other), "--folds", "0", "--resamples", "50", "--no-llm", "--json"
    )
    cmp2 = _cli(home, "compare", first, third["run_id"], "--json")
    assert not cmp2["same_data"]
    assert {r["method"] for r in cmp2["rows"]} <= {"interval overlap", "no interval"}

    retrieval = next(r["run_id"] for r in listed if r["suite"] == "retrieval")
    res = runner.invoke(app, ["--home", str(home), "eval", "compare", first, retrieval])
    assert res.exit_code == 2 and "无法比较" in res.output
    res = runner.invoke(app, ["--home", str(home), "eval", "show", "20000101-000000-classify"])
    assert res.exit_code == 3 and "eval list" in res.output
    res = runner.invoke(app, ["--home", str(home), "eval", "show", "../etc"])
    assert res.exit_code == 2

    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Evaluation\n\nprose\n\n{START}\nold figures\n{END}\n\nmore prose\n", encoding="utf-8"
    )
    write_readme(Settings(home=home), out["runs"], path=readme)
    text = readme.read_text(encoding="utf-8")
    assert "old figures" not in text and "more prose" in text
    for suite in SUITES:
        assert f"### {suite}" in text
    value = shown["metrics"]["headline"]["model.micro_f1"]["value"]
    assert f"| model.micro_f1 | {value:.4f} |" in text


def test_the_bundled_readme_has_the_generated_block():
    text = README.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1


def test_retrieval_cli_keeps_its_single_file_json_shape(fresh_settings, tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"query": "留守妇女 联系", "relevant": ["anhui-ponan-2022#12"]}\n', encoding="utf-8")
    out = _cli(fresh_settings.home, "retrieval", "--gold", str(gold), "--method", "bm25", "--json")
    assert out["method"] == "bm25" and set(out["sets"]["gold"]) == {"bm25"}
    assert set(out) >= {"run_id", "n", "recall@1", "recall@5", "mrr", "misses"}
    shutil.rmtree(fresh_settings.home / "evals")
