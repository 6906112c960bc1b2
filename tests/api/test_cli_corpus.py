import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from fuqing.config import Settings

runner = CliRunner()


def _run(settings: Settings, *args: str):
    return runner.invoke(app, ["--home", str(settings.home), *args])


def test_search_json(fresh_settings: Settings):
    res = _run(fresh_settings, "corpus", "search", "留守妇女没人说话", "-k", "3", "--json")
    assert res.exit_code == 0, res.output
    hits = json.loads(res.stdout)
    assert len(hits) == 3
    assert set(hits[0]) >= {"doc_id", "clause_id", "section", "title", "text", "score"}


def test_add_list_show_and_errors(fresh_settings: Settings, tmp_path: Path):
    f = tmp_path / "notice.txt"
    f.write_text(
        "关于妇女微家建设的通知\n\n1.每个村建一个妇女微家。\n\n2.微家由执委负责。\n", encoding="utf-8"
    )
    res = _run(fresh_settings, "corpus", "add", str(f), "--doc-id", "weijia", "--title", "妇女微家通知")
    assert res.exit_code == 0, res.output
    assert "weijia" in res.stdout

    res = _run(fresh_settings, "corpus", "add", str(f), "--doc-id", "weijia")
    assert res.exit_code != 0
    assert "weijia" in res.output and "--replace" in res.output

    res = _run(fresh_settings, "corpus", "add", str(f), "--doc-id", "weijia", "--replace", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)[0]["replaced"] is True

    listed = json.loads(_run(fresh_settings, "corpus", "list", "--json").stdout)
    assert [d["doc_id"] for d in listed].count("weijia") == 1
    assert len(listed) == 14

    shown = json.loads(_run(fresh_settings, "corpus", "show", "weijia#2", "--json").stdout)
    assert shown["clause_id"] == "weijia#2" and shown["text"] == "微家由执委负责。"
    assert shown["title"] == "微家由执委负责"

    missing = tmp_path / "missing.txt"
    res = _run(fresh_settings, "corpus", "add", str(missing))
    assert res.exit_code == 2 and "missing.txt" in res.output

    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = _run(fresh_settings, "corpus", "add", str(empty))
    assert res.exit_code == 2 and "empty.txt" in res.output
    assert len(json.loads(_run(fresh_settings, "corpus", "list", "--json").stdout)) == 14


def test_show_clause_of_seed(fresh_settings: Settings):
    res = _run(fresh_settings, "corpus", "show", "anhui-ponan-2022#12", "--json")
    data = json.loads(res.stdout)
    assert data["title"] == "畅通联系妇女群众渠道"
    assert data["citation"] == "〔《关于实施全省妇联组织改革“破难行动”的指导意见》第12条〕"
