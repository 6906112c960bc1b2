import json
import logging
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.fixtures import exports

runner = CliRunner()


def _run(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


def _home(tmp_path: Path, model_template: Path) -> Path:
    from tests.conftest import install_model

    home = tmp_path / "home"
    install_model(model_template, home)
    return home


def test_survey_create_list_import(tmp_path: Path, caplog, model_template):
    home = _home(tmp_path, model_template)
    res = _run(home, "survey", "create", "金寨县2025年妇女需求调研", "--json")
    assert res.exit_code == 0, res.output
    sid = json.loads(res.stdout)["id"]
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=12)
    with caplog.at_level(logging.DEBUG):
        res = _run(home, "survey", "import", str(f), "--survey", str(sid))
    assert res.exit_code == 0, res.output
    assert "已导入" in res.stdout and "问卷星（按选项文本）" in res.stdout
    # raw personal numbers never reach a log
    assert "13812345678" not in caplog.text and "11010519491231002X" not in caplog.text
    listed = json.loads(_run(home, "survey", "list", "--json").stdout)
    assert listed == [{"id": sid, "title": "金寨县2025年妇女需求调研", "responses": 12}]

    res = _run(home, "survey", "import", str(f), "--new-survey", "再来一次", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["rows_ok"] == 12


def test_import_exit_codes(tmp_path: Path, model_template):
    home = _home(tmp_path, model_template)
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,提交时间,您最需要什么帮助\n1,2025-13-45,想找活干\n", encoding="utf-8")
    res = _run(
        home, "survey", "import", str(bad), "--new-survey", "x", "--mapping", str(tmp_path / "missing.yaml")
    )
    assert res.exit_code == 2 and "missing.yaml" in res.output
    res = _run(home, "survey", "import", str(bad), "--new-survey", "x")
    assert res.exit_code == 1 and "没有一行可以写入" in res.stdout  # nothing could be stored
    good = exports.wjx_csv(
        tmp_path / "wjx.csv",
        n=3,
        extra_rows=[
            [
                "9",
                "bad-date",
                "1秒",
                "",
                "",
                "",
                "金寨县",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "想找活干",
                "",
            ]
        ],
    )
    res = _run(home, "survey", "import", str(good), "--new-survey", "strict", "--strict")
    assert res.exit_code == 1 and "严格模式" in res.stdout
    res = _run(home, "survey", "import", str(good), "--new-survey", "relaxed")
    assert res.exit_code == 0 and "提交答卷时间" in res.stdout  # row error reported, upload stored
    res = _run(home, "survey", "import", str(good))
    assert res.exit_code == 2 and "--survey" in res.output


def test_user_and_token(tmp_path: Path):
    home = tmp_path / "home"
    assert _run(home, "user", "add", "wang", "--role", "fieldworker").exit_code == 0
    res = _run(home, "user", "add", "li", "--role", "boss")
    assert res.exit_code == 2 and "fieldworker" in res.output
    res = _run(home, "token", "create", "wang")
    assert res.exit_code == 0 and res.stdout.strip().startswith("fq_")
    assert _run(home, "token", "create", "nobody").exit_code == 3


def test_summary_cli(tmp_path: Path, model_template):
    from tests.conftest import install_model

    home = tmp_path / "home"
    install_model(model_template, home)
    f = exports.wjx_csv(tmp_path / "wjx.csv", n=12)
    assert _run(home, "survey", "import", str(f), "--new-survey", "s").exit_code == 0
    res = _run(home, "summary", "--county", "金寨县", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["respondents"] == 5 and set(out) >= {  # 6 answers, published rounded to a multiple of 5
        "respondents",
        "needs",
        "groups",
        "crosstab",
        "keywords",
        "quotes",
    }
    assert out["needs"]["employment"]["count"] in (5, "<5")  # published: rounded, or withheld below 5
    res = _run(home, "summary", "--since", "2025-13-01")
    assert res.exit_code == 2 and "2025-06-01" in res.output


def test_eval_risk_json_keys_and_any_test_file(tmp_path: Path) -> None:
    f = tmp_path / "mine.jsonl"
    rows = [
        {"id": "k1", "text": "他喝了酒就动手，孩子吓得不敢回家", "risk": ["violence", "child_safety"]},
        {"id": "k2", "text": "天天在厂里打工，累死了，就想多挣点", "risk": []},
        {"id": "k3", "text": "真不想活了", "risk": ["self_harm"]},
    ]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    r = _run(tmp_path / "home", "eval", "risk", "--test", str(f), "--json", "--resamples", "50")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {"n", "recall", "precision", "false_alarm_rate", "per_kind"} <= set(data)
    assert data["n"] == 3 and data["recall"] == 1.0 and data["false_alarm_rate"] == 0.0
    assert set(data["per_kind"]) == {"violence", "self_harm", "child_safety", "acute_hardship"}
    assert {"recall", "precision", "n"} <= set(data["per_kind"]["violence"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t", "risk": ["nope"]}\n', "utf-8")
    r = _run(tmp_path / "home", "eval", "risk", "--test", str(bad), "--json")
    assert r.exit_code != 0 and "nope" in r.output and "第 1 行" in r.output
