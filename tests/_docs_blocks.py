"""The ```python blocks of the documentation pages, for the tests that execute them.

Conventions for documentation authors:

* Every ```python block of ``docs/content/**/*.md`` and of ``README.md`` is an example
  that runs.
* A block preceded by a line ``<!-- no-run: reason -->`` is only compiled (remote
  hosts, TLS, things the test engine cannot offer); the reason is required.
* A block that defines ``async def main()`` is executed, then ``main()`` is awaited
  by the test harness; a top-level ``anyio.run(main)`` or ``asyncio.run(main())``
  line in the block is left out, so examples read like real programs.
* A block without ``main`` is plain code, executed in a worker thread (the sync shim's
  examples).
* A block preceded by ``<!-- run-with: pytest -->`` is a test module: it is written to a
  temporary directory and run with ``python -m pytest`` in a subprocess, which must pass.
* Resources an example creates carry the label ``demo=docs`` and are removed by the
  example itself; the harness fails an example that leaves any behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DOCS_CONTENT", "EXAMPLE_LABEL", "Block", "blocks", "runnable_source"]

ROOT = Path(__file__).resolve().parents[1]
DOCS_CONTENT = ROOT / "docs" / "content"
README = ROOT / "README.md"
EXAMPLE_LABEL = "demo=docs"

_OPEN = re.compile(r"^(?P<indent>\s*)```python\s*$")
_NO_RUN = re.compile(r"^\s*<!--\s*no-run:\s*(?P<reason>.*?)\s*-->\s*$")
_RUN_MAIN = re.compile(r"^(anyio\.run\(main\)|asyncio\.run\(main\(\)\))\s*(#.*)?$")
_PYTEST = re.compile(r"^\s*<!--\s*run-with:\s*pytest\s*-->\s*$")
_DEFINES_MAIN = re.compile(r"^async def main\(", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One ```python block: where it is, its code and whether it runs."""

    page: str
    line: int  # 1-based line of the first code line in the page
    source: str
    no_run: str | None  # the reason, when marked not runnable
    pytest: bool = False  # a test module, run by pytest in a subprocess

    @property
    def id(self) -> str:
        return f"{self.page.removesuffix('.md')}:{self.line}"

    @property
    def path(self) -> Path:
        return README if self.page == README.name else DOCS_CONTENT / self.page

    @property
    def is_async(self) -> bool:
        return _DEFINES_MAIN.search(self.source) is not None


def _page_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if match is None:
            index += 1
            continue
        indent = len(match.group("indent"))
        previous = next((ln for ln in reversed(lines[:index]) if ln.strip()), "")
        no_run = _NO_RUN.match(previous)
        body: list[str] = []
        index += 1
        start = index + 1
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index][indent:])
            index += 1
        if index == len(lines):
            raise ValueError(f"{path.name}:{start - 1}: unclosed ```python block")
        index += 1
        found.append(
            Block(
                page=README.name if path == README else path.relative_to(DOCS_CONTENT).as_posix(),
                line=start,
                source="\n".join(body) + "\n",
                no_run=no_run.group("reason") if no_run else None,
                pytest=_PYTEST.match(previous) is not None,
            )
        )
    return found


def blocks() -> list[Block]:
    """Every ```python block of the README and every page, in page and line order."""
    pages = [README, *sorted(DOCS_CONTENT.rglob("*.md"))]
    return [block for page in pages for block in _page_blocks(page)]


def runnable_source(block: Block) -> str:
    """The code to compile: the ``anyio.run(main)`` line blanked, line numbers kept.

    Leading blank lines place the code at its line in the page, so a traceback
    points into the Markdown file.
    """
    code = ["" if _RUN_MAIN.match(line) else line for line in block.source.splitlines()]
    return "\n" * (block.line - 1) + "\n".join(code) + "\n"
