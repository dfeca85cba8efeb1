"""What the bot's profile shows: the command menus (everyone's, and the admins' in their
private chats) and the descriptions.

Each is read, compared and written only where it differs, so a restart costs a few reads;
a failure only warns, since the bot answers without a menu too. No log line carries an
admin's id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.config import Config, TelegramSettings

log = logging.getLogger(__name__)

COMMANDS = (
    ("start", "시작하기"),
    ("menu", "프로그램 메뉴 보기"),
    ("help", "물어보는 방법"),
    ("privacy", "개인정보 처리 안내"),
)
ADMIN_COMMANDS = (("stats", "질문 통계 (관리자)"), ("reload", "안내 자료 다시 읽기 (관리자)"))
PROFILE_TIMEOUT_SECONDS = 20.0


async def publish(bot: Bot, config: Config, shown: set[int]) -> None:
    """Everything, within PROFILE_TIMEOUT_SECONDS; `shown` remembers the admins' chats set."""

    async def sync() -> None:
        await _sync_profile(bot, config.telegram)
        await sync_admin_commands(bot, config.admins, [*COMMANDS, *ADMIN_COMMANDS], shown)

    try:
        await asyncio.wait_for(sync(), PROFILE_TIMEOUT_SECONDS)
    except TimeoutError:
        log.warning("bot commands/description not checked within %.0f s", PROFILE_TIMEOUT_SECONDS)


async def _sync_profile(bot: Bot, settings: TelegramSettings) -> None:
    steps = (
        ("commands", _sync_commands),
        ("description", _sync_description),
        ("short description", _sync_short),
    )
    for name, step in steps:
        try:
            if await step(bot, settings):
                log.info("bot %s updated", name)
        except TelegramError as error:
            log.warning("bot %s not updated: %s: %s", name, type(error).__name__, error)


async def _sync_commands(bot: Bot, settings: TelegramSettings) -> bool:
    current = [(c.command, c.description) for c in await bot.get_my_commands()]
    if current == list(COMMANDS):
        return False
    return await bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])


async def _sync_description(bot: Bot, settings: TelegramSettings) -> bool:
    wanted = settings.description.strip()
    if not wanted or (await bot.get_my_description()).description.strip() == wanted:
        return False
    return await bot.set_my_description(wanted)


async def _sync_short(bot: Bot, settings: TelegramSettings) -> bool:
    wanted = settings.short_description.strip()
    if not wanted or (await bot.get_my_short_description()).short_description.strip() == wanted:
        return False
    return await bot.set_my_short_description(wanted)


async def sync_admin_commands(
    bot: Bot, admins: Iterable[int], commands: list[tuple[str, str]], shown: set[int]
) -> None:
    """Give each admin's private chat the full command list (read, compare, write), and take
    it back from ex-admins; `shown` remembers where it was set. Failures only warn, and no
    log line carries an admin's id."""
    wanted = list(dict.fromkeys(admins))
    for number, admin in enumerate(wanted, 1):
        scope = BotCommandScopeChat(admin)
        try:
            current = [(c.command, c.description) for c in await bot.get_my_commands(scope=scope)]
            if current != commands:
                await bot.set_my_commands([BotCommand(c, d) for c, d in commands], scope=scope)
                log.info("admin commands set for admin %d of %d", number, len(wanted))
            shown.add(admin)
        except TelegramError as error:  # e.g. an admin who never wrote to the bot: chat not found
            log.warning(
                "admin commands not set for admin %d of %d: %s: %s",
                number,
                len(wanted),
                type(error).__name__,
                error,
            )
    for former in sorted(shown - set(wanted)):
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(former))
            shown.discard(former)
            log.info("admin commands removed from a former admin's chat")
        except TelegramError as error:
            log.warning("admin commands not removed: %s: %s", type(error).__name__, error)
