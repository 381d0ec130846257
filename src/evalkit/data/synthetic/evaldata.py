"""The shipped example data: ``evaldata/*.csv`` written from one seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evalkit.data.synthetic.costs import simulate_costs
from evalkit.data.synthetic.model import DEFAULT_SEED
from evalkit.data.synthetic.participants import simulate_participants
from evalkit.data.synthetic.questionnaire import simulate_questionnaire

__all__ = ["write_evaldata"]


def write_evaldata(
    directory: str | Path, *, seed: int | None = DEFAULT_SEED, n: int = 1500
) -> dict[str, Path]:
    """Write the synthetic data files ``participants.csv``, ``questionnaire.csv``, ``costs.csv``.

    Parameters
    ----------
    directory : str or Path
        Output directory (created if needed).
    seed : int, default=DEFAULT_SEED
        Seed of the whole data set (``None`` = :data:`DEFAULT_SEED`); the same seed
        writes byte-identical files. The three tables use independent streams spawned
        from ``numpy.random.SeedSequence(seed)``.
    n : int, default=1500
        Number of participants.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"participants": path, "questionnaire": path, "costs": path}``.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer.
    OSError
        If the directory cannot be created or written.

    Notes
    -----
    UTF-8 CSV with a header, no index, ``\\n`` line ends, dates ``YYYY-MM-DD``,
    booleans ``True``/``False``, missing values as empty cells.

    Examples
    --------
    >>> import tempfile
    >>> paths = write_evaldata(tempfile.mkdtemp(), n=50)
    >>> sorted(paths)
    ['costs', 'participants', 'questionnaire']
    """
    seed = DEFAULT_SEED if seed is None else seed
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(3)
    participants = simulate_participants(n, rng=np.random.default_rng(streams[0]))
    tables = {
        "participants": participants,
        "questionnaire": simulate_questionnaire(
            participants, rng=np.random.default_rng(streams[1])
        ),
        "costs": simulate_costs(participants, rng=np.random.default_rng(streams[2])),
    }
    paths = {}
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        table.to_csv(
            path, index=False, date_format="%Y-%m-%d", lineterminator="\n", encoding="utf-8"
        )
        paths[name] = path
    return paths
