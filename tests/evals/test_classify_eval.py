import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.conftest import REPO, install_model

runner = CliRunner()


def test_eval_classify_on_dev_meets_a_floor(model_template, tmp_path: Path):
    home = tmp_path / "home"
    install_model(model_template, home)
    res = runner.invoke(
        app,
        [
            "--home",
            str(home),
            "eval",
            "classify",
            "--test",
            str(REPO / "evals/data/needs_dev.jsonl"),
            "--folds",
            "0",
            "--resamples",
            "200",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (home / "evals" / out["run_id"] / "report.html").exists()
    for fam in ("groups", "needs"):
        assert set(out[fam]) >= {"macro_f1", "micro_f1", "per_label", "exact_match"}
        assert out[fam]["macro_f1"] >= 0.82, out[fam]["macro_f1"]
        assert set(out[fam]["per_label"]["left_behind" if fam == "groups" else "employment"]) >= {
            "precision",
            "recall",
            "f1",
        }
    assert out["exact_match"] >= 0.55


def test_single_label_mode_trains_fresh(tmp_path: Path):
    train = tmp_path / "train.csv"
    test = tmp_path / "test.csv"
    rows = [
        ("路灯坏了好几天没人修", "城乡建设"),
        ("小区门口的路坑坑洼洼", "城乡建设"),
        ("学校收费太高", "教育文体"),
        ("孩子上学要交补课费", "教育文体"),
    ]
    train.write_text("text,label\n" + "\n".join(f"{t},{lab}" for t, lab in rows * 5), encoding="utf-8")
    test.write_text("text,label\n路灯不亮了,城乡建设\n补课费太贵,教育文体\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "--home",
            str(tmp_path / "h"),
            "eval",
            "classify",
            "--train",
            str(train),
            "--test",
            str(test),
            "--text-field",
            "text",
            "--label-field",
            "label",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) >= {"accuracy", "macro_f1"} and out["accuracy"] == 1.0
    res = runner.invoke(
        app,
        ["--home", str(tmp_path / "h"), "eval", "classify", "--test", str(test), "--label-field", "label"],
    )
    assert res.exit_code == 2 and "--train" in res.output


def test_unknown_label_in_test_file_names_the_line(model_template, tmp_path: Path):
    home = tmp_path / "home"
    install_model(model_template, home)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "x", "groups": [], "needs": []}\n{"id": "b", "text": "y", "groups": ["boss"], "needs": []}\n',
        encoding="utf-8",
    )
    res = runner.invoke(app, ["--home", str(home), "eval", "classify", "--test", str(bad)])
    assert res.exit_code == 2 and "第 2 行" in res.output and "boss" in res.output


def test_nlp_tag_cli(model_template, tmp_path: Path):
    home = tmp_path / "home"
    install_model(model_template, home)
    res = runner.invoke(app, ["--home", str(home), "nlp", "tag", "培训就算了，主要是没活干", "--json"])
    assert res.exit_code == 0, res.output
    labels = {x["label"] for x in json.loads(res.stdout)["labels"]}
    assert "employment" in labels and "skills_training" not in labels
