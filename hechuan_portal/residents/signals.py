"""Signals of the household register, for the domain apps above it (which the ground floor may not
import): `register_imported` is sent after a household extract has been merged and the register's
own summaries refreshed, so an app that keeps a table derived from the register rebuilds it."""

from django.dispatch import Signal

# Sent by `services.register_summaries_refresh` (sender: the `ImportBatch`), in the task queued when an
# import commits, inside no transaction of its own.
register_imported = Signal()
