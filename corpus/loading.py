"""Reading policy files (.txt, .md, .html, .docx) into text, with the encoding detected and reported."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from fuqing.errors import FileTooLarge, InputError
from fuqing.textio import decode_bytes, looks_binary

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".docx"}


@dataclass
class LoadedText:
    path: Path
    text: str
    encoding: str
    fmt: str
    meta: dict[str, str] = field(default_factory=dict)


def _html_to_text(html: str) -> tuple[str, dict[str, str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    meta: dict[str, str] = {}
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "iframe"]):
        tag.decompose()
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        meta["title"] = h1.get_text(strip=True)
    elif soup.title and soup.title.get_text(strip=True):
        meta["title"] = soup.title.get_text(strip=True)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "div", "li", "td", "span"]):
        if el.find(["p", "div", "li", "h1", "h2", "h3", "h4", "td"]):
            continue  # only leaf blocks, so text is not repeated
        txt = el.get_text(" ", strip=True)
        if txt:
            prefix = "## " if el.name in ("h2", "h3") and re.match(r"第.+[章节]", txt) else ""
            blocks.append(prefix + txt)
    text = "\n\n".join(dict.fromkeys(blocks)) if blocks else soup.get_text("\n")
    return text, meta


def _docx_to_text(data: bytes, source: str) -> str:
    import zipfile

    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"文件 {source} 不是有效的 Word (.docx) 文件：{exc}", hint="请用 Word/WPS 重新另存为 .docx。"
        ) from exc
    lines = []
    for p in doc.paragraphs:
        txt = p.text.strip()
        if not txt:
            continue
        style = (p.style.name or "").lower() if p.style is not None else ""
        if style.startswith("heading") and re.match(r"第.+[章节]", txt):
            txt = "## " + txt
        lines.append(txt)
    return "\n\n".join(lines)


def load_file(path: Path, *, max_mb: float = 20.0, encoding: str | None = None) -> LoadedText:
    """Read one file; every failure is an InputError that names the file and says what to do."""
    path = Path(path)
    source = path.name
    if not path.exists():
        raise InputError(f"找不到文件 {path}。", hint="请检查路径是否正确。")
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹，不是文件。", hint="请给出具体的文件路径。")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：{source}",
            hint="支持 .txt、.md、.html、.docx；其他格式请先另存为其中一种。",
        )
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise FileTooLarge(
            f"文件 {source} 有 {size / 1024 / 1024:.1f} MB，超过上限 {max_mb:g} MB。",
            hint="请拆分文件，或调大 FUQING_MAX_FILE_MB。",
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"文件 {source} 是空的。", hint="请确认导出或保存是否成功。")
    if suffix == ".docx":
        text = _docx_to_text(data, source)
        if not text.strip():
            raise InputError(f"文件 {source} 里没有文字。", hint="扫描件请先做文字识别（OCR）。")
        return LoadedText(path, text, "docx", "docx")
    if looks_binary(data):
        raise InputError(
            f"文件 {source} 看起来是二进制文件，不是文本。", hint="请上传 .txt/.md/.html/.docx 文本文件。"
        )
    decoded = decode_bytes(data, source=source, declared=encoding)
    text = decoded.text
    meta: dict[str, str] = {}
    fmt = "md" if suffix in (".md", ".markdown") else "txt"
    if suffix in (".html", ".htm") or re.search(r"<(html|body|p|div)\b", text[:2000], re.I):
        text, meta = _html_to_text(text)
        fmt = "html"
    if not text.strip():
        raise InputError(f"文件 {source} 里没有文字。", hint="请确认文件内容。")
    return LoadedText(path, text.replace("\r\n", "\n").replace("\r", "\n"), decoded.encoding, fmt, meta)
