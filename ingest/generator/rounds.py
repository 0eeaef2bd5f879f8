"""A generated landing folder delivered one round at a time, as a benchmark or a test of the
nightly run needs it: first every source's first delivery, then every source's second."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def delivery_rounds(generated: Path) -> list[list[Path]]:
    """The generated delivery folders by round: the first of every source, then the second."""
    sources = sorted(p for p in generated.iterdir() if p.is_dir())
    per_source = [sorted(p for p in source.iterdir() if p.is_dir()) for source in sources]
    return [list(folders) for folders in zip(*per_source, strict=True)]


def deliver(folders: list[Path], generated: Path, landing: Path) -> None:
    """Delivers the folders into the landing folder as hard links (no copy of the bytes;
    ingest only reads them)."""
    for folder in folders:
        shutil.copytree(folder, landing / folder.relative_to(generated), copy_function=os.link)
