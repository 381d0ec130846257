"""Moved to :mod:`evalkit.data.schema`: the old path still imports, with a warning."""

from evalkit._moved import moved

moved(__name__)
