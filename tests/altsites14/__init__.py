"""Two more outlet styles for end-to-end tests: a Libyan news forum on vBulletin 3.8 (threads whose first post is
the story, ``?s=`` guest sessions, ``&page=N`` answer pages, ``?p=`` post and ``goto=newpost`` links, month-first
dates) and a Libyan exile site of static pages saved from Microsoft Word, in windows-1256 declared nowhere, on IIS
(any case of a file name answers)."""

from .server import serve_alt_sites14

__all__ = ["serve_alt_sites14"]
