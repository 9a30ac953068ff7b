"""The lifecycle helpers of the complaint tests, shared with the portal's."""

from tests.complaints.conftest import drive

__all__ = ["drive"]
