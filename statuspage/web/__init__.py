"""The public status page: routes, page contexts, SVG, caching and error pages.

Flow: a view parses the request, a `context_*` module loads what the page needs
through named storage queries and assembles one documented context object, a
Jinja template renders it, and `serving` caches the bytes, answers conditional
requests and falls back to the last good render when the database is away.
"""
