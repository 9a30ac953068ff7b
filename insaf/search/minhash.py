"""MinHash signatures and LSH bands for near-duplicate texts (no Django; numpy for speed).

A text becomes the set of its analysed tokens and of its pairs of neighbouring tokens
("shingles"); two texts are near-duplicates when those sets overlap a lot (Jaccard similarity).
Comparing every pair of cases is out of the question at a million cases, so each case keeps:

- a signature of ``SLOTS`` small integers, by one-permutation hashing: each shingle's 64-bit hash
  picks a slot (its top bits) and the slot keeps the smallest remainder. The share of slots two
  signatures agree on estimates the Jaccard similarity (Li, Owen and Zhang, 2012), with empty slots
  filled from a non-empty one chosen by a fixed per-slot probe sequence ("optimal densification",
  Shrivastava, 2017) so short texts still compare;
- ``BANDS`` band keys, each a hash of ``ROWS`` consecutive slots. Texts with Jaccard similarity s
  share at least one band with probability 1 - (1 - s^ROWS)^BANDS: 0.98 at s = 0.8, 0.67 at
  s = 0.6, 0.19 at s = 0.4. A band match only nominates a candidate; ``similarity`` decides.

Words are hashed with BLAKE2b (hashlib) and pairs by mixing their words' hashes (SplitMix64), so
signatures are the same in every process and on every machine.
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Sequence

import numpy as np

SLOTS = 32
BANDS = 8
ROWS = SLOTS // BANDS
_SLOT_BITS = 5  # 2**5 == SLOTS
_VALUE_MASK = (1 << 32) - 1
_EMPTY = 1 << 32
_PACK = struct.Struct(f"<{SLOTS}I")
_INT63 = (1 << 63) - 1
# Each slot's probe sequence for densification: every other slot, in a fixed shuffled order.
_PROBES = [
    random.Random(f"insaf-minhash-{i}").sample([j for j in range(SLOTS) if j != i], SLOTS - 1)  # noqa: S311
    for i in range(SLOTS)
]


_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PAIR = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_SHIFT = np.uint64(64 - _SLOT_BITS)
_LOW = np.uint64(_VALUE_MASK)
# Token hashes, cached: the words of complaints repeat (Zipf), BLAKE2b per word does not need to.
_TOKEN_HASHES: dict[str, int] = {}
_CACHE_MAX = 500_000


def _token_hash(token: str) -> int:
    value = _TOKEN_HASHES.get(token)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        if len(_TOKEN_HASHES) >= _CACHE_MAX:
            _TOKEN_HASHES.clear()
        _TOKEN_HASHES[token] = value
    return value


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on each element (uint64 arithmetic wraps, as intended)."""
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    mixed: np.ndarray = x ^ (x >> _S31)
    return mixed


def _shingle_hashes(tokens: Sequence[str]) -> np.ndarray:
    """64-bit hashes of the words and of the pairs of neighbouring words (a pair's hash mixes
    its two words' hashes in order)."""
    cache = _TOKEN_HASHES
    words = np.array([cache.get(t) or _token_hash(t) for t in tokens], dtype=np.uint64)
    # Array arithmetic wraps modulo 2**64 silently, as the mixing wants.
    pairs = _mix(words[:-1] * _PAIR + words[1:])
    return np.concatenate((_mix(words), pairs))


def signature(tokens: Sequence[str]) -> bytes:
    """The signature of a token stream (``b""`` when it has no tokens)."""
    if not tokens:
        return b""
    hashes = _shingle_hashes(tokens)
    slots = np.full(SLOTS, _EMPTY, dtype=np.uint64)
    np.minimum.at(slots, (hashes >> _SHIFT).astype(np.intp), hashes & _LOW)
    values = slots.tolist()
    # Densify: an empty slot takes the value of the first non-empty slot on its own fixed,
    # pseudo-random probe sequence ("optimal densification"), so that one more shingle changes
    # few borrowed slots.
    filled = list(values)
    for i in range(SLOTS):
        if values[i] == _EMPTY:
            for j in _PROBES[i]:
                if values[j] != _EMPTY:
                    filled[i] = values[j]
                    break
    return _PACK.pack(*filled)


def bands(sig: bytes) -> list[int | None]:
    """The ``BANDS`` band keys of a signature, as non-negative 63-bit integers (``None`` for an
    empty signature)."""
    if not sig:
        return [None] * BANDS
    size = ROWS * 4
    keys: list[int | None] = []
    for band in range(BANDS):
        chunk = bytes([band]) + sig[band * size : (band + 1) * size]
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") & _INT63)
    return keys


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures (0 when either is
    empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    left, right = _PACK.unpack(a), _PACK.unpack(b)
    return sum(1 for x, y in zip(left, right, strict=True) if x == y) / SLOTS
