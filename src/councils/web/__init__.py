"""The plain HTML pages (Jinja2, no JavaScript) and the SVG charts.

:func:`councils.web.site.create_site` serves the pages with the JSON API. Nothing is imported
here, so that ``councils count`` (which draws with :mod:`councils.web.charts`) does not load
FastAPI.
"""

__all__: list[str] = []
