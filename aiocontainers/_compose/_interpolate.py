"""Variable interpolation in Compose files: ``${VAR}``, ``${VAR:-default}`` and friends.

The syntax is the Compose specification's (a subset of POSIX shell parameter
expansion): ``$VAR`` and ``${VAR}``; ``${VAR:-default}`` (unset or empty) and
``${VAR-default}`` (unset); ``${VAR:?message}``/``${VAR?message}`` (an error);
``${VAR:+replacement}``/``${VAR+replacement}``; ``$$`` for a literal ``$``.
Defaults and replacements may themselves contain variables. Only string
values are interpolated, never mapping keys. An unset variable without a
default becomes ``""`` and is reported to ``on_missing``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["InterpolationError", "interpolate", "interpolate_tree"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")


class InterpolationError(ValueError):
    """A ``${VAR:?message}`` whose variable is missing, or a malformed expression."""


class _Parser:
    def __init__(
        self,
        text: str,
        env: Mapping[str, str],
        on_missing: Callable[[str], None],
    ) -> None:
        self.text = text
        self.env = env
        self.on_missing = on_missing
        self.pos = 0

    def run(self, until_brace: bool = False) -> str:
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if until_brace and char == "}":
                return "".join(out)
            if char != "$":
                out.append(char)
                self.pos += 1
                continue
            nxt = text[self.pos + 1 : self.pos + 2]
            if nxt == "$":
                out.append("$")
                self.pos += 2
            elif nxt == "{":
                self.pos += 2
                out.append(self._braced())
            else:
                match = _NAME.match(text, self.pos + 1)
                if match is None:
                    out.append("$")  # a lone '$' stays as it is
                    self.pos += 1
                    continue
                self.pos = match.end()
                out.append(self._lookup(match.group()))
        if until_brace:
            raise InterpolationError(f"unclosed '${{' in {self.text!r}")
        return "".join(out)

    def _lookup(self, name: str) -> str:
        value = self.env.get(name)
        if value is None:
            self.on_missing(name)
            return ""
        return value

    def _braced(self) -> str:
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise InterpolationError(f"invalid variable name in {self.text!r}")
        name = match.group()
        self.pos = match.end()
        if self.text[self.pos : self.pos + 1] == "}":
            self.pos += 1
            return self._lookup(name)
        operator = next((op for op in _OPERATORS if self.text.startswith(op, self.pos)), None)
        if operator is None:
            raise InterpolationError(
                f"invalid interpolation format for {name!r} in {self.text!r}; "
                "expected ${VAR}, ${VAR:-default}, ${VAR:?error} or ${VAR:+alternative}"
            )
        self.pos += len(operator)
        argument = self.run(until_brace=True)
        self.pos += 1  # the closing brace
        value = self.env.get(name)
        present = value is not None if operator in ("-", "?", "+") else bool(value)
        kind = operator[-1]
        if kind == "-":
            return value if present and value is not None else argument
        if kind == "+":
            return argument if present else ""
        if not present:
            detail = argument or ("is not set" if value is None else "is empty")
            raise InterpolationError(f"required variable {name} is missing a value: {detail}")
        assert value is not None
        return value


def interpolate(
    text: str,
    env: Mapping[str, str],
    on_missing: Callable[[str], None] = lambda name: None,
) -> str:
    """``text`` with its variables substituted from ``env``."""
    if "$" not in text:
        return text
    return _Parser(text, env, on_missing).run()


def _path(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def interpolate_tree(
    tree: Any,
    env: Mapping[str, str],
    on_missing: Callable[[str, str], None],
    path: str = "",
) -> Any:
    """A copy of a parsed YAML tree with every string value interpolated.

    Raises ``InterpolationError`` whose message starts with the value's path
    (``services.web.image: ...``); ``on_missing(path, name)`` hears of unset variables.
    """
    if isinstance(tree, str):
        try:
            return interpolate(tree, env, lambda name: on_missing(path, name))
        except InterpolationError as exc:
            raise InterpolationError(f"{path}: {exc}") from None
    if isinstance(tree, Mapping):
        return {
            key: interpolate_tree(value, env, on_missing, _path(path, key))
            for key, value in tree.items()
        }
    if isinstance(tree, list):
        return [
            interpolate_tree(value, env, on_missing, _path(path, index))
            for index, value in enumerate(tree)
        ]
    return tree
