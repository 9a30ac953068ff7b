"""The trained triage classifier: linear models over hashed text features and concept matches.

Features of a text (``Featurizer``):

- character n-grams (3 to 5, within words) of the folded text: spelling variants, dialect
  morphology and Arabizi share them;
- the analyser's tokens (``insaf.text.analyze_document``: stems, skeletons, Arabic forms of Arabizi,
  English and French stems) and pairs of neighbouring stems;
- the concepts found in the text (``insaf.text.concepts``, terms in ``data/concepts/``), alone and
  in pairs ("beating" with "third_party" is not "beating" with "personnel"), and stated ages
  (a minor, 60 or over).

Heads: kind and category (multinomial logistic regression), grave and each vulnerable group
(binary logistic regression, class-balanced). Grave's threshold is set by cross-validation on the
training data for a recall of at least GRAVE_RECALL (recall first: a missed torture allegation is
far worse than a false alarm); each group's threshold for its best F1.

A model is a directory-free pair of files: ``triage-<version>.npz`` (sparse weights, intercepts,
thresholds; no pickle) and the lexicon it was trained with, copied into the same .npz, so a model
file alone reproduces its results. No Django here: the command line loads a model without a
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.utils import murmurhash3_32

from insaf.text import analyze_document, detect_language, word_spans, word_terms
from insaf.text.analysis import LANGUAGES
from insaf.text.concepts import Lexicon, Match, Term
from insaf.text.normalize import fold
from insaf.triage.labels import Category, Kind, Vulnerable

CHAR_FEATURES = 1 << 18
TOKEN_FEATURES = 1 << 18
GRAVE_RECALL = 0.95
C_BINARY = 10.0  # inverse regularisation of the logistic regressions
CONCEPT_WEIGHT = 0.5  # the concept block's length beside the character and token blocks
CONTEXTS = frozenset({"metaphor", "third_party", "praise", "suggestion", "personnel", "custody"})
GROUPS = tuple(str(g) for g in Vulnerable)
KINDS = tuple(str(k) for k in Kind)
CATEGORIES = tuple(str(c) for c in Category)
FORMAT = 1
# Changes to how features are made change the model's version with the data and the lexicon.
FEATURES = "chars3-5,tokens,bigrams,concepts+contexts,ages,lang;2;grave-cues"

# Ages stated in the text: "عمره ١٥ سنة", "(٢٦ عاماً)", "15 ans", "aged 70", "70 years old".
_AGE = re.compile(
    r"(?:عمر\w*|بعمر|سن\w*|aged?|âgée?|age de)\s*:?\s*(\d{1,3})"
    r"|(\d{1,3})\s*(?:سنه|سنوات|سنين|عام|عاما|ans|an|years?|yrs?|yo)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Labelled:
    text: str
    kind: str
    category: str
    grave: bool
    vulnerable: tuple[str, ...]


def read_jsonl(path: Path) -> list[Labelled]:
    """Labelled items in the sample's schema (other fields ignored)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(
                Labelled(
                    text=row["text"],
                    kind=row["kind"],
                    category=row["category"],
                    grave=bool(row["grave"]),
                    vulnerable=tuple(row.get("vulnerable") or ()),
                )
            )
    return items


def ages(text: str) -> list[int]:
    """The ages stated in a text (folded: digits in ASCII)."""
    found = []
    for match in _AGE.finditer(text):
        value = match.group(1) or match.group(2)
        if value and 0 < int(value) < 120:
            found.append(int(value))
    return found


# Grave is recall first: besides the model, an allegation the labels name as grave, found by its
# concept, makes a case grave unless the text frames it as a metaphor or as the act of someone
# who is not personnel.
GRAVE_CONCEPTS = frozenset(
    {"torture", "sexual_violence", "disappearance", "child_with_adults", "medical_denial"}
)
GRAVE_WITH_PERSONNEL = frozenset({"death", "injury", "firearm", "death_threat"})
DEFUSING = frozenset({"metaphor", "third_party"})


