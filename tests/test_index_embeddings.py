"""Embeddings: the weight-free hashing embedder and the OpenAI-compatible client."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import EmbeddingUnavailableError
from assistant.index.embeddings import (
    HashEmbedder,
    LangChainEmbeddings,
    OpenAIEmbedder,
    make_embedder,
)
from tests.conftest import ROOT


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


@pytest.mark.parametrize(
    ("query", "near", "far"),
    [
        ("网络舆情应对能力不足", "网络舆情研判不够及时，应对能力不足", "召开理论学习中心组集中学习会议16次"),
        ("下一步工作打算", "三、下一步工作计划", "二、存在的主要问题"),
        ("意识形态阵地建设", "加强意识形态阵地管理和建设", "年度财务预算执行情况"),
    ],
)
def test_hash_embedding_ranks_shared_wording_higher(query: str, near: str, far: str) -> None:
    e = HashEmbedder()
    q = e.embed_query(query)
    assert cos(q, e.embed_query(near)) > cos(q, e.embed_query(far))


def test_hash_embedding_is_normalised_and_batch_equals_single() -> None:
    e = HashEmbedder()
    texts = ["一是加强理论学习。", "", "二是强化阵地管理，2024年开展12次。", "abc ABC"]
    m = e.embed_documents(texts)
    assert m.shape == (4, e.dim)
    assert np.allclose(np.linalg.norm(m[[0, 2, 3]], axis=1), 1.0, atol=1e-5)
    assert not m[1].any()  # nothing to embed: zero vector, not NaN
    for t, row in zip(texts, m, strict=True):
        assert np.allclose(e.embed_query(t), row, atol=1e-6)
    # case and digits are normalised: numbers are facts, not topic
    assert np.allclose(e.embed_query("开展12次"), e.embed_query("开展37次"))


def test_hash_embedding_is_stable_across_processes() -> None:
    """The index stores vectors: a new process (other hash seed) must embed identically."""
    code = (
        "from assistant.index.embeddings import HashEmbedder;"
        "print([float(x) for x in HashEmbedder().embed_query('加强网络意识形态阵地建设')[:8]])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    ).stdout
    here = HashEmbedder().embed_query("加强网络意识形态阵地建设")[:8]
    assert np.allclose(np.array(json.loads(out)), here, atol=1e-6)


class _FakeEmbeddings(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]] = []  # noqa: RUF012
    fail = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        if type(self).fail:
            self.send_response(400)
            payload: dict[str, Any] = {"error": {"message": "bad model", "type": "invalid_request_error"}}
        else:
            self.send_response(200)
            inputs = body["input"]
            data = [
                # deterministic 3-d vectors: length, count of 问, 1 (so texts differ)
                {"object": "embedding", "index": i, "embedding": [float(len(t)), float(t.count("问")), 1.0]}
                for i, t in enumerate(inputs)
            ]
            payload = {"object": "list", "data": data[::-1], "model": body["model"],
                       "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        raw = json.dumps(payload).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_server() -> Iterator[str]:
    _FakeEmbeddings.calls = []
    _FakeEmbeddings.fail = False
    server = HTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_openai_embedder_calls_the_configured_endpoint(fake_server: str) -> None:
    settings = Settings(embedding="openai", openai_base_url=fake_server, openai_api_key="sk-test",
                        embedding_model="my-embed", max_retries=0)
    e = make_embedder(settings)
    assert isinstance(e, OpenAIEmbedder)
    assert e.name == "openai:my-embed"
    m = e.embed_documents(["存在问题", "问问", "甲"])
    assert m.shape == (3, 3)
    # rows come back in input order although the server answered reversed
    assert m[1][1] > m[0][1] and m[1][1] > m[2][1]
    assert np.allclose(np.linalg.norm(m, axis=1), 1.0)
    call = _FakeEmbeddings.calls[0]
    assert call["path"] == "/v1/embeddings"
    assert call["body"]["model"] == "my-embed"
    assert call["auth"] == "Bearer sk-test"
    lc = LangChainEmbeddings(e)
    assert len(lc.embed_query("问")) == 3


def test_openai_embedder_failure_is_a_chinese_error(fake_server: str) -> None:
    _FakeEmbeddings.fail = True
    settings = Settings(embedding="openai", openai_base_url=fake_server, openai_api_key="k", max_retries=0)
    with pytest.raises(EmbeddingUnavailableError, match="向量模型接口不可用"):
        make_embedder(settings).embed_documents(["甲"])
