"""Near copies of clause keys: MinHash signatures and a MinHash LSH over them (``datasketch``).

A module of its own because its imports (numpy; scipy through datasketch's LSH, ≈ 0.35 s) are
only needed where template marks are computed, in the index builder, never by a web process
answering searches (whose start-up must stay short); ``indexer.analysis.templates`` imports it when
it marks.

Two keys are near copies when the Jaccard similarity of their ``SHINGLE``-character shingle sets
is ``SIMILARITY`` or more, estimated from ``NUM_PERM`` permutations. Signatures are stored by the
caller (as bytes) and must stay comparable across processes and runs: fixed ``SEED``, fixed
``SCHEME`` and a deterministic hash function.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE = 3  # characters per shingle: an 8-character clause still has 6
NUM_PERM = 32  # MinHash permutations: Jaccard estimate ± 0.09; fewer LSH bands to query
SEED = 1  # of the MinHash permutations: stored MinHashes must stay comparable with new ones
SCHEME = "affine32"  # datasketch's permutation scheme (32-bit hash values)
SIMILARITY = 0.5  # Jaccard (3-shingles) from which a clause counts as a copy


def _shingles(key: str) -> list[bytes]:
    """The key's overlapping ``SHINGLE``-character shingles, as bytes for the hash function.

    Hashed with CRC-32 (zlib, C) rather than datasketch's default SHA-1 in Python: ≈ 4× faster,
    deterministic across processes (stored MinHashes are compared with new ones), and a 32-bit
    hash is all MinHash's permutations take.
    """
    return [key[i:i + SHINGLE].encode("utf-8") for i in range(max(len(key) - SHINGLE + 1, 1))]


def signatures(keys: list[str]) -> list[bytes]:
    """The MinHash signature of each key, as the bytes to store."""
    hashes = MinHash.bulk([_shingles(key) for key in keys], num_perm=NUM_PERM, seed=SEED, scheme=SCHEME,
                          hashfunc=zlib.crc32)
    return [minhash.hashvalues.tobytes() for minhash in hashes]


class Neighbours:
    """Every given key in a MinHash LSH: the near copies of a key, confirmed by the estimate."""

    def __init__(self, rows: Iterable[tuple[int, bytes]]) -> None:
        """``rows``: (key id, stored signature), in ascending key id order."""
        rows = list(rows)
        self.ids = numpy.array([key_id for key_id, _ in rows], dtype=numpy.int64)
        self.signatures = numpy.vstack([numpy.frombuffer(blob, dtype=numpy.uint32) for _, blob in rows]
                                       or [numpy.empty((0, NUM_PERM), dtype=numpy.uint32)])
        self.minhashes = [LeanMinHash(seed=SEED, hashvalues=row, scheme=SCHEME) for row in self.signatures]
        self.lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
        with self.lsh.insertion_session() as session:
            for key_id, minhash in zip(self.ids.tolist(), self.minhashes, strict=True):
                session.insert(key_id, minhash, check_duplication=False)

    def near(self, key_id: int) -> list[int]:
        """The keys whose estimated Jaccard similarity with ``key_id`` is ``SIMILARITY`` or more
        (itself included). Symmetric: ``a`` is near ``b`` exactly when ``b`` is near ``a``."""
        row = int(numpy.searchsorted(self.ids, key_id))
        candidates = numpy.fromiter(self.lsh.query(self.minhashes[row]), dtype=numpy.int64)
        rows = numpy.searchsorted(self.ids, candidates)
        agree = (self.signatures[rows] == self.signatures[row]).mean(axis=1)
        return candidates[agree >= SIMILARITY].tolist()
