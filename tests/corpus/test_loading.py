from pathlib import Path

import pytest

from corpus.loading import load_file
from fuqing.errors import FileTooLarge, InputError

TEXT = "关于加强妇女之家建设的通知\n\n1.各乡镇要建好妇女之家。\n\n2.经常联系留守妇女和单亲母亲。\n"


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_encodings_detected_and_reported(tmp_path: Path, encoding: str, reported: str):
    p = tmp_path / "doc.txt"
    p.write_bytes(TEXT.encode(encoding))
    loaded = load_file(p)
    assert loaded.text == TEXT
    assert loaded.encoding == reported


def test_big5_detected(tmp_path: Path):
    trad = "關於加強婦女之家建設的通知\n\n1.各鄉鎮要建好婦女之家，經常聯繫留守婦女。\n\n2.幫助單親母親解決實際困難。\n"
    p = tmp_path / "doc.txt"
    p.write_bytes(trad.encode("big5"))
    loaded = load_file(p)
    assert loaded.encoding == "big5"
    assert loaded.text == trad


def test_html_and_docx(tmp_path: Path):
    html = tmp_path / "page.html"
    html.write_text(
        "<html><head><title>站点</title><script>var x=1;</script></head><body><nav>首页</nav>"
        "<h1>关于妇女之家的通知</h1><p>1.建好妇女之家。</p><p>2.联系留守妇女。</p></body></html>",
        encoding="utf-8",
    )
    loaded = load_file(html)
    assert loaded.fmt == "html" and loaded.meta["title"] == "关于妇女之家的通知"
    assert "var x" not in loaded.text and "1.建好妇女之家。" in loaded.text

    from docx import Document

    d = Document()
    d.add_heading("第一章 总则", level=2)
    d.add_paragraph("第一条 为了保护妇女权益，制定本办法。")
    path = tmp_path / "rules.docx"
    d.save(path)
    loaded = load_file(path)
    assert loaded.fmt == "docx" and "## 第一章 总则" in loaded.text and "第一条" in loaded.text


def test_bad_files_are_named_in_errors(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.txt.*空"):
        load_file(empty)

    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(InputError, match="blob.txt.*二进制"):
        load_file(binary)

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (2 * 1024 * 1024))
    with pytest.raises(FileTooLarge, match="big.txt"):
        load_file(big, max_mb=1)

    odd = tmp_path / "odd.pdf"
    odd.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="不支持"):
        load_file(odd)

    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes([0x81, 0x20, 0xFF, 0xFE, 0x80, 0x7F]) * 50)
    with pytest.raises(InputError, match="garbage.txt"):
        load_file(garbage)

    bad_docx = tmp_path / "broken.docx"
    bad_docx.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="broken.docx"):
        load_file(bad_docx)
