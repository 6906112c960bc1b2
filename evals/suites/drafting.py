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
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from evals import plots
from evals.common import bundled, read_rows
from evals.results import SuiteResult, Table, headline
from evals.stats import DEFAULT_RESAMPLES, bootstrap_metric
from evals.suite import Description, Metrics, Suite
from fuqing.actors import Actor
from fuqing.config import Settings
from fuqing.errors import InputError, NotFound
from fuqing.jsonl import read_jsonl
from fuqing.timeutil import CST
from fuqing.vault import Vault
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
            if v["share"] is not None:
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
    vault = Vault.of(Settings(home=home))
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
            resp, _ = submit_response(s, sid, data, SYSTEM, vault)
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


@dataclass
class DraftingData:
    rows: list[LabelledRow]
    cases: list[dict[str, Any]]  # the scenarios
    relevant: dict[str, list[str]]  # per theme, the clauses a citation may come from
    corpus: Any
    drafters: dict[str, Any]
    threshold: int  # the summaries' small-cell threshold


@dataclass
class Draft:
    """One drafter's raw findings for one scenario, each checked; or the error that stopped the drafter."""

    drafter: str
    findings: list[dict[str, Any]]  # check_finding of each raw finding
    drafted: int
    error: str | None = None

    def coverage(self, top: list[str]) -> list[float]:
        """Per top need of the scenario: 1.0 when a verified finding is about it."""
        kept = {c["theme"] for c in self.findings if c["kind"] == "finding" and c["verified"] == [1.0]}
        return [float(n in kept) for n in top]


@dataclass
class ScenarioDrafts:
    case: dict[str, Any]
    respondents: int
    top: list[str]  # the scenario's top needs
    drafts: list[Draft]  # none when no response matched the scenario


def draft_checked(
    name: str, drafter: Any, ctx: Any, corpus: Any, numbers: set[str], relevant: dict[str, list[str]]
) -> Draft:
    try:
        raw = drafter.draft(ctx)
    except Exception as exc:  # an LLM failure is a result to report, not a crash
        return Draft(name, [], 0, type(exc).__name__)
    checked = [
        check_finding(x, ctx, corpus, numbers, ctx.quotes_text, relevant.get(x.theme, [])) for x in raw
    ]
    return Draft(name, checked, len(raw))


def drafting_scores(data: DraftingData, outputs: list[ScenarioDrafts], resamples: int) -> dict[str, Any]:
    """Per drafter, the share of items passing each check (pooled over scenarios, in scenario order)."""
    items: dict[str, dict[str, list[float]]] = {d: {c: [] for c in CHECKS} for d in data.drafters}
    covered: dict[str, list[float]] = {d: [] for d in data.drafters}
    failures: dict[str, int] = {d: 0 for d in data.drafters}
    for scenario in outputs:
        for draft in scenario.drafts:
            if draft.error is not None:
                failures[draft.drafter] += 1
                covered[draft.drafter] += [0.0] * len(scenario.top)
                continue
            for c in draft.findings:
                for key in CHECKS:
                    items[draft.drafter][key] += c[key]
            covered[draft.drafter] += draft.coverage(scenario.top)
    results: dict[str, Any] = {}
    for name in data.drafters:
        block = {key: bootstrap_metric(items[name][key], resamples=resamples) for key in CHECKS}
        block["top_needs_covered"] = bootstrap_metric(covered[name], resamples=resamples)
        block["failures"] = failures[name]
        results[name] = block
    return results


