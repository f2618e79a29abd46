"""Where the real corpora live: the shipped reports and the copies in tests/corpus.

The suite runs from a clone alone, so every corpus it reads is inside the repository.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHIPPED_DIR = REPO / "data" / "reports"
CORPUS = REPO / "tests" / "corpus"  # copies of the shared labelled corpora: the suite runs from a clone alone
SEEDS_DIR = CORPUS / "seeds"
DEV_DIR = CORPUS / "dev"
WEB_DIR = CORPUS / "web"


def corpus_files() -> list[Path]:
    """Every report file shipped in data/reports: the seeds and the dev and web corpora."""
    return sorted(SHIPPED_DIR.glob("*.txt"))