def grave_cues(matches: Sequence[Match]) -> list[Match]:
    """The matches that allege a grave harm by personnel, or [] when the text defuses them."""
    concepts = {m.concept for m in matches}
    if concepts & DEFUSING and not concepts & {"personnel", "custody"}:
        return []
    if "metaphor" in concepts:
        return []
    # Death, injury, shooting or a threat to life count when personnel or custody are named and
    # nobody else is.
    by_personnel = bool(concepts & {"personnel", "custody"}) and "third_party" not in concepts
    return [
        m
        for m in matches
        if m.concept in GRAVE_CONCEPTS or (by_personnel and m.concept in GRAVE_WITH_PERSONNEL)
    ]


@dataclass
class Analysed:
    """What the featurizer saw in one text, kept for evidence."""

    text: str
    language: str
    matches: list[Match]
    words: list[tuple[int, int]]  # (start, end) of each word


@lru_cache(maxsize=262_144)
def _char_columns(word: str) -> tuple[int, ...]:
    """The columns of a word's character n-grams (3 to 5, the word padded with a space on each
    side, as scikit-learn's char_wb analyser makes them)."""
    padded = f" {word} "
    return tuple(
        abs(murmurhash3_32(padded[i : i + n], seed=0)) % CHAR_FEATURES
        for n in (3, 4, 5)
        for i in range(len(padded) - n + 1)
    )


@lru_cache(maxsize=1_048_576)
def _column(name: str) -> int:
    return token_index(name)


