"""The python examples of the seed guide (``docker_py_skill.md``), as the tests run them.

The guide is a rendered page: an example starts after a line reading ``python``
and runs over the following paragraphs for as long as they are code. A
paragraph is code when the example so far plus it still compiles and it is
not the heading of the next example (a paragraph followed by ``python``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GUIDE", "SeedBlock", "port", "seed_blocks"]

GUIDE = Path(__file__).with_name("docker_py_skill.md")


@dataclass(frozen=True)
class SeedBlock:
    """One example: its index in the guide, first line number and code."""

    index: int
    line: int
    source: str


def _paragraphs(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = start
    for number in range(start, len(lines)):
        if lines[number].strip():
            if not current:
                first = number
            current.append(lines[number])
        elif current:
            found.append((first, current))
            current = []
    if current:
        found.append((first, current))
    return found


def _compiles(source: str) -> bool:
    try:
        compile(source, "<seed>", "exec")
    except SyntaxError:
        return False
    return True


def seed_blocks(path: Path = GUIDE) -> list[SeedBlock]:
    """Every example of the guide, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[SeedBlock] = []
    for number, text in enumerate(lines):
        if text.strip() != "python":
            continue
        paragraphs = _paragraphs(lines, number + 1)
        code: list[str] = []
        for position, (_, paragraph) in enumerate(paragraphs):
            following = paragraphs[position + 1][1] if position + 1 < len(paragraphs) else []
            heads_next = [ln.strip() for ln in following[:1]] == ["python"]
            candidate = "\n".join([*code, "", *paragraph]) if code else "\n".join(paragraph)
            if paragraph == ["python"] or heads_next or not _compiles(candidate):
                break
            code = candidate.splitlines()
        blocks.append(SeedBlock(len(blocks), number + 2, "\n".join(code) + "\n"))
    return blocks


_IMPORT_DOCKER = re.compile(r"^([ \t]*)import docker(\.\w+)?[ \t]*$", re.MULTILINE)
_FROM_DOCKER = re.compile(r"^([ \t]*)from docker\.(\w+) import ", re.MULTILINE)


def port(source: str) -> str:
    """The example with docker-py's import swapped for the sync shim, nothing else.

    ``import docker`` (or ``import docker.types``) becomes ``from aiocontainers
    import sync as docker``; ``from docker.X import ...`` becomes ``from
    aiocontainers.sync.X import ...``.
    """
    source = _IMPORT_DOCKER.sub(r"\1from aiocontainers import sync as docker", source)
    return _FROM_DOCKER.sub(r"\1from aiocontainers.sync.\2 import ", source)
