"""The `fuqing` command: one Typer app whose commands parse options, call one use case and print the result."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import typer

from api.cli import cases, corpus, data, evals, findings, labels, surveys, users
from api.cli.common import console, new_app
from fuqing.config import Settings

app = new_app("妇情 fuqing：基层妇女群众需求调研工具（调查录入、需求标注、政策检索、调研发现）。")
app.add_typer(cases.app, name="cases")
app.add_typer(corpus.app, name="corpus")
app.add_typer(evals.app, name="eval")
app.add_typer(surveys.app, name="survey")
app.add_typer(surveys.upload_app, name="upload")
app.command("summary")(findings.summary)
app.command("ask")(findings.ask_cmd)
app.command("draft")(findings.draft_cmd)
app.command("report")(findings.report_cmd)
app.add_typer(labels.app, name="nlp")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.command("audit")(users.audit)
app.command("contact")(surveys.contact)
app.command("backup")(data.backup)
app.command("restore")(data.restore)
app.add_typer(data.erase_app, name="erase")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="端口"),
) -> None:
    """启动网页与 API 服务（内置 SQLite、Chroma 与政策语料，离线可用）。"""
    import uvicorn

    from api.app import create_app
    from corpus.service import Corpus
    from nlp.service import load_tagger

    settings = ctx.find_root().obj
    console.print("正在准备需求标注模型与政策语料（首次启动会训练模型、导入语料，约半分钟）……")
    app_ = create_app(settings, tagger=load_tagger(settings), corpus=Corpus.open(settings), warm=True)
    _show_setup_code(app_.state.services)
    console.print(f"服务地址：http://{host}:{port}/  接口文档：http://{host}:{port}/docs")
    uvicorn.run(app_, host=host, port=port, log_level="info", access_log=False)


def _show_setup_code(services: Any) -> None:
    """On a new installation: the one-time code for creating the first administrator in the browser."""
    from usecases import SETUP_CODE_NOTICE, first_admin_setup_code

    code = first_admin_setup_code(services)
    if code:
        console.print(SETUP_CODE_NOTICE.format(code=f"[bold]{code}[/bold]"))


@app.callback()
def _root(
    ctx: typer.Context,
    home: Path | None = typer.Option(None, "--home", help="本地数据目录（默认 FUQING_HOME 或 ./.fuqing）"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="显示运行日志"),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = Settings(home=home) if home else Settings()


def main() -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    app()


if __name__ == "__main__":
    main()
