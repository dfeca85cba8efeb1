"""WordPress export body -> plain Markdown-ish text and the links users may follow.

WordPress block comments and HTML never reach a user: block comments are
removed, HTML tags stripped, entities decoded. The related-posts block
(`wp:latest-posts`) becomes a link: its category `link`, labelled from the
`<strong>` heading of the group that holds it. The wp-json `_links` beside it
are API URLs, not pages for people, and are ignored.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from bot.config import Link

# innermost groups only: a wrapper group around the whole body must not be taken for the box
_GROUP = re.compile(r"<!--\s*wp:group\b(?:(?!<!--\s*/?wp:group\b).)*<!--\s*/wp:group\s*-->", re.S)
_LATEST = re.compile(r"<!--\s*wp:latest-posts\s+(\{.*?\})\s*/-->", re.S)
_LATEST_ANY = re.compile(r"<!--\s*wp:latest-posts\b")
_STRONG = re.compile(r"<strong[^>]*>(.*?)</strong>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.S | re.I)
_BLOCK_END = re.compile(r"</(p|div|li|ul|ol|blockquote|figure|table|tr)>|<br\s*/?>|<hr[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((https?://[^)\s]+)\)")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class CleanBody:
    text: str
    related: tuple[Link, ...]


def clean_body(body: str) -> CleanBody:
    """Strip WordPress blocks and HTML from an article body, keeping its related links."""
    related: list[Link] = []

    def take_group(match: re.Match[str]) -> str:
        group = match.group(0)
        if not _LATEST_ANY.search(group):
            return group
        related.extend(_latest_posts_links(group))
        # the group is only a "related posts" box: nothing in it is body text, even
        # when its block is unreadable (a heading pointing nowhere helps no one)
        return "\n"

    body = _GROUP.sub(take_group, body)
    if not related:  # a latest-posts block outside any group still yields its link
        related.extend(_latest_posts_links(body))
    body = _COMMENT.sub("", body)
    body = _HEADING.sub(lambda m: f"\n\n{'#' * int(m.group(1))} {m.group(2)}\n\n", body)
    body = _BLOCK_END.sub("\n\n", body)
    body = html.unescape(_TAG.sub("", body))
    body = _BLANK_RUN.sub("\n\n", body.replace("\r\n", "\n"))
    return CleanBody(body.strip(), tuple(related))


def _latest_posts_links(text: str) -> list[Link]:
    links: list[Link] = []
    strong = _STRONG.search(text)
    for match in _LATEST.finditer(text):
        try:
            attrs = json.loads(match.group(1))
        except json.JSONDecodeError:
            continue
        categories = attrs.get("categories") if isinstance(attrs, dict) else None
        for category in categories if isinstance(categories, list) else []:
            url = category.get("link") if isinstance(category, dict) else None
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                continue
            name = str(category.get("name") or "관련 글")
            label = _plain(strong.group(1)) if strong else f"{name} 관련 글"
            links.append(Link(label, url))
    return links


def inline_text(text: str) -> tuple[str, tuple[Link, ...]]:
    """Markdown inline syntax -> plain text, collecting [text](url) links."""
    links = tuple(Link(_plain(_unemphasise(t)), u) for t, u in _MD_LINK.findall(text))
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    return _plain(_unemphasise(text)), links


def _unemphasise(text: str) -> str:
    return _MD_EMPHASIS.sub(lambda m: m.group(2), text)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())
