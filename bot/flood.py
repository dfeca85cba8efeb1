"""How fast one chat may ask: a per-chat sliding window, so one chat cannot crowd out the rest.

Pure and platform-neutral: a front end calls `check(chat)` for each message it would answer
and does what the verdict says. Within `per_seconds` a chat gets up to `max_messages` answers;
the first message beyond that gets one notice, the rest nothing, until the oldest answer in
the window is older than `per_seconds`. Only answered messages fill the window: a chat that
keeps writing is slowed to the limit, never locked out.

Memory is bounded: a chat whose newest answer left the window is forgotten (its state would
be empty anyway), and at most `max_chats` chats are kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum

from bot.config import FloodSettings

MAX_CHATS = 100_000


class Verdict(Enum):
    ANSWER = "answer"
    NOTICE = "notice"  # the first message over the limit: say so once, do not answer
    DROP = "drop"  # any further message over the limit: no answer, no second notice


@dataclass
class _Chat:
    answered: deque[float]  # times of the answers still in the window, oldest first
    noticed: bool = False


class FloodLimiter:
    """Per-chat sliding-window limit; `clock` (seconds, never going back) is injectable."""

    def __init__(
        self,
        settings: FloodSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
    ) -> None:
        if settings.max_messages < 1 or settings.per_seconds <= 0 or max_chats < 1:
            raise ValueError("need max_messages >= 1, per_seconds > 0 and max_chats >= 1")
        self.settings = settings
        self._clock = clock
        self._max_chats = max_chats
        # Ordered by each chat's newest answer, oldest first: idle chats sit at the front.
        self._chats: OrderedDict[Hashable, _Chat] = OrderedDict()

    def __len__(self) -> int:
        """How many chats are remembered."""
        return len(self._chats)

    def check(self, chat: Hashable) -> Verdict:
        """Count one message of `chat` and say whether to answer it."""
        now = self._clock()
        self._forget_idle(now)
        state = self._chats.get(chat)
        if state is None:
            state = self._remember(chat)
        horizon = now - self.settings.per_seconds
        while state.answered and state.answered[0] <= horizon:
            state.answered.popleft()
        if len(state.answered) < self.settings.max_messages:
            state.answered.append(now)
            state.noticed = False
            self._chats.move_to_end(chat)
            return Verdict.ANSWER
        if state.noticed:
            return Verdict.DROP
        state.noticed = True
        return Verdict.NOTICE

    def _remember(self, chat: Hashable) -> _Chat:
        while len(self._chats) >= self._max_chats:
            self._chats.popitem(last=False)  # the least recently answered: its limit restarts
        state = self._chats[chat] = _Chat(deque(maxlen=self.settings.max_messages))
        return state

    def _forget_idle(self, now: float) -> None:
        horizon = now - self.settings.per_seconds
        while self._chats:
            chat, state = next(iter(self._chats.items()))
            if state.answered and state.answered[-1] > horizon:
                return
            del self._chats[chat]
