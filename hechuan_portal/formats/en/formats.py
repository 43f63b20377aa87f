"""English dates as the portal writes them: `Dec 2026`, `7 Dec 2026` (templates use the names,
e.g. `date:"YEAR_MONTH_FORMAT"`, never a Chinese pattern, so the active language decides)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "Y-m-d"
