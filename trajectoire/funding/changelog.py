"""The counsellors' changelog of rule changes (`trajectoire/schemes/CHANGELOG.md`) as HTML, with no dependency.

Only the Markdown the changelog uses is understood: headings (`#` to `###`, shown two levels lower, under the
page's own h1 and h2), paragraphs, `- ` lists (continuation lines indented), `**bold**` and `` `code` ``.
Everything is HTML-escaped first.
"""

import re
from html import escape
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

import trajectoire.schemes

CHANGELOG_PATH = Path(trajectoire.schemes.__file__).resolve().parent / "CHANGELOG.md"

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_HEADING = re.compile(r"^(#{1,3}) +(.*)$")


def _inline(text: str) -> str:
    text = escape(text, quote=False)
    text = _CODE.sub(r"<code>\1</code>", text)
    return _BOLD.sub(r"<strong>\1</strong>", text)


def markdown_to_html(source: str) -> SafeString:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(' '.join(item))}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in source.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        heading = _HEADING.match(line)
        if not stripped:
            flush()
        elif heading:
            flush()
            level = len(heading.group(1)) + 2
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif stripped.startswith("- "):
            if paragraph:
                flush()
            items.append([stripped[2:]])
        elif items and line.startswith(" "):
            items[-1].append(stripped)
        else:
            if items:
                flush()
            paragraph.append(stripped)
    flush()
    return mark_safe("\n".join(out))  # noqa: S308 — every piece of text went through escape()


def changelog_html() -> SafeString:
    return markdown_to_html(CHANGELOG_PATH.read_text(encoding="utf-8"))
