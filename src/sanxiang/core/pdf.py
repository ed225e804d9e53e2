"""The one PDF toolkit of Sanxiang (ReportLab) and the one font embedded into every PDF it writes
(documents, the annual statistics report): no dependency on the fonts of the machine that renders.

`SanxiangSerifSC-Regular.ttf` (core/static/fonts/, SIL OFL 1.1, see OFL.txt there) is a subset of
Noto Serif CJK SC covering GB 2312 and more (built by `documents/fontbuild.py`). ReportLab embeds
the subset of glyphs each document uses, so a PDF carries only what it shows.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

FONT_NAME = "SanxiangSerifSC"
FONT_PATH = Path(__file__).resolve().parent / "static" / "fonts" / "SanxiangSerifSC-Regular.ttf"
LICENSE_PATH = FONT_PATH.with_name("OFL.txt")

_lock = threading.Lock()


@cache
def _registered() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
    return FONT_NAME


def pdf_font() -> str:
    """Register the font with ReportLab once per process and return its name."""
    with _lock:
        return _registered()


@cache
def covered() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    pdf_font()
    return frozenset(pdfmetrics.getFont(FONT_NAME).face.charToGlyph)


def missing(text: str) -> list[str]:
    """Characters of `text` the embedded font cannot draw (they would print as empty boxes)."""
    have = covered()
    return sorted({c for c in text if not c.isspace() and ord(c) not in have})
