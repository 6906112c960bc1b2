"""The same corpus against a Chroma server (`chroma run`) instead of the embedded client."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.service import Corpus
from fuqing.config import Settings
from tests.conftest import free_port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the `chroma` command is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_corpus_on_a_chroma_server(chroma_server: str, tmp_path: Path):
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_server)
    corpus = Corpus.open(settings)
    assert not (tmp_path / "home" / "chroma").exists(), "server mode must not create an embedded store"
    hits = corpus.search("政策对联系留守妇女有什么要求", k=5)
    assert "anhui-ponan-2022#12" in [h.clause_id for h in hits]
    dense = corpus.search("家庭暴力 保护令", k=3, method="dense")
    assert dense and corpus.vectors().count() > 700

    f = tmp_path / "local.txt"
    f.write_text(
        "关于妇女微家建设的通知\n\n1.每个村建一个妇女微家。\n\n2.微家由执委负责。\n", encoding="utf-8"
    )
    corpus.add([f], doc_id="local-weijia")
    assert (
        corpus.search("妇女微家 执委", k=3, doc="local-weijia", method="dense")[0].doc.doc_id
        == "local-weijia"
    )


def test_unreachable_server_is_a_clear_error(tmp_path: Path):
    from fuqing.errors import Unavailable

    settings = Settings(home=tmp_path / "home", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(Unavailable, match="Chroma"):
        Corpus.open(settings).search("妇女")
