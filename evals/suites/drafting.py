"""The drafting suite: are drafted findings grounded? Checked independently of the drafter's own verifier.

The labelled responses (default: needs_dev.jsonl, with their gold labels) are loaded into a private SQLite
database; for every scenario (a set of summary filters) the summary is built and each drafter drafts. Over the
drafter's raw output (before verification removes anything) the suite measures: citations that resolve to a
clause of the corpus, numbers that equal a figure of the summary, quoted phrases that occur in the cited
responses, cited clauses within the gold relevant set for the finding's theme; and, after verification,
the share of the scenario's top needs covered by at least one finding.

Villages are not loaded: the summaries' small-cell protection withholds quotes from villages with fewer than
five respondents, which on 360 synthetic rows from hundreds of villages would remove every quote to check.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from evals import plots
from evals.common import bundled, one_blas_thread, read_rows
from evals.runs import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric
from fuqing.actors import Actor
from fuqing.config import Settings
from fuqing.errors import InputError, NotFound
from fuqing.jsonl import read_jsonl
from fuqing.timeutil import CST
from nlp.labelled import LabelledRow
from nlp.tagger import Tagging, TagLabel
from nlp.taxonomy import taxonomy

SYSTEM = Actor.system()

CHECKS = ("citations_resolve", "numbers_match", "quotes_found", "citations_relevant", "verified")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(%?)")
TOP_NEEDS = 3


def read_scenarios(path: Path) -> list[dict[str, Any]]:
    from findings.summaries import Filters

    out = []
    for n, obj in read_jsonl(Path(path)):
        filters = obj.get("filters")
        if not isinstance(obj.get("id"), str) or not isinstance(filters, dict):
            raise InputError(
                f"{Path(path).name} 第 {n} 行应有 id 和 filters。",
                hint='格式：{"id": "all", "title": "全部回答", "filters": {"county": "金寨县"}}',
            )
        try:
            Filters(**{k: _coerce(k, v) for k, v in filters.items()}).validate()
        except TypeError as exc:
            raise InputError(
                f"{Path(path).name} 第 {n} 行的 filters 有未知字段：{exc}。", hint="见 Filters。"
            ) from exc
        out.append(obj)
    return out


def _coerce(key: str, value: Any) -> Any:
    return date.fromisoformat(value) if key in ("since", "until") and isinstance(value, str) else value


def read_relevant(path: Path) -> dict[str, list[str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rel = data.get("relevant", data)
    unknown = [k for k in rel if k not in taxonomy().ids]
    if unknown:
        raise InputError(f"{Path(path).name} 中有未知主题：{'、'.join(unknown)}。", hint="主题用标签 id。")
    return {k: list(v) for k, v in rel.items()}


def in_relevant(cid: str, patterns: list[str]) -> bool:
    """DOC#* (any clause of DOC), DOC#A-B (numbered articles A..B) or an exact DOC#CLAUSE."""
    doc, _, clause = cid.partition("#")
    for p in patterns:
        pdoc, _, pclause = p.partition("#")
        if pdoc != doc:
            continue
        if pclause in ("*", clause):
            return True
        lo, dash, hi = pclause.partition("-")
        if dash and clause.isdigit() and lo.isdigit() and hi.isdigit() and int(lo) <= int(clause) <= int(hi):
            return True
    return False


def summary_numbers(summary: dict[str, Any]) -> set[str]:
    """Every number a finding may state: counts, respondents, shares as percentages (one decimal or whole)."""
    out = {str(summary.get("respondents"))}
    for fam in ("needs", "groups"):
        for v in summary.get(fam, {}).values():
            out.add(str(v["count"]))
            out.add(f"{v['share'] * 100:.1f}%")
            out.add(f"{round(v['share'] * 100)}%")
    for row in summary.get("crosstab", {}).values():
        out.update(str(c) for c in row.values())
    return out


