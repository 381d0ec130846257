"""Repository-wide pytest configuration.

The modules at evalkit's old flat paths (``evalkit.schema`` …) only forward to their
new places with a DeprecationWarning; they hold no doctests, and importing them during
collection would fail under ``filterwarnings = error``. ``tests/test_moved.py`` checks them.
"""

from evalkit._moved import MOVED

collect_ignore = [f"src/evalkit/{old.rpartition('.')[2]}.py" for old in MOVED]
