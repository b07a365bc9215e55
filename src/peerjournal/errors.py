"""The errors a user can fix: each message is safe to show as it is."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class PeerJournalError(Exception):
    """A problem the user can fix; the message says what and how."""


class GuideError(PeerJournalError):
    """The principles guide could not be read or is not valid."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(
            f"The principles guide {where} is not valid: {problem}. "
            "Fix the file, or remove it to use the default guide."
        )
        self.path = Path(path)
        self.line = line
        self.problem = problem


class UnknownPrinciple(PeerJournalError):
    """A slug matched no principle, or more than one."""

    def __init__(
        self,
        given: str,
        valid: Iterable[str],
        *,
        ambiguous: bool = False,
        suggestion: str | None = None,
    ) -> None:
        valid_list = ", ".join(valid)
        if ambiguous:
            text = f"'{given}' matches more than one principle; type more of it ({valid_list})."
        elif suggestion is not None:
            text = f"There is no principle called '{given}'; did you mean '{suggestion}'?"
        else:
            text = f"There is no principle called '{given}'. Choose one of: {valid_list}."
        super().__init__(text)


class EntryNotFound(PeerJournalError):
    """No entry has the number the user gave."""

    def __init__(self, entry_id: int | str) -> None:
        super().__init__(
            f"There is no entry number {entry_id}. Run 'peerjournal list' to see your entries."
        )


class InvalidValue(PeerJournalError):
    """A value the user typed or passed is not acceptable."""


class DatabaseError(PeerJournalError):
    """The journal's database cannot be used as it is."""
