"""Rehearse: rehearse the hardest conversations of teaching before having them for real."""

__version__ = "0.1.0"
