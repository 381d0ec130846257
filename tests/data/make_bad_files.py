"""Write the corpus of bad (and awkward but valid) files used by tests/test_data.py.

Each file starts from a few rows of the shipped participants or questionnaire and
introduces one kind of problem that real exports contain. Run from the project root:

    .venv/bin/python tests/data/make_bad_files.py
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _base(n: int = 12) -> pd.DataFrame:
    return pd.read_csv(ROOT / "evaldata" / "participants.csv", dtype=str, nrows=n)


def _questionnaire(n: int = 8) -> pd.DataFrame:
    return pd.read_csv(ROOT / "evaldata" / "questionnaire.csv", dtype=str, nrows=n)


def write_all() -> None:
    bad, good = HERE / "bad", HERE / "good"
    bad.mkdir(exist_ok=True)
    good.mkdir(exist_ok=True)

    base = _base()
    base.to_csv(good / "participants.csv", index=False)
    base.to_parquet(good / "participants.parquet", index=False)
    base.to_csv(good / "participants_semicolon.csv", index=False, sep=";")
    _questionnaire().to_csv(good / "questionnaire.csv", index=False)

    df = _base()
    for i, fmt in enumerate(["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d 00:00:00"]):
        df.loc[i, "intake_date"] = pd.Timestamp(df.loc[i, "intake_date"]).strftime(fmt)
    df.to_csv(good / "dates_several_formats.csv", index=False)

    df = _base()
    df.loc[4, "programme"] = "  " + df.loc[4, "programme"].upper() + " "
    df.loc[5, "site"] = df.loc[5, "site"].lower() + "  "
    df.loc[6, "participant_id"] = " " + df.loc[6, "participant_id"] + "  "
    df.loc[7, "age"] = " 24 "
    df.to_csv(good / "trailing_spaces.csv", index=False)

    df = _base()
    for i, (t, f) in enumerate(
        [("ja", "nee"), ("oui", "non"), ("yes", "no"), ("1", "0"), ("TRUE", "False")]
    ):
        df.loc[i, "single_parent"] = t
        df.loc[i, "first_meeting_dropout"] = f
    df.to_csv(good / "boolean_variants.csv", index=False)

    # --- row-level problems: (file, rows broken) ---
    df = _base()
    df.loc[2, "intake_date"] = "2021-13-45"
    df.loc[3, "intake_date"] = "March 3rd 2021"
    df.loc[4, "exit_date"] = "03/15/2021"  # month-first is never guessed
    df.to_csv(bad / "dates_unparseable.csv", index=False)

    df = _base()
    row = df.index[df.exit_type != "censored"][0]
    df.loc[row, "exit_date"] = "2018-01-01"
    df.to_csv(bad / "exit_before_intake.csv", index=False)

    df = _base()
    row = df.index[df.exit_type != "censored"][0]
    df.loc[row, "exit_date"] = "2026-01-01"
    df.to_csv(bad / "exit_after_follow_up.csv", index=False)

    df = _base()
    row = df.index[df.exit_type != "censored"][0]
    df.loc[row, "exit_type"] = "censored"
    other = df.index[df.exit_type != "censored"][1]
    df.loc[other, "exit_date"] = ""
    df.to_csv(bad / "exit_date_inconsistent.csv", index=False)

    df = _base()
    df.loc[1, "age"] = "-3"
    df.loc[2, "age"] = "150"
    df.loc[3, "months_unemployed"] = "-1"
    df.to_csv(bad / "impossible_ages.csv", index=False)

    df = _base()
    df.loc[1, "programme"] = "Duo4Job"
    df.loc[2, "programme"] = "Team 4 Job"
    df.loc[3, "exit_type"] = "job"
    df.to_csv(bad / "unknown_labels.csv", index=False)

    df = _base()
    df.loc[5, "participant_id"] = df.loc[1, "participant_id"]
    df.loc[9, "participant_id"] = df.loc[1, "participant_id"]
    df.to_csv(bad / "duplicate_ids.csv", index=False)

    df = _base()
    text = df.to_csv(index=False).splitlines()
    text.insert(4, "")
    text.insert(8, "," * (df.shape[1] - 1))
    (bad / "empty_rows.csv").write_text("\n".join(text) + "\n")

    df = _base()
    df.loc[1, "single_parent"] = "maybe"
    df.loc[2, "duo_completed"] = "True"
    df.loc[2, "first_meeting_dropout"] = "True"
    df.to_csv(bad / "booleans.csv", index=False)

    df = _base()
    df.loc[1, "gender"] = ""
    df.loc[2, "mentor_id"] = ""
    df.to_csv(bad / "missing_values.csv", index=False)

    df = _base()
    df.insert(1, "Name", "Someone Example")
    df.insert(2, "E-mail", "someone@example.org")
    df.insert(3, "Rijksregisternummer", "85.07.30-033.61")
    df.to_csv(bad / "identifiers.csv", index=False)

    df = _base()
    df["Notes"] = "free text"
    df.columns = [c.replace("_", " ").title() if c == "intake_date" else c for c in df.columns]
    df.to_csv(bad / "extra_column_and_name_variant.csv", index=False)

    df = _base().drop(columns=["programme", "exit_type"])
    df.to_csv(bad / "missing_columns.csv", index=False)

    (bad / "empty.csv").write_text("")
    _base(0).to_csv(bad / "header_only.csv", index=False)
    (bad / "corrupt.xlsx").write_bytes(b"this is not a zip archive")
    (bad / "participants.json").write_text("{}")
    (bad / "not_utf8.csv").write_bytes(
        _base(3).replace({"Brussels": "Liège"}).to_csv(index=False).encode("cp1252")
    )

    # Excel: numbers as text, real date cells, serial numbers, two sheets.
    df = _base().astype(object)
    df.loc[0, "age"] = "34"
    df.loc[1, "age"] = "34.0"
    df.loc[2, "age"] = "3 4"
    df.loc[3, "age"] = 25.0
    df.loc[4, "intake_date"] = pd.Timestamp(df.loc[4, "intake_date"])
    df.loc[5, "intake_date"] = float(
        (pd.Timestamp(df.loc[5, "intake_date"]) - pd.Timestamp("1899-12-30")).days
    )
    df.loc[6, "age"] = 24.5
    with pd.ExcelWriter(bad / "excel_export.xlsx") as writer:
        pd.DataFrame({"note": ["export of 2025-06-30"]}).to_excel(
            writer, sheet_name="info", index=False
        )
        df.to_excel(writer, sheet_name="participants", index=False)

    q = _questionnaire()
    q.loc[1, "rse_03"] = "5"
    q.loc[2, "rse_04"] = "x"
    q.loc[3, "wave"] = "middle"
    q.loc[6] = q.loc[0]
    q.loc[7, "participant_id"] = "P99999"
    q.to_csv(bad / "questionnaire_problems.csv", index=False)


if __name__ == "__main__":
    write_all()
