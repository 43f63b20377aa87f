"""Chinese dates as the portal writes them: `2026年12月`, `2026年12月7日` (STYLE: i18n).

Input formats put ISO first: a date field's value is rendered with the first one, and a browser's
`<input type="date">` accepts only `2026-12-07` (Django's own zh_Hans list starts with `2026/12/07`,
which the browser rejects, so officers had to type today's date on every form)."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
]
