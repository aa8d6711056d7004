"""Hostile HTML shapes, each of a given size: inputs that made the readers superlinear.

Shared by tests/phones/test_linear.py and bench/adversarial.py.
"""
from __future__ import annotations

from collections.abc import Callable


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


SHAPES: dict[str, Callable[[int], str]] = {
    # one far ">" that every "<" shares, behind a hiding style: the poisoned-span search
    "<b * n + hidden style": lambda n: _repeat("<b", n, tail=" style=display:none a='>'"),
    "<b * n + hidden style>": lambda n: _repeat("<b", n, tail=" style=display:none>"),
    # an attribute list that swallows its only ">" in quotes, resumed from every "<"
    "<p * n + a='>'": lambda n: _repeat("<p", n, tail=" a='>'"),
    "<script * n + a='>'": lambda n: _repeat("<script", n, tail=" a='>'"),
    "unclosed attribute lists": lambda n: _repeat("<a b='c\" ", n),
    "quotes opening every tag": lambda n: _repeat("<p a='", n),
    "tags without >": lambda n: _repeat("<a ", n),
    "poison tags without a closing tag": lambda n: _repeat("<span style=display:none>x", n),
    "declarations without >": lambda n: _repeat("<!x ", n),
    "a comment without an end": lambda n: _repeat("-", n, head="<!--"),
    "script without an end": lambda n: _repeat("var a = '1';\n", n, head="<script>"),
    "style without an end": lambda n: _repeat("<", n, head="<style>"),
    "escaped quotes that never close": lambda n: _repeat("'\\", n, head="<script>"),
    "lone <": lambda n: _repeat("<", n),
    "entities": lambda n: _repeat("&#1", n),
}
