"""Golden screens: what a person sees at a given width, kept as text files in tests/screens.

After a deliberate change to a screen, rewrite the files with
`UPDATE_SCREENS=1 .venv/bin/pytest tests/...` and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

SCREENS = Path(__file__).parent / "screens"


def shown(text: str) -> str:
    """The screen as read: trailing spaces (table padding) dropped, one newline at the end."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n") + "\n"


def assert_screen(name: str, text: str) -> None:
    """`text` is the screen kept as `name`, character for character."""
    path = SCREENS / f"{name}.txt"
    screen = shown(text)
    if os.environ.get("UPDATE_SCREENS"):
        path.write_text(screen, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else "(no such screen yet)\n"
    assert screen == expected, f"{name} differs; see {path}\n{screen}"
