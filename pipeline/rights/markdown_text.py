"""Values embedded in a Markdown document, made inert.

The subject access summary (``subject-access.md``) shows values from the store: names,
postcodes, quarantined values, references. A Markdown viewer renders inline HTML and
Markdown syntax, so a name holding ``<script>``, ``<img onerror=...>``, ``[link](http://x)``
or ``**bold**`` must not reach it as markup. Each value is shown as literal text: HTML's
special characters become entities (``&lt;script&gt;``) and the punctuation that
starts Markdown markup within a line is escaped with a backslash (CommonMark: any ASCII
punctuation may be escaped), so the reader
sees exactly the value that is held; a line break or a table's ``|`` cannot end the cell.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~]|(?<![^\W_])_|_(?![^\W_]))")
"""What starts markup inside a line or a table cell: emphasis, code, links and images
(``[``; ``!`` and ``(`` mean nothing without it), the cell separator, strikethrough, and the
backslash itself. An underscore between two letters or digits starts no emphasis in
CommonMark and is left as it is (``consent_instructions``). ``<`` and ``&`` (HTML,
autolinks, entities) are HTML-escaped instead."""


def markdown_text(value: object) -> str:
    """``value`` as literal text for a Markdown table cell or line (``None`` as empty)."""
    text = "" if value is None else str(value)
    text = " ".join(text.splitlines())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return html.escape(text, quote=False)
