"""`.dockerignore` reading and matching, with the Docker CLI's (20.10) semantics."""

from __future__ import annotations

import pytest

from aiocontainers._build_context import PatternMatcher, clean_path, read_dockerignore
from aiocontainers.errors import InvalidArgument


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "."),
        ("a/b/", "a/b"),
        ("./a//b/./c", "a/b/c"),
        ("a/../b", "b"),
        ("../a", "../a"),
        ("/../a", "/a"),
        ("/", "/"),
        ("a/..", "."),
    ],
)
def test_clean_path_matches_go(path: str, expected: str) -> None:
    assert clean_path(path) == expected


def test_read_dockerignore_normalizes_like_the_cli() -> None:
    text = (
        "\ufeff*.log\r\n"
        "# a comment\n"
        "   \n"
        "  build/  \n"
        "/abs/path\n"
        "! /keep.log\n"
        "!./docs/../README.md\n"
        " # not a comment once trimmed\n"
        "/\n"
    )
    assert read_dockerignore(text) == [
        "*.log",
        "build",
        "abs/path",
        "!keep.log",
        "!README.md",
        "# not a comment once trimmed",
        "/",
    ]


def excluded(patterns: list[str], path: str) -> bool:
    return PatternMatcher(patterns).matches(path)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),  # * never crosses a "/"
        ("*/*.md", "docs/README.md", True),
        ("**/*.md", "README.md", True),  # ** matches zero directories too
        ("**/*.md", "a/b/c/README.md", True),
        ("docs/**", "docs/a/b", True),
        ("**", "anything/at/all", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("[ab].txt", "b.txt", True),
        ("[ab].txt", "c.txt", False),
        (r"\*.txt", "*.txt", True),
        (r"\*.txt", "a.txt", False),
        ("file.txt", "fileXtxt", False),  # "." is literal
        ("build", "build/out/app.bin", True),  # a pattern excludes what lies below a match
        ("build/out", "build/out/app.bin", True),
        ("*/out", "build/out/app.bin", True),
        ("out", "build/out", False),  # patterns are anchored at the context root
        ("node_modules", "node_modules", True),
        ("temp?", "temp1/x", True),
    ],
)
def test_pattern_semantics(pattern: str, path: str, expected: bool) -> None:
    assert excluded([pattern], path) is expected


def test_last_matching_pattern_wins() -> None:
    patterns = ["*.md", "!README.md", "README.md"]
    assert excluded(patterns, "README.md")
    assert excluded(["*.md", "!README.md"], "README.md") is False
    assert excluded(["*.md", "!README.md"], "CHANGES.md")


def test_exception_can_reinclude_below_an_excluded_directory() -> None:
    matcher = PatternMatcher(["docs", "!docs/keep.txt"])
    assert matcher.matches("docs")
    assert matcher.matches("docs/other.txt")
    assert matcher.matches("docs/keep.txt") is False
    assert matcher.must_enter("docs")
    assert matcher.must_enter("src") is False


def test_the_context_root_is_never_excluded() -> None:
    assert excluded(["**"], ".") is False


def test_bad_patterns_are_reported() -> None:
    with pytest.raises(InvalidArgument, match="exclusion"):
        PatternMatcher(["!"])
    with pytest.raises(InvalidArgument, match="syntax error"):
        PatternMatcher(["[unclosed"])