def draft_records(outputs: list[ScenarioDrafts]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for scenario in outputs:
        for draft in scenario.drafts:
            if draft.error is not None:
                records.append({"id": scenario.case["id"], "drafter": draft.drafter, "error": draft.error})
                continue
            records.append(
                {
                    "id": scenario.case["id"],
                    "drafter": draft.drafter,
                    "filters": scenario.case["filters"],
                    "respondents": scenario.respondents,
                    "top_needs": scenario.top,
                    "findings": draft.findings,
                }
            )
    return records


def scenarios_table(outputs: list[ScenarioDrafts]) -> Table:
    """A row per scenario and drafter that drafted (a failed drafter shows only in predictions.jsonl)."""
    rows: list[list[Any]] = []
    for scenario in outputs:
        if not scenario.respondents:
            rows.append([scenario.case["id"], 0, "–", "–", "–", "–"])
        for draft in scenario.drafts:
            if draft.error is None:
                cov = draft.coverage(scenario.top)
                verified = sum(c["verified"][0] for c in draft.findings)
                rows.append(
                    [scenario.case["id"], scenario.respondents, draft.drafter, draft.drafted, verified]
                    + [f"{int(sum(cov))}/{len(scenario.top)}"]
                )
    columns = ["scenario", "respondents", "drafter", "drafted", "verified", "top needs covered"]
    return Table("各情景", columns, rows)


@dataclass
class DraftingSuite(Suite[DraftingData, list[ScenarioDrafts]]):
    responses: Path | None = None
    scenarios: Path | None = None
    relevant: Path | None = None
    limit: int | None = None
    resamples: int = DEFAULT_RESAMPLES
    llm_drafter: Any = None
    corpus: Any = None

    name = "drafting"

    def drafter_names(self) -> list[str]:
        return ["offline"] + (["llm"] if self.llm_drafter is not None else [])

    def config(self) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "resamples": self.resamples,
            "drafters": self.drafter_names(),
            "top_needs": TOP_NEEDS,
        }

    def datasets(self) -> dict[str, Path]:
        return {
            "responses": Path(self.responses or bundled("needs_dev.jsonl")),
            "scenarios": Path(self.scenarios or bundled("drafting_scenarios.jsonl")),
            "relevant": Path(self.relevant or bundled("drafting_relevant.json")),
        }

    def load(self, settings: Settings) -> DraftingData:
        from corpus.service import Corpus
        from findings.drafting import OfflineDrafter

        files = self.datasets()
        rows = read_rows(files["responses"], self.limit)
        cases = read_scenarios(files["scenarios"])
        relevant = read_relevant(files["relevant"])
        corpus = self.corpus or Corpus.open(settings)
        drafters: dict[str, Any] = {"offline": OfflineDrafter()}
        if self.llm_drafter is not None:
            drafters["llm"] = self.llm_drafter
        return DraftingData(rows, cases, relevant, corpus, drafters, settings.small_cell_threshold)

    def predict(self, data: DraftingData) -> list[ScenarioDrafts]:
        """Each drafter on each scenario, in a private database of the responses. The drafts are checked here
        too, while their scenario's summary and database exist; scoring only counts the outcomes."""
        with tempfile.TemporaryDirectory(prefix="fuqing-drafting-") as tmp:
            db = load_responses(data.rows, Path(tmp))
            try:
                with db.session() as s:
                    return [self.draft_scenario(s, data, case) for case in data.cases]
            finally:
                db.dispose()

    def draft_scenario(self, session: Any, data: DraftingData, case: dict[str, Any]) -> ScenarioDrafts:
        from findings.drafting import build_context
        from findings.summaries import Filters, summarize

        f = Filters(**{k: _coerce(k, v) for k, v in case["filters"].items()})
        summary = summarize(session, f, threshold=data.threshold, with_keywords=False)
        if not summary["respondents"]:
            return ScenarioDrafts(case, summary["respondents"], [], [])
        ctx = build_context(summary, data.corpus, session)
        numbers = summary_numbers(summary)
        top = [k for k, v in summary["needs"].items() if isinstance(v["count"], int) and v["count"] > 0]
        drafts = [
            draft_checked(name, drafter, ctx, data.corpus, numbers, data.relevant)
            for name, drafter in data.drafters.items()
        ]
        return ScenarioDrafts(case, summary["respondents"], top[:TOP_NEEDS], drafts)

    def score(self, data: DraftingData, outputs: list[ScenarioDrafts]) -> Metrics:
        results = drafting_scores(data, outputs, self.resamples)
        head = {
            f"{name}.{key}": headline(block[key]["value"], block[key]["ci"])
            for name, block in results.items()
            for key in (*CHECKS, "top_needs_covered")
        }
        return {
            "headline": head,
            "drafters": results,
            "scenarios": len(data.cases),
            "responses": len(data.rows),
        }

    def describe(self, data: DraftingData, outputs: list[ScenarioDrafts], metrics: Metrics) -> Description:
        results, keys = metrics["drafters"], [*CHECKS, "top_needs_covered"]
        checks = Table(
            "各起草器的核验结果（原始输出，逐项）",
            ["drafter", "check", "share", "95% CI", "items"],
            [
                [d, k, results[d][k]["value"], results[d][k]["ci"], results[d][k]["n"]]
                for d in results
                for k in keys
            ],
        )
        figs = {
            "drafting": plots.grouped_bars(
                keys,
                {name: [results[name][k]["value"] or 0.0 for k in keys] for name in results},
                errors={name: [results[name][k]["ci"] or [0.0, 0.0] for k in keys] for name in results},
                title="Drafting checks (share of items passing, 95% CI)",
                ylabel="share",
            )
        }
        notes = [
            f"{len(data.cases)} 个情景，{len(data.rows)} 条回答（金标签），语料库条款作为引用来源。"
            "citations_relevant：所引条款属于该主题的金标准相关集合（drafting_relevant.json）。"
            "verified：通过系统核验（findings.drafting.verify）的比例。"
        ]
        return Description(draft_records(outputs), [checks, scenarios_table(outputs)], figs, notes)


def run_drafting(settings: Settings, **options: Any) -> SuiteResult:
    """The suite in one call, as tests and scripts use it (options: :class:`DraftingSuite`)."""
    return DraftingSuite(**options).run(settings)
