"""The built documentation site: references render as links, every public name has an entry.

The site is built once per run with ``mkdocs build --strict`` (the ``docs`` extra, part of
``dev``), so a cross-reference mkdocs-autorefs cannot resolve fails the build itself. A
headless Chromium (Debian's ``chromium`` package) then opens pages as a reader would.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.unit.test_public_api import PUBLIC_MODULES

ROOT = Path(__file__).resolve().parents[2]
# Sphinx roles: mkdocstrings shows them as literal text, never as links.
SPHINX_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|exc|data|obj|const):`")
# A cross-reference that reached the page as text, or as an autorefs tag left unresolved.
RAW_CROSSREF = re.compile(r"\]\[aiocontainers|<autoref\b")
ANCHOR = re.compile(r'id="(aiocontainers[\w.]*)')
# Public modules beyond tests/unit/test_public_api.py's list: docker-py's import paths.
SYNC_MODULES = [
    "aiocontainers.contrib.fastapi",
    *(f"aiocontainers.sync.{name}" for name in ("compose", "context", "errors", "tls")),
    *(f"aiocontainers.sync.{name}" for name in ("version", "wait")),
    *(f"aiocontainers.sync.models.{name}" for name in ("configs", "containers", "images")),
    *(f"aiocontainers.sync.models.{name}" for name in ("networks", "nodes", "plugins")),
    *(f"aiocontainers.sync.models.{name}" for name in ("resource", "secrets", "services")),
    *(f"aiocontainers.sync.models.{name}" for name in ("swarm", "volumes")),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)]
    built = subprocess.run(
        [*command, "-f", str(ROOT / "docs" / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def _pages(site: Path) -> dict[str, str]:
    return {str(page.relative_to(site)): page.read_text() for page in site.rglob("*.html")}


def test_no_sphinx_roles_in_the_package_source() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "aiocontainers").rglob("*.py*"))
        if path.suffix in (".py", ".pyi")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SPHINX_ROLE.search(line)
    ]
    assert not found, "use [`Name`][aiocontainers.Name] instead of Sphinx roles"


def test_site_has_no_raw_roles_or_unresolved_references(site: Path) -> None:
    pages = _pages(site)
    assert "reference/containers/index.html" in pages
    raw = {name for name, html in pages.items() if SPHINX_ROLE.search(html)}
    unresolved = {name for name, html in pages.items() if RAW_CROSSREF.search(html)}
    assert not raw, f"Sphinx roles shown as text on {sorted(raw)}"
    assert not unresolved, f"cross-references left unresolved on {sorted(unresolved)}"
    # the docstrings' references did become links
    links = sum(html.count("autorefs-internal") for html in pages.values())
    assert links > 100


def _resolve(path: str) -> object:
    """The object a dotted anchor names, importing its longest module prefix."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute, None)
        return found
    return None


def test_every_public_name_has_a_reference_entry(site: Path) -> None:
    anchors = {anchor for html in _pages(site).values() for anchor in ANCHOR.findall(html)}
    documented = {id(_resolve(anchor)) for anchor in anchors} - {id(None)}
    missing = []
    for module_name in [*PUBLIC_MODULES, *SYNC_MODULES]:
        module: ModuleType = importlib.import_module(module_name)
        for name in module.__all__:
            if name.startswith("__") or f"{module_name}.{name}" in anchors:
                continue  # dunders (``__version__``) are described by their module's entry
            if id(getattr(module, name)) not in documented:
                missing.append(f"{module_name}.{name}")
    assert not missing, f"public names without a reference entry: {missing}"


# A page of each kind: the home page, a guide, an API reference page.
BROWSED = ["index.html", "containers/index.html", "reference/client/index.html"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium: install Debian's package (apt-get install chromium)")


def test_pages_render_in_a_headless_browser(site: Path, tmp_path: Path) -> None:
    browser = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu"]
    browser += ["--window-size=1280,2400", f"--user-data-dir={tmp_path / 'profile'}"]
    browser += ["--virtual-time-budget=5000"]  # let the theme's script finish first
    for page in BROWSED:
        url = (site / page).as_uri()
        shot = tmp_path / page.replace("/", "-").replace(".html", ".png")
        run = [*browser, f"--screenshot={shot}", url]
        subprocess.run(run, capture_output=True, timeout=90, check=True)
        dom = subprocess.run(
            [*browser, "--dump-dom", url], capture_output=True, text=True, timeout=90, check=True
        ).stdout
        # the theme's script ran: it adds a copy button to each code block
        assert 'class="md-code__button' in dom, page
        assert re.search(r"<pre[^>]*>.*?<code", dom, re.DOTALL), page
        assert "<table" in dom, page
        assert re.search(r'<a [^>]*href="[^"#]+/"', dom), page  # links to other pages
        # a blank or unstyled page compresses to a few kilobytes
        image = shot.read_bytes()
        assert image.startswith(b"\x89PNG") and len(image) > 40_000, (page, len(image))