class Featurizer:
    """Texts to rows of features: a character block and a token block, each of unit length.
    Every word's columns are hashed once per process and cached (texts repeat their words)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def analyse(self, text: str, language: str | None = None) -> tuple[Analysed, dict[int, float]]:
        lang = language or detect_language(text)
        # Character n-grams of the folded words, counted and scaled to unit length.
        folded = fold(text).lower()
        grams: list[int] = []
        for word in folded.split():
            grams.extend(_char_columns(word))
        unique, counts = np.unique(np.asarray(grams, dtype=np.int64), return_counts=True)
        scaled = counts / (np.sqrt((counts * counts).sum()) or 1.0)
        columns = dict(zip(unique.tolist(), scaled.tolist(), strict=True))
        analysis = analyze_document(text, lang if lang in LANGUAGES else None)
        tokens: dict[int, float] = {}
        main = analysis.main
        for token in main:
            column = _column("w:" + token)
            tokens[column] = tokens.get(column, 0.0) + 1.0
        for token in analysis.alternate:
            column = _column("a:" + token)
            tokens[column] = tokens.get(column, 0.0) + 0.5
        for first, second in itertools.pairwise(main):
            tokens[_column("b:" + first + "_" + second)] = 1.0
        _unit(tokens)
        spans = word_spans(text)
        matches = self.lexicon.find(text, spans)
        concepts = sorted({m.concept for m in matches})
        # The concepts, and each with the context words that change what it means (the same
        # beating by a neighbour, by an officer, in a queue, in thanks), as one block.
        block = ["c:" + c for c in concepts]
        contexts = [c for c in concepts if c in CONTEXTS]
        block += [f"cc:{c}&{x}" for c in concepts if c not in CONTEXTS for x in contexts]
        for name in block:
            column = _column(name)
            tokens[column] = tokens.get(column, 0.0) + CONCEPT_WEIGHT / math.sqrt(len(block))
        years = ages(folded)
        if any(age < 18 for age in years):
            tokens[_column("age:minor")] = 1.0
        if any(age >= 60 for age in years):
            tokens[_column("age:senior")] = 1.0
        tokens[_column("lang:" + lang)] = 1.0
        for column, value in tokens.items():
            columns[column] = columns.get(column, 0.0) + value
        return Analysed(text, lang, matches, spans), columns

    def transform(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> tuple[sparse.csr_matrix, list[Analysed]]:
        languages = languages or [None] * len(texts)
        analysed: list[Analysed] = []
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for text, language in zip(texts, languages, strict=True):
            one, columns = self.analyse(text, language)
            analysed.append(one)
            indices.extend(columns)
            data.extend(columns.values())
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (
                np.asarray(data, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), CHAR_FEATURES + TOKEN_FEATURES),
        )
        matrix.sort_indices()
        return matrix, analysed


def _unit(values: dict[int, float]) -> None:
    norm = math.sqrt(sum(v * v for v in values.values()))
    if norm:
        for key in values:
            values[key] /= norm


def token_index(name: str) -> int:
    """The column of a named feature (FeatureHasher's hashing), after the character block."""
    return CHAR_FEATURES + int(abs(murmurhash3_32(name, seed=0))) % TOKEN_FEATURES


@lru_cache(maxsize=200_000)
def _word_columns(word: str) -> tuple[int, ...]:
    """The token feature columns one word of a text may give (for evidence)."""
    return tuple(token_index(p + t) - CHAR_FEATURES for t in word_terms(word) for p in ("w:", "a:"))


@lru_cache(maxsize=4096)
def _concept_column(concept: str) -> int:
    return token_index("c:" + concept) - CHAR_FEATURES


@dataclass
class Head:
    classes: tuple[str, ...]
    weights: sparse.csr_matrix  # (classes or 1, features)
    intercept: np.ndarray
    threshold: float = 0.5
    _dense: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _columns: np.ndarray | None = field(default=None, repr=False)

    def token_weights(self, row: int) -> np.ndarray:
        """One class's weights of the token block, dense (for evidence look-ups)."""
        found = self._dense.get(row)
        if found is None:
            found = np.asarray(self.weights[row, CHAR_FEATURES:].todense(), np.float32).ravel()
            self._dense[row] = found
        return found

    def scores(self, features: sparse.csr_matrix) -> np.ndarray:
        if self._columns is None:
            # Dense and transposed, once: a sparse product per call costs more than labelling
            # a text (a few megabytes per class).
            self._columns = np.ascontiguousarray(self.weights.toarray().T, dtype=np.float32)
        # Features and weights both in single precision: a mixed product would copy the weights.
        product = features.astype(np.float32, copy=False) @ self._columns
        return self.probabilities(np.asarray(product, dtype=np.float64))

    def probabilities(self, raw: np.ndarray) -> np.ndarray:
        raw = raw + self.intercept
        if len(self.classes) == 1:
            probability: np.ndarray = 1.0 / (1.0 + np.exp(-raw))  # (n, 1): the label's
            return probability
        raw -= raw.max(axis=1, keepdims=True)
        exp = np.exp(raw)
        shares: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return shares


@dataclass
class Prediction:
    language: str
    kind: str
    category: str
    grave: bool
    vulnerable: tuple[str, ...]
    confidence: dict[str, float]
    evidence: dict[str, list[str]]


@dataclass
class TriageModel:
    version: str
    lexicon_terms: list[Term]
    heads: dict[str, Head]
    trained_on: int = 0
    created_at: str = ""
    figures: dict[str, Any] = field(default_factory=dict)
    _featurizer: Featurizer | None = None

    @property
    def featurizer(self) -> Featurizer:
        if self._featurizer is None:
            self._featurizer = Featurizer(Lexicon(self.lexicon_terms))
        return self._featurizer

    # --- Prediction ------------------------------------------------------------------------------

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[Prediction]:
        if not texts:
            return []
        features, analysed = self.featurizer.transform(texts, languages)
        kind_p = self.heads["kind"].scores(features)
        category_p = self.heads["category"].scores(features)
        grave_p = self.heads["grave"].scores(features)[:, 0]
        group_p = {g: self.heads["vulnerable." + g].scores(features)[:, 0] for g in GROUPS}
        out = []
        for row, one in enumerate(analysed):
            kind_i = int(kind_p[row].argmax())
            kind = KINDS[kind_i]
            order = np.argsort(-category_p[row])
            category_i = int(order[0])
            if CATEGORIES[category_i] == Category.REQUEST and kind != Kind.PETITION:
                category_i = int(order[1])  # only a petition's subject is a bare request
            category = CATEGORIES[category_i]
            quiet = kind in (Kind.SUGGESTION, Kind.COMMENDATION)  # nobody harmed or asking
            grave_score = float(grave_p[row])
            cues = grave_cues(one.matches)
            grave = not quiet and (grave_score >= self.heads["grave"].threshold or bool(cues))
            groups = tuple(
                g
                for g in GROUPS
                if not quiet and group_p[g][row] >= self.heads["vulnerable." + g].threshold
            )
            confidence = {
                "kind": round(float(kind_p[row][kind_i]), 3),
                "category": round(float(category_p[row][category_i]), 3),
                "grave": round(grave_score if grave else 1.0 - grave_score, 3),
            }
            for g in GROUPS:
                p = float(group_p[g][row])
                confidence["vulnerable." + g] = round(p if g in groups else 1.0 - p, 3)
            evidence = {
                "category": self._evidence(one, "category", category_i),
            }
            if grave:
                found_words = [one.text[m.start : m.end] for m in cues]
                more = [w for w in self._evidence(one, "grave", 0) if w not in found_words]
                evidence["grave"] = (found_words + more)[:3]
            for g in groups:
                evidence["vulnerable." + g] = self._evidence(one, "vulnerable." + g, 0)
            out.append(
                Prediction(one.language, kind, category, grave, groups, confidence, evidence)
            )
        return out

    def _evidence(self, one: Analysed, head: str, class_index: int, top: int = 3) -> list[str]:
        """The concept terms and words of the text that weigh most for the label."""
        lookup = self.heads[head].token_weights(class_index)
        scored: dict[str, float] = {}
        for match in one.matches:
            weight = float(lookup[_concept_column(match.concept)])
            if weight > 0:
                text = one.text[match.start : match.end]
                scored[text] = max(scored.get(text, 0.0), weight)
        words = list(dict.fromkeys(one.text[a:b] for a, b in one.words))
        if words:
            columns = [_word_columns(word) for word in words]
            flat = np.fromiter((c for cs in columns for c in cs), dtype=np.int64)
            if len(flat):
                sizes = np.fromiter((len(cs) for cs in columns), dtype=np.int64)
                sums = np.zeros(len(words))
                owner = np.repeat(np.arange(len(words)), sizes)
                np.add.at(sums, owner, lookup[flat])
                for word, weight in zip(words, sums.tolist(), strict=True):
                    if weight > 0:
                        scored[word] = max(scored.get(word, 0.0), weight)
        best = sorted(scored.items(), key=lambda pair: -pair[1])
        chosen: list[str] = []
        for text, _ in best:
            if not any(text in other or other in text for other in chosen):
                chosen.append(text)
            if len(chosen) == top:
                break
        return chosen

    # --- Files -----------------------------------------------------------------------------------

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {}
        meta: dict[str, Any] = {
            "format": FORMAT,
            "version": self.version,
            "trained_on": self.trained_on,
            "created_at": self.created_at,
            "figures": self.figures,
            "heads": {},
            "lexicon": [[t.concept, t.lang, t.text] for t in self.lexicon_terms],
        }
        for name, head in self.heads.items():
            weights = head.weights.tocsr()
            arrays[f"{name}.data"] = weights.data.astype(np.float32)
            arrays[f"{name}.indices"] = weights.indices.astype(np.int32)
            arrays[f"{name}.indptr"] = weights.indptr.astype(np.int64)
            arrays[f"{name}.intercept"] = np.asarray(head.intercept, dtype=np.float64)
            meta["heads"][name] = {
                "classes": list(head.classes),
                "threshold": head.threshold,
                "shape": list(weights.shape),
            }
        arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8)
        path = folder / f"triage-{self.version}.npz"
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(buffer.getvalue())
        temporary.replace(path)  # never a half-written model
        return path

    @classmethod
    def load(cls, path: Path) -> TriageModel:
        with np.load(path, allow_pickle=False) as arrays:
            meta = json.loads(arrays["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path.name}: model format {meta.get('format')}, not {FORMAT}")
            heads = {}
            for name, spec in meta["heads"].items():
                weights = sparse.csr_matrix(
                    (
                        arrays[f"{name}.data"],
                        arrays[f"{name}.indices"],
                        arrays[f"{name}.indptr"],
                    ),
                    shape=tuple(spec["shape"]),
                )
                heads[name] = Head(
                    tuple(spec["classes"]),
                    weights,
                    arrays[f"{name}.intercept"],
                    float(spec["threshold"]),
                )
        return cls(
            version=meta["version"],
            lexicon_terms=[Term(c, lang, t) for c, lang, t in meta["lexicon"]],
            heads=heads,
            trained_on=int(meta.get("trained_on", 0)),
            created_at=meta.get("created_at", ""),
            figures=meta.get("figures", {}),
        )


# --- Training ------------------------------------------------------------------------------------


def _fit_multi(features: sparse.csr_matrix, labels: list[str], classes: tuple[str, ...]) -> Head:
    """One against the rest, a binary model per class of the contract (a class never seen gets
    a constant that never wins)."""
    rows, intercept = [], []
    for name in classes:
        head = _fit_binary(features, [label == name for label in labels], name)
        rows.append(head.weights)
        intercept.append(float(head.intercept[0]))
    return Head(classes, sparse.vstack(rows, format="csr"), np.asarray(intercept))


def _fit_binary(features: sparse.csr_matrix, labels: list[bool], name: str) -> Head:
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        constant = 1e3 if labels and labels[0] else -1e3
        return Head((name,), sparse.csr_matrix((1, features.shape[1])), np.array([constant]))
    model = LogisticRegression(
        C=C_BINARY, solver="liblinear", max_iter=500, class_weight="balanced"
    )
    model.fit(features, labels)
    return Head((name,), sparse.csr_matrix(model.coef_), np.asarray(model.intercept_))


def _out_of_fold(
    features: sparse.csr_matrix, labels: list[bool], name: str, folds: int = 5
) -> np.ndarray:
    """Each item's probability from a model trained without it (folds by position)."""
    scores = np.zeros(len(labels))
    index = np.arange(len(labels))
    for part in range(folds):
        held = index % folds == part
        kept = [label for label, out in zip(labels, held.tolist(), strict=True) if not out]
        head = _fit_binary(features[~held], kept, name)
        scores[held] = head.scores(features[held])[:, 0]
    return scores


def _recall_threshold(
    scores: np.ndarray, labels: list[bool], recall: float, covered: np.ndarray
) -> float:
    """The highest threshold at which the scores, with the positives ``covered`` otherwise (the
    grave cues), keep ``recall`` of the positives (never above 0.5)."""
    truth = np.asarray(labels, dtype=bool)
    if not truth.any():
        return 0.5
    needed = math.ceil(recall * int(truth.sum())) - int((truth & covered).sum())
    rest = np.sort(scores[truth & ~covered])
    if needed <= 0 or not len(rest):
        return 0.5
    return float(min(0.5, rest[len(rest) - min(needed, len(rest))]))


def _f1_threshold(scores: np.ndarray, labels: list[bool]) -> float:
    truth = np.asarray(labels, dtype=bool)
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.1, 0.91, 0.05):
        predicted = scores >= threshold
        tp = int((predicted & truth).sum())
        f1 = 2 * tp / max(1, predicted.sum() + truth.sum())
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def train(items: Sequence[Labelled], terms: Iterable[Term]) -> TriageModel:
    """A model from labelled items and the lexicon's terms (deterministic for the same input)."""
    terms = list(terms)
    featurizer = Featurizer(Lexicon(terms))
    features, analysed = featurizer.transform([item.text for item in items])
    heads = {
        "kind": _fit_multi(features, [i.kind for i in items], KINDS),
        "category": _fit_multi(features, [i.category for i in items], CATEGORIES),
    }
    grave = [i.grave for i in items]
    heads["grave"] = _fit_binary(features, grave, "grave")
    cued = np.asarray([bool(grave_cues(one.matches)) for one in analysed])
    heads["grave"].threshold = _recall_threshold(
        _out_of_fold(features, grave, "grave"), grave, GRAVE_RECALL, cued
    )
    for group in GROUPS:
        labels = [group in i.vulnerable for i in items]
        name = "vulnerable." + group
        heads[name] = _fit_binary(features, labels, name)
        heads[name].threshold = _f1_threshold(_out_of_fold(features, labels, name), labels)
    digest = hashlib.sha256(f"{FEATURES}|{C_BINARY}|{CONCEPT_WEIGHT}".encode())
    for item in items:
        digest.update(json.dumps(item.__dict__, ensure_ascii=False, sort_keys=True).encode())
    for term in terms:
        digest.update(f"{term.concept}|{term.lang}|{term.text}".encode())
    today = dt.datetime.now(dt.UTC)
    model = TriageModel(
        version=f"linear-{digest.hexdigest()[:10]}",
        lexicon_terms=terms,
        heads=heads,
        trained_on=len(items),
        created_at=today.isoformat(timespec="seconds"),
    )
    model._featurizer = featurizer
    return model


