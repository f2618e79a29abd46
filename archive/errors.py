"""Every error the archive reports to its users, in one light module (no imports).

Why one module and one base: every failure a user can cause (a bad file, a bad query, a bad URL
parameter, a missing report, no index) is an ``ArchiveError`` that knows its HTTP status and a
default message, so the CLIs catch one type and the web app turns them into responses in one
place (``web.errors``) instead of each view mapping types to statuses. Archive, indexer and web
all import from here; nothing here imports them.
"""

from __future__ import annotations

from typing import ClassVar


class ArchiveError(Exception):
    """Base class for every error the archive reports to its users.

    ``status`` is the HTTP status the web app answers with; ``title`` the Chinese message shown
    when the error was raised without one (the message given, in Chinese, says why and how to fix).
    """

    status: ClassVar[int] = 400
    title: ClassVar[str] = "请求有误"

    @property
    def user_message(self) -> str:
        """What the user is told: the message raised with, else the type's own title."""
        return str(self) or self.title


class UnreadableFile(ArchiveError):
    """A file could not be turned into text (wrong format, corrupt, empty, too large...).

    The message names the reason in plain words; the caller adds the file name.
    """

    title = "文件无法读取"


class UnsupportedFormat(UnreadableFile):
    """The file's format is not one the archive reads, or its converter is not installed."""

    title = "不支持的文件格式"


class ReportNotFound(ArchiveError):
    """No report (or passage) with the requested id exists in the store."""

    status = 404
    title = "没有找到这个页面或报告"


class QuerySyntaxError(ArchiveError):
    """The query cannot be understood; the message says why, in Chinese, for the user."""

    title = "检索式无法理解"


class BadParams(ArchiveError):
    """A URL parameter that cannot mean anything (``page=abc``, ``sort=x``): a 400, never a 500."""

    title = "请求参数有误"


class IndexUnavailable(ArchiveError):
    """No index generation is live (never built, or lost): "cannot search", not "0 hits"."""

    status = 503
    title = "检索索引暂不可用"


class FetchError(ArchiveError):
    """A harvest request that failed for good (after retries); the message says why, for the summary."""

    status = 502
    title = "无法获取网页"
