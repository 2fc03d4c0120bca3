"""The written report's charts as pictures (PNG, drawn with Pillow): horizontal bars, 0–100%.

Word has native charts, but python-docx cannot write them; a picture prints the same in Word,
LibreOffice and the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from reports.exporters.base import text

from .figures import vi_number

# Fonts with every Vietnamese letter, in order of preference (Debian: fonts-dejavu-core comes
# with LibreOffice; fonts-liberation2 too).
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
BAR = (46, 117, 182)
GRID = (200, 200, 200)
INK = (0, 0, 0)
SCALE = 2  # drawn at twice the size, for a sharp print


def _font(size: int):
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size * SCALE)
        except OSError:
            continue
    return ImageFont.load_default(size * SCALE)


def _fit(draw, label: str, font, width: int) -> str:
    if draw.textlength(label, font=font) <= width:
        return label
    while label and draw.textlength(label + "…", font=font) > width:
        label = label[:-1]
    return label + "…"


def bar_chart_png(title: str, items: Sequence[tuple[str, float | None]]) -> bytes:
    """A horizontal bar chart of percentages; an item without a value shows "—"."""
    s = SCALE
    label_w, bar_w, row_h, top, bottom = 300 * s, 420 * s, 26 * s, 50 * s, 36 * s
    width = label_w + bar_w + 90 * s
    height = top + bottom + row_h * max(len(items), 1)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(11), _font(13)
    draw.text((width // 2, 14 * s), text(title), fill=INK, font=bold, anchor="mt")
    x0 = label_w
    for tick in range(0, 101, 20):
        x = x0 + bar_w * tick // 100
        draw.line([(x, top - 4 * s), (x, height - bottom)], fill=GRID, width=s)
        draw.text((x, height - bottom + 6 * s), f"{tick}", fill=INK, font=font, anchor="mt")
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        draw.text(
            (label_w - 8 * s, y + row_h // 2),
            _fit(draw, text(label), font, label_w - 16 * s),
            fill=INK,
            font=font,
            anchor="rm",
        )
        if value is None:
            draw.text((x0 + 4 * s, y + row_h // 2), "—", fill=INK, font=font, anchor="lm")
            continue
        x1 = x0 + round(bar_w * max(0.0, min(value, 100.0)) / 100)
        draw.rectangle([(x0, y + 4 * s), (x1, y + row_h - 4 * s)], fill=BAR)
        draw.text((x1 + 6 * s, y + row_h // 2), vi_number(value), fill=INK, font=font, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
