"""A second, independent set of three outlet sites (WordPress-, Drupal- and ASP.NET-style) for end-to-end tests."""

from .common import ExpectedArticle, RobotsRules, load_content
from .server import AltSites, LoggedRequest, serve_alt_sites

__all__ = ["AltSites", "ExpectedArticle", "LoggedRequest", "RobotsRules", "load_content", "serve_alt_sites"]
