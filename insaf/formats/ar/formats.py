"""Arabic date formats Django leaves undefined (its DATETIME_FORMAT falls back to English order)."""

DATE_FORMAT = "j F، Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
