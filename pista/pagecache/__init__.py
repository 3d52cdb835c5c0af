"""The page cache: anonymous community pages and feeds served from Redis.

- ``marks``: views opt in (``page_cacheable``) and say how long a page lives.
- ``store``: the ``pages`` cache alias, each community's generation
  (``page_cache_invalidate`` makes all its entries stale at once) and
  ``generation_cached`` for smaller things (the site chrome).
- ``entry``: what of a response is stored, and how a stored page is served
  again (fresh CSP nonce, the visitor's CSRF token, ETags).
- ``middleware``: ``PageCacheMiddleware`` in the request path.

Switched by ``PISTA_PAGE_CACHE``; docs/performance.md tells the whole story.
"""
