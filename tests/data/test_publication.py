"""Disclosure control of job_within: its counts as published, and its own suppressed table."""

import numpy as np
import pytest

from evalkit.data.outcomes import job_within
from evalkit.data.synthetic import simulate_participants
from evalkit.errors import DisclosureWarning
from evalkit.reporting import DisclosureLedger, publish

THRESHOLD = 10


@pytest.fixture(scope="module")
def participants():
    return simulate_participants(400, rng=8)


def _small(values) -> bool:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return bool(((values >= 1) & (values < THRESHOLD)).any())


def test_counts_add_up_and_small_ones_are_never_published(participants):
    out = job_within(participants, 12, by="site")
    counts = out.counts.pivot_table(index="site", columns="status", values="n", observed=True)
    assert counts.sum(axis=1).sum() == len(participants)
    assert (counts["event"] + counts["no_event"]).sum() == len(out.data)
    assert _small(out.counts["n"])  # Mechelen's few excluded, say
    published = publish(out, "counts", ledger=DisclosureLedger(), population="participants")
    assert not _small(published.table["n"]) and published.n_primary >= 1
    hidden = published.table["n"].isna()
    # no level and no status holds exactly one hidden cell: nothing comes back by subtraction
    assert not (hidden.groupby(published.table["site"]).sum() == 1).any()
    assert not (hidden.groupby(published.table["status"]).sum() == 1).any()
    used = published.table[published.table["used"]]
    assert not (used["n"].isna().groupby(used["site"]).sum() == 1).any()


def test_the_table_blanks_small_counts_and_what_they_could_be_recovered_from(participants):
    table = job_within(participants, 12, by="site").table
    for column in ("n_read", "n_used", "n_excluded", "n_events"):
        assert not _small(table[column])
    # n_read = n_used + n_excluded: one of them hidden hides the other
    assert (table["n_used"].isna() == table["n_excluded"].isna()).all()
    assert table["n_used"].isna().any()
    # n_used is hidden with any of its parts
    assert table.loc[table["n_events"].isna(), "n_used"].isna().all()


def test_job_within_threshold_goes_through_the_disclosure_policy(participants):
    with pytest.raises(ValueError, match="threshold must be an integer of at least 5, but was 1"):
        job_within(participants, 12, threshold=1)
    with pytest.warns(DisclosureWarning, match="Counts of fewer than 5 people are suppressed"):
        table = job_within(participants, 12, by="site", threshold=5).table
    assert not ((table["n_excluded"] >= 1) & (table["n_excluded"] < 5)).any()