def load_responses(rows: list[LabelledRow], home: Path) -> Any:
    """A private database with the responses and their gold labels applied."""
    from fuqing.db import open_database
    from survey.labels import store_taggings
    from survey.responses import submit_response
    from survey.surveys import create_survey

    db = open_database(Settings(home=home))
    tax = taxonomy()
    with db.session(write=True) as s:
        sid = create_survey(s, "起草评测", actor=SYSTEM).id
        ids = []
        for r in rows:
            meta = r.meta or {}
            when = meta.get("collected_at")
            data = {
                "text": r.text,
                "source_id": r.id,
                "county": meta.get("county"),
                "township": meta.get("township"),
                "age": meta.get("age"),
                "marital_status": meta.get("marital_status"),
                "channel": meta.get("channel"),
                "collected_at": datetime.combine(date.fromisoformat(when), dtime(12), CST) if when else None,
            }
            resp, _ = submit_response(s, sid, data, SYSTEM)
            ids.append(resp.id)
        taggings = [
            Tagging([TagLabel(lab, tax.family_of(lab), 1.0, "human", "金标签", "gold") for lab in r.labels])
            for r in rows
        ]
        store_taggings(s, ids, taggings, "gold", gated=set())
    return db


def check_finding(
    f: Any, ctx: Any, corpus: Any, numbers: set[str], texts: dict[int, str], relevant: list[str]
) -> dict[str, Any]:
    """Per-item outcomes of one raw finding (lists of 0/1 per citation, number and quote)."""
    from findings.drafting import verify

    resolves = []
    for cid in f.citations:
        try:
            resolves.append(float(corpus.resolve_clause_id(cid) == cid))
        except (NotFound, InputError):
            resolves.append(0.0)
    body = re.sub(r"“[^”]*”", "", f.text)
    body = re.sub(r"〔[^〕]*〕", "", body)
    nums = [
        float(num + pct in numbers or (bool(pct) and f"{float(num):.1f}%" in numbers))
        for num, pct in _NUMBER.findall(body)
    ]
    cited = [
        texts.get(int(q.get("response_id", -1)), "")
        for q in f.quotes
        if str(q.get("response_id", "")).lstrip("-").isdigit()
    ]
    quotes = [float(any(p in t for t in cited)) for p in re.findall(r"“([^”]+)”", f.text)]
    rel = [float(in_relevant(c, relevant)) for c in f.citations]
    reason = verify(f, ctx)
    return {
        "kind": f.kind,
        "theme": f.theme,
        "text": f.text,
        "citations": f.citations,
        "citations_resolve": resolves,
        "numbers_match": nums,
        "quotes_found": quotes,
        "citations_relevant": rel,
        "verified": [float(reason is None)],
        "rejected_because": reason,
    }


