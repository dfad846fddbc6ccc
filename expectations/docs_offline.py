"""Data Docs that read offline: GX's CDN styles and scripts replaced by a local stylesheet.

GX's page templates (``great_expectations/render/view/templates``) load Bootstrap 4,
bootstrap-table, Font Awesome, jQuery, popper, a date picker and Vega from CDNs, a logo from
an S3 bucket, and end in a newsletter bar. Opened without a network the pages are unstyled,
the logo is broken and the script-filled index tables are empty. None of those assets is in
the installed GX package (it ships only its fonts, images and a default stylesheet under
``render/view/static``), so instead of vendoring third-party files this module:

* removes every ``<link>`` and ``<script src>`` to an external URL and every inline script
  (they all call jQuery or bootstrap-table, which are gone);
* replaces the remote logo with the text "pupilstats data quality", drops ``url()`` to remote
  images and the newsletter footer;
* links ``static/styles/pupilstats_offline.css`` (``expectations/static/``, written for
  pupilstats: no third-party licence is involved), which styles the Bootstrap classes the
  pages use and hides the parts that only work with the scripts.

The index's own table of the run (``expectations.docs``) replaces GX's script-filled one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

STYLESHEET = Path(__file__).parent / "static" / "data_docs_offline.css"
SITE_STYLESHEET = Path("static") / "styles" / "pupilstats_offline.css"
BRAND = '<span class="pupilstats-brand">pupilstats data quality</span>'

_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.I | re.S)
_EXTERNAL_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I)
_EXTERNAL_URL = re.compile(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", re.I)
_FOOTER = re.compile(r"<footer\b[^>]*>.*?</footer\s*>", re.I | re.S)

EXTERNAL_RESOURCE = re.compile(
    r"<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)\s*=\s*[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//",
    re.I,
)
"""A reference that makes a browser fetch from another host (links to read are not)."""


def external_resources(html: str) -> list[str]:
    """The places in ``html`` that would load something from the network."""
    return [html[m.start() : m.start() + 120] for m in EXTERNAL_RESOURCE.finditer(html)]


def offline_page(html: str, stylesheet_href: str) -> str:
    """``html`` (one Data Docs page) with no external resource and the local stylesheet."""
    html = _SCRIPT.sub("", html)
    html = _EXTERNAL_LINK.sub("", html)
    html = _EXTERNAL_IMG.sub(BRAND, html)
    html = _EXTERNAL_URL.sub("none", html)
    html = _FOOTER.sub("", html)
    link = f'<link rel="stylesheet" href="{stylesheet_href}">'
    if link in html:
        return html
    head_end = html.lower().find("</head>")
    if head_end < 0:
        return link + html
    return html[:head_end] + link + html[head_end:]


def make_site_offline(site: Path) -> None:
    """Rewrite every page of the Data Docs site in ``site`` to read offline (module doc)."""
    site = Path(site)
    target = site / SITE_STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(STYLESHEET.read_text(encoding="utf-8"), encoding="utf-8")
    for page in site.rglob("*.html"):
        href = Path(os.path.relpath(target, page.parent)).as_posix()
        text = page.read_text(encoding="utf-8")
        page.write_text(offline_page(text, href), encoding="utf-8")
