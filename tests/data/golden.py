"""Fixed expected outputs of the loader: what loading each test file gives, fingerprinted.

``tests/data/expected/loads.json`` holds, for every file of ``tests/data/good``,
``tests/data/bad`` and ``evaldata`` and for the messy files written by
:func:`write_messy` (seeded), the whole outcome of loading it: the ``rejected`` table
entry by entry, ``n_read``, the dtypes, categories and a SHA-256 of the valid rows, the
mapped columns and labels, dropped columns, eligibility and the warnings, or the
``DataError`` message. ``test_loading_golden.py`` compares the loader with it, so a
faster loader must give the same ``LoadResult``.

The file was written by the loader before the vectorised reading and parsing of issue
18 (main at 41048d8, optional columns included); ``python -m tests.data.golden``
rewrites it: only on purpose, when a change of behaviour is intended.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit import DataError
from evalkit.data import guess_table, load_table
from evalkit.data.synthetic import simulate_participants
from tests.data.corpus import BAD, EVALDATA, GOOD, ROOT

EXPECTED = Path(__file__).resolve().parent / "expected" / "loads.json"
EXTRACTION = "2026-01-01"
# Files whose table cannot be guessed from the header, or a sheet to pick.
TABLES = {"excel_export.xlsx": ("participants", "participants")}
_SHOWN = 30  # rejected entries stored in full; longer tables also by digest


def corpus_files() -> list[Path]:
    """The test files: the corpus, the valid examples and the shipped data."""
    files = [*sorted(BAD.iterdir()), *sorted(GOOD.iterdir()), *sorted(EVALDATA.glob("*.csv"))]
    return [p for p in files if p.is_file()]


def _frame_digest(data: pd.DataFrame) -> str:
    """SHA-256 of a frame's values, column by column (dates as nanoseconds, NA as None)."""
    digest = hashlib.sha256()
    for name in data.columns:
        column = data[name]
        digest.update(f"{name}:{column.dtype}".encode())
        values = column.astype(object).where(column.notna(), None).tolist()
        values = [v.value if isinstance(v, pd.Timestamp) else v for v in values]
        values = [float(v) if isinstance(v, np.floating) else v for v in values]
        values = [int(v) if isinstance(v, np.integer) else v for v in values]
        digest.update(json.dumps(values, default=repr).encode())
    return digest.hexdigest()


def _records(frame: pd.DataFrame | None) -> list | None:
    if frame is None:
        return None
    out = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    return [[int(v) if isinstance(v, np.integer) else v for v in row] for row in out]


