"""The complaint tests' fixtures, shared with the workspace's."""

from tests.complaints.conftest import drive, file_case

__all__ = ["drive", "file_case"]
