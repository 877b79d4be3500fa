"""Everything SQL: the connection, numbered migrations and one repository per table group."""

from storage.database import Database, DatabaseTooNewError

__all__ = ["Database", "DatabaseTooNewError"]