# --- Evaluation ----------------------------------------------------------------------------------


@dataclass
class Evaluation:
    """Precision, recall and F1 per label value, accuracies, and the category confusion matrix."""

    items: int
    kind_accuracy: float
    category_accuracy: float
    grave: dict[str, float]
    vulnerable_micro_f1: float
    per_label: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]

    def lines(self) -> list[str]:
        out = [
            f"items {self.items}",
            f"kind accuracy {self.kind_accuracy:.3f}",
            f"category accuracy {self.category_accuracy:.3f}",
            f"grave precision {self.grave['precision']:.3f} recall {self.grave['recall']:.3f} "
            f"f1 {self.grave['f1']:.3f}",
            f"vulnerable micro-F1 {self.vulnerable_micro_f1:.3f}",
            "",
            f"{'label':<38} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
        ]
        for name, row in self.per_label.items():
            out.append(
                f"{name:<38} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} "
                f"{int(row['support']):>8}"
            )
        out += ["", "category confusion (rows: true, columns: predicted)"]
        codes = [
            c
            for c in CATEGORIES
            if c in self.confusion or any(c in row for row in self.confusion.values())
        ]
        short = {c: c[:6] for c in codes}
        out.append(" " * 24 + " ".join(f"{short[c]:>6}" for c in codes))
        for true in codes:
            counts = self.confusion.get(true, {})
            out.append(f"{true:<24}" + " ".join(f"{counts.get(c, 0):>6}" for c in codes))
        return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def evaluate(truth: Sequence[Labelled], predicted: Sequence[Any]) -> Evaluation:
    """Compare predictions (anything with kind, category, grave, vulnerable) with labels."""
    per_label: dict[str, dict[str, float]] = {}
    pairs = list(zip(truth, predicted, strict=True))
    for field_name, codes in (("kind", KINDS), ("category", CATEGORIES)):
        for code in codes:
            tp = sum(
                1 for t, p in pairs if getattr(t, field_name) == code == getattr(p, field_name)
            )
            fp = sum(
                1 for t, p in pairs if getattr(p, field_name) == code != getattr(t, field_name)
            )
            fn = sum(
                1 for t, p in pairs if getattr(t, field_name) == code != getattr(p, field_name)
            )
            if tp + fp + fn:
                per_label[f"{field_name}.{code}"] = _prf(tp, fp, fn)
    grave = _prf(
        sum(1 for t, p in pairs if t.grave and p.grave),
        sum(1 for t, p in pairs if p.grave and not t.grave),
        sum(1 for t, p in pairs if t.grave and not p.grave),
    )
    per_label["grave"] = grave
    totals = [0, 0, 0]
    for group in GROUPS:
        tp = sum(1 for t, p in pairs if group in t.vulnerable and group in p.vulnerable)
        fp = sum(1 for t, p in pairs if group in p.vulnerable and group not in t.vulnerable)
        fn = sum(1 for t, p in pairs if group in t.vulnerable and group not in p.vulnerable)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        per_label[f"vulnerable.{group}"] = _prf(tp, fp, fn)
    confusion: dict[str, dict[str, int]] = {}
    for t, p in pairs:
        row = confusion.setdefault(t.category, {})
        row[p.category] = row.get(p.category, 0) + 1
    count = max(1, len(pairs))
    return Evaluation(
        items=len(pairs),
        kind_accuracy=sum(1 for t, p in pairs if t.kind == p.kind) / count,
        category_accuracy=sum(1 for t, p in pairs if t.category == p.category) / count,
        grave=grave,
        vulnerable_micro_f1=_prf(*totals)["f1"],
        per_label=per_label,
        confusion=confusion,
    )