@one_blas_thread
def run_drafting(
    settings: Settings,
    *,
    responses: Path | None = None,
    scenarios: Path | None = None,
    relevant: Path | None = None,
    limit: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    llm_drafter: Any = None,
    corpus: Any = None,
) -> SuiteResult:
    started = time.perf_counter()
    from corpus.service import Corpus
    from findings.drafting import OfflineDrafter, build_context
    from findings.summaries import Filters, summarize

    responses = Path(responses or bundled("needs_dev.jsonl"))
    scenarios = Path(scenarios or bundled("drafting_scenarios.jsonl"))
    relevant = Path(relevant or bundled("drafting_relevant.json"))
    rows = read_rows(responses, limit)
    cases = read_scenarios(scenarios)
    gold_rel = read_relevant(relevant)
    corpus = corpus or Corpus.open(settings)
    drafters: dict[str, Any] = {"offline": OfflineDrafter()}
    if llm_drafter is not None:
        drafters["llm"] = llm_drafter
    items: dict[str, dict[str, list[float]]] = {d: {c: [] for c in CHECKS} for d in drafters}
    covered: dict[str, list[float]] = {d: [] for d in drafters}
    failures: dict[str, int] = {d: 0 for d in drafters}
    predictions: list[dict[str, Any]] = []
    per_scenario: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix="fuqing-drafting-") as tmp:
        db = load_responses(rows, Path(tmp))
        try:
            with db.session() as s:
                for case in cases:
                    f = Filters(**{k: _coerce(k, v) for k, v in case["filters"].items()})
                    summary = summarize(s, f, threshold=settings.small_cell_threshold, with_keywords=False)
                    if not summary["respondents"]:
                        per_scenario.append([case["id"], 0, "–", "–", "–", "–"])
                        continue
                    ctx = build_context(summary, corpus, s)
                    numbers = summary_numbers(summary)
                    top = [
                        k
                        for k, v in summary["needs"].items()
                        if isinstance(v["count"], int) and v["count"] > 0
                    ]
                    top = top[:TOP_NEEDS]
                    for name, drafter in drafters.items():
                        try:
                            raw = drafter.draft(ctx)
                        except Exception as exc:  # an LLM failure is a result to report, not a crash
                            failures[name] += 1
                            predictions.append(
                                {"id": case["id"], "drafter": name, "error": type(exc).__name__}
                            )
                            covered[name] += [0.0] * len(top)
                            continue
                        checked = [
                            check_finding(x, ctx, corpus, numbers, ctx.quotes_text, gold_rel.get(x.theme, []))
                            for x in raw
                        ]
                        for c in checked:
                            for key in CHECKS:
                                items[name][key] += c[key]
                        kept = {
                            c["theme"] for c in checked if c["kind"] == "finding" and c["verified"] == [1.0]
                        }
                        cov = [float(n in kept) for n in top]
                        covered[name] += cov
                        predictions.append(
                            {
                                "id": case["id"],
                                "drafter": name,
                                "filters": case["filters"],
                                "respondents": summary["respondents"],
                                "top_needs": top,
                                "findings": checked,
                            }
                        )
                        per_scenario.append(
                            [
                                case["id"],
                                summary["respondents"],
                                name,
                                len(raw),
                                sum(c["verified"][0] for c in checked),
                                f"{int(sum(cov))}/{len(top)}",
                            ]
                        )
        finally:
            db.dispose()
    results: dict[str, Any] = {}
    head: dict[str, Any] = {}
    for name in drafters:
        block = {key: bootstrap_metric(items[name][key], resamples=resamples) for key in CHECKS}
        block["top_needs_covered"] = bootstrap_metric(covered[name], resamples=resamples)
        block["failures"] = failures[name]
        results[name] = block
        for key in (*CHECKS, "top_needs_covered"):
            head[f"{name}.{key}"] = headline(block[key]["value"], block[key]["ci"])
    metrics = {"headline": head, "drafters": results, "scenarios": len(cases), "responses": len(rows)}
    keys = [*CHECKS, "top_needs_covered"]
    figs = {
        "drafting": plots.grouped_bars(
            keys,
            {name: [results[name][k]["value"] or 0.0 for k in keys] for name in drafters},
            errors={name: [results[name][k]["ci"] or [0.0, 0.0] for k in keys] for name in drafters},
            title="Drafting checks (share of items passing, 95% CI)",
            ylabel="share",
        )
    }
    return SuiteResult(
        "drafting",
        {"limit": limit, "resamples": resamples, "drafters": list(drafters), "top_needs": TOP_NEEDS},
        {"responses": responses, "scenarios": scenarios, "relevant": relevant},
        metrics,
        predictions,
        [
            Table(
                "各起草器的核验结果（原始输出，逐项）",
                ["drafter", "check", "share", "95% CI", "items"],
                [
                    [d, k, results[d][k]["value"], results[d][k]["ci"], results[d][k]["n"]]
                    for d in drafters
                    for k in keys
                ],
            ),
            Table(
                "各情景",
                ["scenario", "respondents", "drafter", "drafted", "verified", "top needs covered"],
                per_scenario,
            ),
        ],
        figs,
        [
            f"{len(cases)} 个情景，{len(rows)} 条回答（金标签），语料库条款作为引用来源。"
            "citations_relevant：所引条款属于该主题的金标准相关集合（drafting_relevant.json）。"
            "verified：通过系统核验（findings.drafting.verify）的比例。"
        ],
        time.perf_counter() - started,
    )
