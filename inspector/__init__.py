"""Event Inspector: a local debugger for Segment-style analytics traffic."""

__version__ = "0.1.0"
