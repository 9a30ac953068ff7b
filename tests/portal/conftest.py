"""The lifecycle helpers of the complaint tests, and the API tests' rate limits (off, counters
reset; a test sets its own), shared with the portal's."""

from tests.api.conftest import _no_rate_limits
from tests.complaints.conftest import drive

__all__ = ["_no_rate_limits", "drive"]
