"""The project's own error types.

Every failure a user can cause (a bad file, a bad query) is raised as an ``ArchiveError``
subclass so callers can report it by name and go on, instead of catching bare exceptions.
"""


class ArchiveError(Exception):
    """Base class for every error the archive reports to its users."""


class UnreadableFile(ArchiveError):
    """A file could not be turned into text (wrong format, corrupt, empty, too large...).

    The message names the reason in plain words; the caller adds the file name.
    """


class UnsupportedFormat(UnreadableFile):
    """The file's format is not one the archive reads, or its converter is not installed."""


class ReportNotFound(ArchiveError):
    """No report (or passage) with the requested id exists in the store."""
