"""What people asked and how the bot replied, in SQLite, never who asked.

A row holds the masked question (bot.privacy), the outcome, the section the
bot chose or suggested, the suggestion the user then pressed and the answer to
"was this helpful?". There is no user id, name or chat id column. `asker` is a
hash of the chat id under a salt that lives only in memory and is replaced
every UTC day: it counts distinct askers within a day and links nothing across
days, nor back to a person once the day is over.

Writing must never slow or break an answer: every database or file error is
logged once as a warning (without the question) and the method returns None.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import QuestionLogSettings
from bot.privacy import normalise_for_log

log = logging.getLogger(__name__)

SCHEMA_COLUMNS = (
    "id", "asked_at", "day", "question", "outcome", "section_id", "section_title",
    "score", "suggestions", "picked_section", "feedback", "asker",
)  # fmt: skip
SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    day TEXT NOT NULL,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,
    section_id TEXT,
    section_title TEXT,
    score REAL,
    suggestions TEXT NOT NULL DEFAULT '',
    picked_section TEXT,
    feedback TEXT,
    asker TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
"""
# Messages of despair are health information and tell an editor nothing to fix: count, never keep.
UNRECORDED_TEXT_OUTCOMES = frozenset({"urgent"})
CONNECT_TIMEOUT_SECONDS = 0.5
PURGE_INTERVAL = timedelta(hours=1)
RECONNECT_INTERVAL = timedelta(minutes=10)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """UTC ISO text to the second; plain string order is time order."""
    return _utc(moment).isoformat(timespec="seconds")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class QuestionLog:
    """One SQLite connection (WAL mode) shared by every handler thread, behind a lock."""

    def __init__(self, settings: QuestionLogSettings, clock: Clock = utc_now):
        self.path = settings.path
        self.retention = timedelta(days=settings.retention_days)
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._closed = False
        self._failing = False
        self._salt = b""
        self._salt_day = ""
        self._last_purge: datetime | None = None
        self._last_connect: datetime | None = None
        with self._lock:
            self._connect(self._now())

    def record(
        self,
        question: str,
        reply_outcome: str,
        section_id: str | None,
        section_title: str | None,
        score: float | None,
        suggestions: list[str],
        chat_id: int,
    ) -> int | None:
        """Store one question; the row id links later feedback and picks, None if writing failed."""
        now = self._now()
        outcome = str(reply_outcome)
        text = "" if outcome in UNRECORDED_TEXT_OUTCOMES else normalise_for_log(question)
        sql = (
            "INSERT INTO questions (asked_at, day, question, outcome, section_id, section_title,"
            " score, suggestions, asker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        with self._lock:
            if self._last_purge is None or now - self._last_purge >= PURGE_INTERVAL:
                self._purge(now)
            day = now.date().isoformat()
            asker = self._asker(chat_id, day)
            row = (
                timestamp(now),
                day,
                text,
                outcome,
                section_id,
                section_title,
                score,
                ",".join(suggestions),
                asker,
            )
            cursor = self._write(sql, row, now)
        return cursor.lastrowid if cursor is not None else None

    def record_pick(self, row_id: int, section_id: str) -> None:
        """Remember which suggestion the user pressed under question `row_id`."""
        with self._lock:
            self._write("UPDATE questions SET picked_section = ? WHERE id = ?", (section_id, row_id))

    def record_feedback(self, row_id: int, helpful: bool) -> None:
        """Remember the answer to "was this helpful?"; a second press replaces the first."""
        value = "yes" if helpful else "no"
        with self._lock:
            self._write("UPDATE questions SET feedback = ? WHERE id = ?", (value, row_id))

    def purge(self, now: datetime | None = None) -> int:
        """Delete rows older than the retention period; the number deleted (0 on failure)."""
        with self._lock:
            return self._purge(_utc(now) if now is not None else self._now())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._db is not None:
                try:
                    self._db.close()
                except sqlite3.Error as e:
                    self._warn(e)
                self._db = None

    # -- helpers (called with the lock held) ---------------------------------------

    def _now(self) -> datetime:
        return _utc(self._clock())

    def _asker(self, chat_id: int, day: str) -> str:
        """The chat's hash for `day`; yesterday's salt is forgotten, so no hash links two days."""
        if day != self._salt_day:
            self._salt, self._salt_day = secrets.token_bytes(16), day
        return hashlib.blake2b(self._salt + str(chat_id).encode(), digest_size=8).hexdigest()

    def _connect(self, now: datetime) -> sqlite3.Connection | None:
        if self._db is not None or self._closed:
            return self._db
        if self._last_connect is not None and now - self._last_connect < RECONNECT_INTERVAL:
            return None
        self._last_connect = now
        db = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, timeout=CONNECT_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as e:
            if db is not None:
                db.close()
            self._warn(e)
            return None
        self._db = db
        self._purge(now)
        return db

    def _write(self, sql: str, params: tuple[Any, ...], now: datetime | None = None) -> sqlite3.Cursor | None:
        db = self._connect(now if now is not None else self._now())
        if db is None:
            return None
        try:
            cursor = db.execute(sql, params)
        except (sqlite3.Error, OSError) as e:
            self._warn(e)
            return None
        if self._failing:
            self._failing = False
            log.info("question log %s: writing again", self.path)
        return cursor

    def _purge(self, now: datetime) -> int:
        self._last_purge = now
        cursor = self._write(
            "DELETE FROM questions WHERE asked_at < ?", (timestamp(now - self.retention),), now
        )
        return cursor.rowcount if cursor is not None else 0

    def _warn(self, error: Exception) -> None:
        """Warn on the first of a series of failures only; sqlite's messages never quote values."""
        if self._failing:
            log.debug("question log %s: %s: %s", self.path, type(error).__name__, error)
            return
        self._failing = True
        log.warning(
            "question log %s: %s: %s; questions are not recorded until it works again",
            self.path,
            type(error).__name__,
            error,
        )
