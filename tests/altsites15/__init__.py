"""Two more outlet styles for end-to-end tests: a Libyan news site on Nuxt whose story pages are shells (the story
only in the app state: Nuxt 2's ``window.__NUXT__`` function call on the older stories, Nuxt 3's ``__NUXT_DATA__``
flat array on the newer) and a Libyan outlet's live coverage pages (schema.org LiveBlogPosting, timestamped entries
newest first, a page that grows between crawls) beside its ordinary stories."""

from .server import serve_alt_sites15

__all__ = ["serve_alt_sites15"]
