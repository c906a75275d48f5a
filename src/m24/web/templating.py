"""The Jinja environment shared by every page."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


def won(amount: int) -> str:
    """KRW in 억/만 원 the way Korean notices write it."""
    if amount >= 100_000_000:
        eok = amount / 100_000_000
        return f"{eok:,.1f}억 원".replace(".0억", "억")
    return f"{amount // 10_000:,}만 원"


TEMPLATES.env.filters["won"] = won
