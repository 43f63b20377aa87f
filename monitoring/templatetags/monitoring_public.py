"""`{% latest_public_inspection facility as inspection %}` for the public facility page."""

from django import template

from monitoring.selectors import latest_public_inspection as _latest

register = template.Library()


@register.simple_tag
def latest_public_inspection(facility):
    """Date and result of the facility's latest completed inspection (no personal data), or None."""
    return _latest(facility)
