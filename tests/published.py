"""What every published table must satisfy (used by the families' test_publication.py)."""

import numpy as np

from evalkit.reporting.disclosure import publish


def assert_safely_published(result, part="table", *, threshold=10, **options):
    """Publish ``part`` of ``result`` and check it: no count of 1 to ``threshold - 1``
    people, every statistic blank where a count it comes from is, rounded to its
    decimals. Returns the published table."""
    spec = type(result).publication[part]
    table = publish(result, part, threshold=threshold, **options).table
    for column in spec.counts:
        shown = table[column].dropna().to_numpy(dtype=float)
        assert not ((shown >= 1) & (shown < threshold)).any(), (column, shown)
    for column, sources in spec.derived_from().items():
        hidden = table[list(sources)].isna().any(axis=1)
        assert table.loc[hidden, column].isna().all(), column
    for column, decimals in spec.decimals.items():
        shown = table[column].dropna().to_numpy(dtype=float)
        np.testing.assert_array_equal(shown, np.round(shown, decimals), err_msg=column)
    return table


def bar_counts(ax, per_width):
    """People in each bar of a histogram drawn with heights per ``per_width`` of x."""
    return [
        round(abs(p.get_height()) * p.get_width() / per_width, 6) for p in ax.patches
    ]
