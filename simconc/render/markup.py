"""Text for SVG and HTML: escaped, and what XML cannot hold written as Python writes it."""
from __future__ import annotations

import html
import re

#: Characters XML does not allow, even escaped (C0 controls but tab and newlines, surrogates,
#: the two non-characters): a program's output may hold them (an ANSI colour code, say).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """``text`` for an SVG or HTML page: markup escaped, and what XML cannot hold written as
    Python writes it (``\\x1b``)."""
    return html.escape(_NOT_XML.sub(lambda m: repr(m.group())[1:-1], text))


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis saying so."""
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "\u2026"
