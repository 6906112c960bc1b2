"""The redaction suite on a few lines of the development file: scoring rules, the saved run and the CLI."""

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from evals.common import bundled
from evals.runs import load_run, save_run
from evals.suites.redaction import Sample, gold_spans, judge, run_redaction
from fuqing.config import Settings
from nlp.redact import KINDS, Redacted, Span

runner = CliRunner()


def _dev_lines(tmp_path: Path, n: int = 40) -> Path:
    path = tmp_path / "redaction_sample.jsonl"
    lines = bundled("redaction_dev.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_occurrence_is_gold_and_coverage_must_be_whole():
    text = "王芳说王芳的电话13812345678"
    gold = gold_spans(text, [{"kind": "name", "text": "王芳"}, {"kind": "phone", "text": "13812345678"}])
    assert gold == [(0, 2, "name"), (3, 5, "name"), (8, 19, "phone")]
    sample = Sample("x", text, gold)
    half = Redacted(
        "…", {"phone": 1}, [Span(8, 15, "phone", "〔手机号〕"), Span(0, 2, "address", "〔住址〕")]
    )
    j = judge(sample, half)
    assert j.gold == {"name": 2, "phone": 1} and j.found == {"name": 1, "phone": 0}  # half a phone is a miss
    assert j.right == {"phone": 1, "address": 1} and j.exact == {"phone": 1, "address": 0}
    assert {m["text"] for m in j.missed} == {"王芳", "13812345678"} and not j.wrong


def test_suite_run_is_saved_with_per_kind_figures(tmp_path: Path):
    settings = Settings(home=tmp_path / "home")
    result = run_redaction(settings, test=_dev_lines(tmp_path), resamples=50)
    m = result.metrics
    assert m["n"] == 40 and m["n_ordinary"] == sum(1 for p in result.predictions if not p["gold"])
    assert set(m["per_kind"]) == set(KINDS)
    for name in ("numbers.recall", "names.recall", "addresses.recall", "ordinary_changed_rate"):
        h = m["headline"][name]
        assert set(h) == {"value", "ci", "higher_is_better"} and 0 <= h["value"] <= 1
    assert m["headline"]["ordinary_changed_rate"]["higher_is_better"] is False
    assert m["per_kind"]["phone"]["recall"]["n"] > 0 and m["per_kind"]["phone"]["recall"]["ci"]
    first = result.predictions[0]
    assert {"id", "text", "redacted", "missed", "wrong"} <= set(first) and first["redacted"] != first["text"]
    run_id = save_run(settings, result)
    saved = load_run(settings, run_id)
    assert saved["config"]["suite"] == "redaction" and "test" in saved["config"]["datasets"]


def test_cli_json_has_the_figures(tmp_path: Path):
    res = runner.invoke(
        app,
        ["--home", str(tmp_path / "home"), "eval", "redaction", "--test", str(_dev_lines(tmp_path, 25))]
        + ["--resamples", "50", "--json"],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"run_id", "headline", "n", "per_kind", "ordinary_changed_rate"} <= set(out)
    assert out["n"] == 25 and set(out["per_kind"]["name"]) >= {"recall", "precision", "n"}
