"""Datasette plugin: no pause of the garbage collector over what the server holds from its start.

Loaded like limits.py, so it imports nothing from yusuan. Once started the process holds a quarter of a
million objects (modules, the metadata, Datasette's own) that live as long as it does; Python's full
collection walks all of them, 100-130 ms on this 2-core machine under load, once every 15 or so table
pages (benchmarks/datasette_speed.py: the spikes that made the 95th percentile). After start-up they are
collected once and frozen (gc.freeze: left out of every later collection); what requests make is still
collected as before.
"""

from __future__ import annotations

import gc

from datasette import hookimpl


@hookimpl
def startup():
    gc.collect()
    gc.freeze()
