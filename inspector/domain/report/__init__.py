"""A shareable summary of one session: counts, sources, lint, identity warnings, rejections, time.

:func:`build_report` folds a session's events into a plain dict (what ``--format json``
prints); :func:`render_markdown` and :func:`render_html` draw it. The HTML is one standalone
file: inline CSS and an SVG chart drawn here, no script, no external asset.
"""

from inspector.domain.report.build import build_report, mask_key, timeline
from inspector.domain.report.html import render_html, svg_chart
from inspector.domain.report.markdown import render_markdown, sparkline

__all__ = [
    "build_report",
    "mask_key",
    "render_html",
    "render_markdown",
    "sparkline",
    "svg_chart",
    "timeline",
]
