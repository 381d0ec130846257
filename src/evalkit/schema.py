"""Moved to :mod:`evalkit.data.schema`; this path keeps old imports working (with a warning)."""

from evalkit._moved import moved

moved(__name__)
