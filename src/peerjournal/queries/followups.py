"""Follow-ups with the conversations they were promised in: open, done, or open at a moment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from peerjournal.queries.entries import _LARGEST_ID, EVERYTHING, EntryQueries, _follow_up, _where
from peerjournal.queries.review import Window
from peerjournal.records import EntryFilter, FollowUp

_FOLLOW_UP_COLUMNS = "f.id, f.text, f.due_date, f.due_time, f.done_at, e.id, e.local_date, e.peer"


@dataclass(frozen=True)
class OpenFollowUp:
    """A follow-up with the conversation it was promised in."""

    follow_up: FollowUp
    entry_id: int
    local_date: str
    peer: str | None


class FollowUpQueries(EntryQueries):
    """Follow-ups, each with its conversation's number, day and alias."""

    def follow_ups(
        self, *, include_done: bool = False, where: EntryFilter = EVERYTHING
    ) -> list[OpenFollowUp]:
        """Follow-ups (open ones only, unless `include_done`), with their conversations:
        by due day (none last), then as promised."""
        sql, params = _where(where)
        done = "" if include_done else " AND f.done_at IS NULL"
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            f" FROM follow_up f JOIN entry e ON e.id = f.entry_id WHERE {sql}{done}"
            " ORDER BY f.due_date IS NULL, f.due_date, f.due_time IS NULL, f.due_time, f.id",
            params,
        )
        return [self._open_follow_up(row) for row in rows]

    def _open_follow_up(self, row: Sequence[Any], *, still_open: bool = False) -> OpenFollowUp:
        """A follow-up read with _FOLLOW_UP_COLUMNS (`still_open`: as it was before it was
        done)."""
        done_at = None if still_open else row[4]
        follow_up = _follow_up((row[0], self._text(row[1]), row[2], row[3], done_at))
        return OpenFollowUp(follow_up, int(row[5]), str(row[6]), self._text(row[7]))

    def follow_up(self, follow_up_id: int) -> OpenFollowUp | None:
        """One follow-up by its number."""
        if not 0 < follow_up_id <= _LARGEST_ID:
            return None
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            " FROM follow_up f JOIN entry e ON e.id = f.entry_id WHERE f.id = ?",
            [follow_up_id],
        )
        return self._open_follow_up(rows[0]) if rows else None

    def follow_ups_done(self, period: Window, where: EntryFilter = EVERYTHING) -> int:
        """How many follow-ups were marked done on the period's days (UTC-close enough: the
        day is taken in the local time of the machine)."""
        return len(self.follow_ups_done_in(period, where))

    def follow_ups_done_in(
        self, period: Window, where: EntryFilter = EVERYTHING
    ) -> list[OpenFollowUp]:
        """The follow-ups marked done on the period's local days, in the order they were kept."""
        start = datetime.combine(period.start, time()).astimezone(UTC)
        end = datetime.combine(period.end + timedelta(days=1), time()).astimezone(UTC)
        sql, params = _where(where)
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            " FROM follow_up f JOIN entry e ON e.id = f.entry_id"
            f" WHERE f.done_at >= ? AND f.done_at < ? AND {sql} ORDER BY f.done_at, f.id",
            [_stored(start), _stored(end), *params],
        )
        return [self._open_follow_up(row) for row in rows]

    def follow_ups_open_at(
        self, moment: datetime, where: EntryFilter = EVERYTHING
    ) -> list[OpenFollowUp]:
        """The follow-ups that were still open at `moment`: promised in a conversation on or
        before its local day and not yet done then. By due day (none last), then as promised.

        At the present moment these are simply the open ones; for a week in the past,
        the ones that were open as it ended, whatever has happened since.
        """
        sql, params = _where(where)
        rows = self._rows(
            f"SELECT {self._sql(_FOLLOW_UP_COLUMNS)}"
            " FROM follow_up f JOIN entry e ON e.id = f.entry_id"
            f" WHERE (f.done_at IS NULL OR f.done_at > ?) AND e.local_date <= ? AND {sql}"
            " ORDER BY f.due_date IS NULL, f.due_date, f.due_time IS NULL, f.due_time, f.id",
            [_stored(moment), moment.astimezone().date().isoformat(), *params],
        )
        # Done after `moment` is still open at it: the reader sees it as it was then.
        return [self._open_follow_up(row, still_open=True) for row in rows]


def _stored(moment: datetime) -> str:
    """An aware datetime as the write side stores it: naive UTC text."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
