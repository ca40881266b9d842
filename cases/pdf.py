"""Turn a template and a prepared context into PDF bytes with WeasyPrint.

Only the app's own static files may be loaded, read from disk. Every other
resource (file: URLs outside the static folders, http(s), data: and anything
else) is refused and stops the rendering, so a PDF can neither reach the network
nor carry a file of the server (e.g. as an attachment).
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

__all__ = ["PdfResourceRefused", "StaticFileFetcher", "render_html_pdf", "render_pdf"]

# Relative and root-relative URLs in a PDF template resolve against this base,
# e.g. "/static/css/pdf.css" -> "file:///static/css/pdf.css".
BASE_URL = "file:///"


class PdfResourceRefused(Exception):
    """A PDF template asked for a resource other than one of the app's static files."""


class _Refused(FatalURLFetchingError):
    # WeasyPrint swallows ordinary fetch errors and carries on; this one stops it.
    pass


def _static_roots() -> list[Path]:
    roots = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, (tuple, list)) else entry
        roots.append(Path(path).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _static_prefixes() -> list[str]:
    """Return URL prefixes that name a static file: '/static/' and STATIC_URL."""
    static_url = settings.STATIC_URL or "/static/"
    path = urlsplit(static_url).path or "/static/"
    prefixes = ["/" + path.strip("/") + "/"]
    if urlsplit(static_url).scheme:
        prefixes.append(static_url)
    return prefixes


def static_file_for(url: str) -> Path | None:
    """Return the file of the app's static folders that `url` names, or None."""
    parts = urlsplit(url)
    roots = _static_roots()
    relative = None
    for prefix in _static_prefixes():
        if prefix.startswith(("http://", "https://")):
            if url.startswith(prefix):
                relative = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
        elif parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = unquote(parts.path)
            if path.startswith(prefix):
                relative = path[len(prefix) :]
    if relative is not None:
        relative = posixpath.normpath(relative)
        if relative.startswith(("../", "/")) or relative == "..":
            return None
        candidates = [root / relative for root in roots]
    elif parts.scheme == "file" and parts.netloc in ("", "localhost"):
        # An absolute path is allowed only inside a static folder.
        candidates = [Path(unquote(parts.path))]
    else:
        return None
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(r) for r in roots):
            return resolved
    return None


class StaticFileFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only the app's static files, from disk."""

    def __init__(self):
        super().__init__(fail_on_errors=True)

    def fetch(self, url, headers=None):
        path = static_file_for(url)
        if path is None:
            raise _Refused(f"Refused to load {url[:200]!r} into a PDF.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": content_type}
        )

    def open(self, url, data=None, timeout=None):  # pragma: no cover - never used
        raise _Refused("Refused to open a URL for a PDF.")


def render_html_pdf(html: str) -> bytes:
    """Return the PDF of an HTML document, loading only the app's static files."""
    try:
        return HTML(
            string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher()
        ).write_pdf()
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise PdfResourceRefused(str(cause)) from None


def render_pdf(template_name: str, context: dict) -> bytes:
    """Return the PDF of a template rendered with an already prepared context.

    The context is built by a selector: the template runs no queries. Text is
    autoescaped, so what users typed is shown, never interpreted as HTML.
    """
    return render_html_pdf(render_to_string(template_name, context))
