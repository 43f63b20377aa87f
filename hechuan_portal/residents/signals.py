"""Signals of the household register, for the domain apps above it (which the ground floor may not
import): `register_imported` is sent after a household extract has been merged and the register's
own summaries refreshed, so an app that keeps a table derived from the register rebuilds it."""

from django.dispatch import Signal

# Sent by `services.residents_import` (sender: the `ImportBatch`) inside no transaction of its own.
register_imported = Signal()