def fingerprint(path: Path | None, table: str, sheet: str | None = None, **kw) -> dict:
    """The outcome of loading ``path`` as ``table``, as JSON-able values."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = load_table(path, table, sheet=sheet, extraction_date=EXTRACTION, **kw)
        except DataError as exc:
            return {"table": table, "error": str(exc).replace(str(ROOT), "<root>")}
    data = result.data
    rejected = _records(result.rejected)
    return {
        "table": table,
        "n_read": result.n_read,
        "n_valid": result.n_valid,
        "n_rejected": result.n_rejected,
        # long tables by digest, with their first entries to show what differs
        "rejected": rejected if len(rejected) <= _SHOWN else rejected[:_SHOWN],
        "rejected_digest": hashlib.sha256(json.dumps(rejected).encode()).hexdigest(),
        "rejected_dtypes": [str(t) for t in result.rejected.dtypes],
        "columns": list(data.columns),
        "dtypes": [str(t) for t in data.dtypes],
        "categories": {
            c: [str(v) for v in data[c].cat.categories] for c in data if data[c].dtype == "category"
        },
        "data": _frame_digest(data),
        "index": [int(data.index.start), int(data.index.stop)]
        if isinstance(data.index, pd.RangeIndex) else "not a RangeIndex",
        "dropped_identifiers": list(result.dropped_identifiers),
        "dropped_columns": list(result.dropped_columns),
        "identifier_columns": [repr(i) for i in result.identifier_columns],
        "mapped_columns": _records(result.mapped_columns),
        "mapped_labels": _records(result.mapped_labels),
        "mapped_labels_dtypes": [str(t) for t in result.mapped_labels.dtypes],
        "eligibility": _records(result.eligibility.table) if result.eligibility else None,
        "warnings": [
            f"{w.category.__name__}: {w.message}".replace(str(ROOT), "<root>") for w in caught
        ],
    }


def _table_of(path: Path) -> tuple[str, str | None]:
    if path.name in TABLES:
        return TABLES[path.name]
    try:
        return guess_table(path), None
    except DataError:
        return "participants", None


def write_messy(folder: Path, n: int = 3000) -> dict[str, Path]:
    """Seeded participants files with every kind of problem mixed in, written as a plain
    CSV, a quoted CSV, a typed Parquet and a Parquet of text."""
    rng = np.random.default_rng(18)
    typed = simulate_participants(n, rng=18)
    text = typed.astype(object).astype(str)
    for c in ("intake_date", "exit_date", "follow_up_end"):
        text[c] = typed[c].dt.strftime("%Y-%m-%d").where(typed[c].notna(), "")

    def spoil(column: str, values: list[str], share: float = 0.02) -> None:
        rows = np.flatnonzero(rng.random(n) < share)
        text.loc[rows, column] = rng.choice(values, size=len(rows))

    spoil("participant_id", ["a@b.be", " p00007 ", "P00011", "0470 12 34 56", "Jan Peeters", ""])
    spoil("programme", [" duo for a job ", "team4job", "Team 4 Job", "Duo4Job", "NA", ""])
    spoil("site", ["Bruxelles", "Brussel", "gent", "Liege", "Nowhere", " antwerp ", "n/a"])
    spoil("intake_date", ["15/03/2021", "15-03-2021", "15.03.2021", "03/15/2021", "2021-02-30",
                          "1985-01-01", "30/12/1899", "44271", "2021-03-15T09:30:00", "21-3-15",
                          "15/03/2021 00:00", "2099-01-01", ""])
    spoil("exit_date", ["2021-01-01", "", "NULL", "00/01/1900", "2021-13-01"])
    spoil("age", ["34.0", "34,0", "34.00", "1.000", "3 4", "34.5", "150", "-3", "", "fifty"])
    spoil("months_unemployed", ["12", "12.0", "300", "", "#N/A"])
    spoil("gender", ["vrouw", "femme", "F", "MALE", "", "x"])
    spoil("single_parent", ["ja", "nee", "oui", "non", "Y", "1", "0", "maybe", ""])
    spoil("duo_completed", ["True", "yes", "waar", "onwaar", "vrai", "faux"])
    spoil("exit_type", ["CDI", "stage", "job-permanent", "still searching", "censored", "?"])
    spoil("mentor_age", ["50", "50.0", "", "NaN", "999"])
    spoil("mentor_id", ["", "M0001", "m0001 ", "someone@example.org"])
    empty = np.flatnonzero(rng.random(n) < 0.005)
    text.loc[empty, :] = ""
    files = {"messy_plain.csv": folder / "messy_plain.csv",
             "messy_quoted.csv": folder / "messy_quoted.csv",
             "messy_text.parquet": folder / "messy_text.parquet",
             "messy_typed.parquet": folder / "messy_typed.parquet"}
    text.to_csv(files["messy_plain.csv"], index=False)
    text.to_csv(files["messy_quoted.csv"], index=False, sep=";", quoting=1)
    text.replace({"": None}).to_parquet(files["messy_text.parquet"], index=False)
    spoilt = typed.copy()
    spoilt["age"] = spoilt["age"].astype("float64")
    spoilt.loc[rng.random(n) < 0.02, "age"] = np.nan
    spoilt.loc[rng.random(n) < 0.01, "age"] = 24.5
    spoilt.loc[rng.random(n) < 0.01, "age"] = np.inf
    spoilt.loc[rng.random(n) < 0.02, "participant_id"] = "P00042"
    spoilt.loc[rng.random(n) < 0.01, "exit_date"] = pd.Timestamp("1899-12-30")
    spoilt.loc[rng.random(n) < 0.01, "intake_date"] = pd.Timestamp("1985-06-01")
    spoilt.loc[rng.random(n) < 0.02, "gender"] = None
    spoilt["intake_date"] = spoilt["intake_date"].dt.tz_localize("Europe/Brussels")
    spoilt.to_parquet(files["messy_typed.parquet"], index=False)
    return files


def all_fingerprints(folder: Path) -> dict[str, dict]:
    """The fingerprints of every test file and of the messy files (written to ``folder``)."""
    out = {}
    for path in corpus_files():
        table, sheet = _table_of(path)
        out[f"{path.parent.name}/{path.name}"] = fingerprint(path, table, sheet)
    for name, path in write_messy(folder).items():
        out[f"messy/{name}"] = fingerprint(path, "participants")
    out.update(_with_models(folder))
    return out


def _with_models(folder: Path) -> dict[str, dict]:
    """Loads with a study's data model: eligibility rules, the three test studies'
    drafted models (aliases, open sites, own exits and scale), orphans."""
    from dataclasses import replace

    from evalkit.data import DataModel
    from evalkit.data.draft import init_study
    from evalkit.data.eligibility import EligibilityRule
    from tests.data.studies import dutch_csv, french_xlsx, questionnaire_study

    rules = (EligibilityRule("age", "DUO for a JOB", minimum=18, maximum=33),
             EligibilityRule("single_parent", values=(True,)))
    model = replace(DataModel.shipped(), eligibility=rules)
    participants = EVALDATA / "participants.csv"
    out = {"model/eligibility": fingerprint(participants, "participants", model=model)}
    known = load_table(participants, "participants", extraction_date=EXTRACTION).data
    out["model/orphans"] = fingerprint(
        EVALDATA / "questionnaire.csv", "questionnaire",
        participant_ids=known["participant_id"].iloc[::2],
    )
    for name, make in {"french": french_xlsx, "dutch": dutch_csv,
                       "questionnaire": questionnaire_study}.items():
        (folder / name).mkdir()
        study = make(folder / name)
        sheet = "Participants" if name == "french" else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            drafted = init_study(study.participants, questionnaire=study.questionnaire,
                                 sheet=sheet).study.model
        out[f"model/{name}"] = fingerprint(study.participants, "participants", sheet,
                                           model=drafted)
        if study.questionnaire is not None:
            out[f"model/{name}_questionnaire"] = fingerprint(
                study.questionnaire, "questionnaire", model=drafted
            )
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = all_fingerprints(Path(tmp))
    EXPECTED.parent.mkdir(exist_ok=True)
    EXPECTED.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(found)} fingerprints to {EXPECTED}")
