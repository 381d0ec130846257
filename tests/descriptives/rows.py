"""Finding one row of a tidy result table."""


def table_row(table, variable, level):
    """The one row of ``table`` for ``variable`` (and ``level``, unless None)."""
    row = table[(table["variable"] == variable)]
    if level is not None:
        row = row[row["level"] == level]
    assert len(row) == 1
    return row.iloc[0]
