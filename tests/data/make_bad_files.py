# ruff: noqa: E501  (the fixed tables below are CSV text, one row a line)
"""Write the corpus of bad (and awkward but valid) files used by the tests in tests/data.

Each file starts from a few rows of a small, fixed participants (or questionnaire, or
costs) table written out below, and introduces one kind of problem that real exports
contain. The outputs are committed; rerun after changing this script and commit both:

    .venv/bin/python tests/data/make_bad_files.py

The script is self-contained (it does not read evaldata/), so regenerating the shipped
synthetic data never changes the corpus.
"""

import io
from pathlib import Path

import openpyxl
import pandas as pd

HERE = Path(__file__).resolve().parent

# The first rows of an earlier evaldata/participants.csv (synthetic people).
PARTICIPANTS_CSV = """\
participant_id,programme,site,intake_date,age,gender,migration_background,education,language_level,months_unemployed,single_parent,mentor_id,mentor_age,first_meeting_dropout,duo_completed,exit_type,exit_date,follow_up_end
P00001,Team4Job,Brussels,2019-01-02,35,male,EU,tertiary,B1,15,False,M0279,47,False,True,training,2019-07-09,2025-06-30
P00002,DUO for a JOB,Brussels,2019-01-02,19,male,non-EU,tertiary,B2,10,False,M0078,71,False,True,job_permanent,2019-01-14,2025-06-30
P00003,Team4Job,Brussels,2019-01-04,51,male,non-EU,upper secondary,A2,15,False,M0445,25,False,True,self_employed,2019-12-02,2025-06-30
P00004,DUO for a JOB,Antwerp,2019-01-05,20,female,non-EU,lower secondary,B1,9,False,M0162,50,True,False,job_temporary,2019-10-24,2025-06-30
P00005,Team4Job,Brussels,2019-01-06,46,male,non-EU,tertiary,C1,18,False,M0350,63,False,False,dropout,2021-10-11,2025-06-30
P00006,Team4Job,Brussels,2019-01-06,32,female,non-EU,upper secondary,B1,5,False,M0372,59,False,True,training,2020-03-07,2025-06-30
P00007,Team4Job,Brussels,2019-01-07,34,male,EU,tertiary,B2,26,False,M0447,55,True,False,job_temporary,2019-02-04,2025-06-30
P00008,DUO for a JOB,Ghent,2019-01-07,24,female,non-EU,upper secondary,B2,55,False,M0183,52,True,False,job_temporary,2019-04-03,2025-06-30
P00009,Team4Job,Brussels,2019-01-07,33,female,none,tertiary,C1,32,False,M0360,56,False,False,dropout,2019-03-03,2025-06-30
P00010,Team4Job,Brussels,2019-01-10,19,male,non-EU,tertiary,B2,3,False,M0408,51,False,True,job_permanent,2019-06-05,2025-06-30
P00011,Team4Job,Brussels,2019-01-11,37,female,non-EU,upper secondary,B2,36,True,M0393,40,False,True,job_permanent,2022-04-20,2025-06-30
P00012,Team4Job,Brussels,2019-01-13,28,male,none,upper secondary,C2,17,False,M0300,44,True,False,training,2019-06-04,2025-06-30
"""

QUESTIONNAIRE_CSV = """\
participant_id,wave,response_date,rse_01,rse_02,rse_03,rse_04,rse_05,rse_06,rse_07,rse_08,rse_09,rse_10
P00001,pre,2019-01-09,2,3,1,2,2,3,1,4,4,1
P00001,post,2019-08-03,2,3,2,3,2,3,2,3,2,2
P00002,pre,2019-01-09,3,2,1,3,3,2,1,4,3,1
P00003,pre,2019-01-14,3,3,2,2,3,2,1,2,2,3
P00004,pre,2019-01-19,1,4,1,2,3,3,2,3,4,1
P00005,pre,2019-01-09,4,2,4,4,1,2,4,1,1,3
P00006,pre,2019-01-12,2,3,3,4,1,3,2,2,1,2
P00006,post,2019-08-05,3,1,2,2,3,2,3,1,3,3
"""

COSTS_CSV = """\
programme,site,year,cost_item,amount_eur,duos_formed
DUO for a JOB,Antwerp,2019,mentor_training,1673.16,17
DUO for a JOB,Antwerp,2019,meeting_rooms,2900.93,17
DUO for a JOB,Antwerp,2019,coordinator_salaries,41250.00,17
DUO for a JOB,Antwerp,2019,overhead,5032.85,17
Team4Job,Ghent,2020,mentor_training,980.5,9
Team4Job,Ghent,2020,meeting_rooms,1200,9
"""


def _base(n: int = 12) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(PARTICIPANTS_CSV), dtype=str, nrows=n)


def _questionnaire(n: int = 8) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(QUESTIONNAIRE_CSV), dtype=str, nrows=n)


def _costs() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(COSTS_CSV), dtype=str)


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
    df.loc[5, "intake_date"] = "06/01/19"  # two-digit year is never guessed
    df.loc[6, "exit_date"] = "2019-02-30"  # no such day
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
    df.loc[3, "site"] = "   "  # blank is missing
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

    # --- added: numbers, duplicates with other problems, costs, typed files ---
    df = _base()
    df.loc[0, "age"] = "34,0"  # decimal comma: accepted
    df.loc[1, "age"] = "34.00"  # accepted
    df.loc[2, "months_unemployed"] = "1.000"  # thousands separator or decimal? rejected
    df.loc[3, "age"] = "3 4"
    df.loc[4, "age"] = "34.5"
    df.loc[5, "mentor_age"] = "fifty"
    df.to_csv(bad / "whole_numbers.csv", index=False)

    df = _base()
    df.loc[4, "participant_id"] = df.loc[0, "participant_id"]
    df.loc[4, "age"] = "-3"  # a duplicate with another problem: both rows still rejected
    df.to_csv(bad / "duplicate_ids_and_bad_age.csv", index=False)

    df = _base()
    df.insert(5, "AGE", df["age"])
    df.to_csv(bad / "duplicate_column.csv", index=False)

    c = _costs()
    c.loc[0, "amount_eur"] = "1,673"  # ambiguous
    c.loc[1, "amount_eur"] = "2.900,93"  # thousands separator
    c.loc[2, "amount_eur"] = "-5"
    c.loc[3, "year"] = "2031"
    c.loc[4, "cost_item"] = "catering"
    c.loc[5, "amount_eur"] = "1200,00"  # decimal comma: accepted
    c.loc[6] = c.loc[5]  # duplicate key
    c.to_csv(bad / "costs_problems.csv", index=False, sep=";")

    # Parquet with real dtypes: integers, booleans, dates, a missing integer.
    typed = _typed(_base())
    typed.to_parquet(good / "participants_typed.parquet", index=False)
    typed = typed.astype({"age": "Int64"})
    typed.loc[1, "age"] = -3
    typed.loc[2, "age"] = pd.NA
    typed.loc[3, "exit_date"] = typed.loc[3, "intake_date"] - pd.Timedelta(days=1)
    typed.to_parquet(bad / "typed_problems.parquet", index=False)
    (bad / "corrupt.parquet").write_bytes(b"PAR1 this is not a parquet file PAR1")
    (bad / "participants.xls").write_bytes(b"\xd0\xcf\x11\xe0 old Excel")

    # Excel with typed cells (dates, integers, booleans) and a blank row in the middle.
    _write_xlsx(good / "participants.xlsx", _typed(_base()))
    rows = _typed(_base())
    _write_xlsx(bad / "excel_blank_row.xlsx", rows, blank_after=3)
    _write_xlsx(bad / "header_not_on_row_1.xlsx", rows, leading_blank=True)
    write_identifier_files(bad)
    _write_line_files(bad, good)
    _write_typed_files(bad, good)
    _write_1904_files(bad, good)


def national_number(birth: str, serial: int) -> str:
    """A valid Belgian national register number, ``YY.MM.DD-XXX.CC``, for a birth date
    ``YYYY-MM-DD`` (check digits: 97 - number mod 97, with 2 prepended from 2000)."""
    year, month, day = birth.split("-")
    base = int(f"{year[2:]}{month}{day}{serial:03d}")
    check = 97 - ((2_000_000_000 + base) if year >= "2000" else base) % 97
    return f"{year[2:]}.{month}.{day}-{serial:03d}.{check:02d}"


def write_identifier_files(bad: Path) -> None:
    """Identifiers in values: columns found by content, ids that are not pseudonyms, a
    file without its header row, ids that differ only by case and spaces."""
    df = _base()
    df.insert(1, "Contact", [f"person{i}@example.org" for i in range(len(df))])
    phones = ["0470 12 34 56", "+32 2 123 45 67", "0032 9/234.56.78", "04/123.45.67"]
    df.insert(2, "Extra", phones * 3)
    births = [f"19{80 + i}-0{1 + i}-1{i}" for i in range(6)] + [f"200{i}-1{i % 3}-2{i}" for i in range(6)]
    df.insert(3, "Ref", [national_number(b, 11 + 2 * i) for i, b in enumerate(births)])
    df.to_csv(bad / "identifiers_by_content.csv", index=False)

    df = _base()
    df["participant_id"] = [f"person{i}@example.org" for i in range(len(df))]
    df.to_csv(bad / "ids_are_emails.csv", index=False)

    df = _base()
    df.loc[2, "participant_id"] = "someone@example.org"  # one id only: the row is rejected
    df.to_csv(bad / "id_is_an_email.csv", index=False)

    df = _base()
    df.loc[3, "participant_id"] = " " + df.loc[1, "participant_id"].lower() + " "
    df.to_csv(bad / "duplicate_ids_case.csv", index=False)

    _base().to_csv(bad / "no_header.csv", index=False, header=False)


def _write_line_files(bad: Path, good: Path) -> None:
    """CSV lines that do not split into the header's columns, quoted line breaks,
    trailing empty columns, implausible dates."""
    lines = _base().to_csv(index=False).splitlines()
    lines[2] = lines[2].replace("tertiary", "tertiary, general")  # line 3: 19 fields
    lines[4] = lines[4].rsplit(",", 1)[0]  # line 5: cut, 17 fields
    lines[6] = lines[6].replace(",59,", ",59,0,")  # line 7: mentor age "59,0" unquoted
    lines[8] += ",,"  # line 9: extra delimiters at the end: rejected too, never guessed
    lines[10] = lines[10].replace(",19,", ",150,")  # line 11: a bad age below them
    (bad / "extra_delimiters.csv").write_text("\n".join(lines) + "\n")

    df = _base()
    df["notes"] = ""
    df.loc[0, "notes"] = "first line\nsecond line, with a comma"  # lines 2-3
    df.loc[1, "notes"] = 'said "hello"; fine'  # escaped quotes
    df.loc[2, "education"] = "tertiary, general"  # quoted: a bad label, not a bad line
    df.loc[4, "notes"] = "one\ntwo\nthree"  # lines 7-9
    df.loc[5, "age"] = "150"  # line 10
    lines = df.to_csv(index=False).splitlines()  # lines[i] is line i + 1
    lines[10] = lines[10].replace(",34,", ",34,1,")  # line 11: 20 fields
    lines[12] = lines[12].replace(",Team4Job,", ',"Team4Job,')  # line 13: quote never closed
    (bad / "quoted_line_breaks.csv").write_text("\n".join(lines) + "\n")

    text = _base().to_csv(index=False, sep=";", lineterminator="\r\n")
    rows = text.splitlines()
    rows = [rows[0] + ";;;"] + [r + (";;;" if i % 2 else "") for i, r in enumerate(rows[1:])]
    (good / "trailing_empty_columns.csv").write_text("\r\n".join(rows) + "\r\n")

    df = _base()
    df.loc[0, "intake_date"] = "1989-12-31"  # before 1990
    df.loc[1, "exit_date"] = "30/12/1899"  # Excel's zero date
    df.loc[2, "exit_date"] = "00/01/1900"  # as Excel shows it
    df.loc[3, "exit_date"] = "1904-01-01"  # zero date of the 1904 system
    df.loc[4, "follow_up_end"] = "2099-06-30"  # after the extraction date
    df.loc[5, "intake_date"] = "2019-01-06T00:00:00+01:00"  # an offset: its own day, fine
    df.to_csv(bad / "dates_implausible.csv", index=False)


def _write_typed_files(bad: Path, good: Path) -> None:
    """Parquet with timezone-aware timestamps, whole floats, decimals, nested columns."""
    import decimal

    import pyarrow as pa

    typed = _typed(_base())
    typed["intake_date"] = typed["intake_date"].dt.tz_localize("Europe/Brussels")
    typed["exit_date"] = typed["exit_date"].dt.tz_localize("UTC")
    typed["follow_up_end"] = typed["follow_up_end"].dt.tz_localize("America/New_York")
    typed["age"] = typed["age"].astype("float64")
    typed["mentor_age"] = [decimal.Decimal(f"{v}.00") for v in typed["mentor_age"]]
    table = pa.Table.from_pandas(typed, preserve_index=False)
    assert pa.types.is_decimal(table.schema.field("mentor_age").type)
    _write_parquet(good / "participants_tz_floats_decimals.parquet", table)

    typed = typed.astype({"age": "float64"})
    typed.loc[1, "age"] = 24.5  # line 3
    typed.loc[2, "age"] = float("inf")  # line 4
    typed.loc[3, "age"] = float("nan")  # line 5: missing
    typed["mentor_age"] = typed["mentor_age"].astype(object)
    typed.loc[4, "mentor_age"] = decimal.Decimal("47.50")  # line 6
    typed.loc[5, "intake_date"] = pd.Timestamp("1985-03-01", tz="Europe/Brussels")  # line 7
    # line 8: 23:30 in New York is the next day in UTC: the day in its own zone counts
    typed.loc[6, "follow_up_end"] = pd.Timestamp("2025-06-30 23:30", tz="America/New_York")
    _write_parquet(bad / "typed_floats_decimals.parquet", pa.Table.from_pandas(typed))

    nested = pa.Table.from_pandas(_typed(_base()), preserve_index=False)
    mentors = pa.array([[m] for m in _base()["mentor_id"]], type=pa.list_(pa.string()))
    nested = nested.set_column(nested.schema.get_field_index("mentor_id"), "mentor_id", mentors)
    _write_parquet(bad / "nested_column.parquet", nested)

    costs = _costs()
    costs["amount_eur"] = [
        decimal.Decimal(v).quantize(decimal.Decimal("0.01")) for v in costs["amount_eur"]
    ]
    costs["year"] = costs["year"].astype("int32")
    costs["duos_formed"] = costs["duos_formed"].astype("float64")
    costs.loc[5, "duos_formed"] = 9.5  # line 7
    _write_parquet(bad / "costs_typed.parquet", pa.Table.from_pandas(costs, preserve_index=False))


def _write_parquet(path: Path, table) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path)


def _write_1904_files(bad: Path, good: Path) -> None:
    """Workbooks saved with Excel's 1904 date system: date cells, serial numbers, day 0."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    rows = _typed(_base()).astype(object)
    epoch = pd.Timestamp(CALENDAR_MAC_1904)
    # exit_date as plain serial numbers of the 1904 system (no date format)
    rows["exit_date"] = [(pd.Timestamp(d) - epoch).days for d in rows["exit_date"]]
    _write_xlsx(good / "participants_1904.xlsx", rows, epoch=CALENDAR_MAC_1904)

    rows.loc[1, "follow_up_end"] = 0  # line 3: day 0 with a date format: an empty date
    rows.loc[2, "intake_date"] = pd.Timestamp("1985-05-01")  # line 4: before 1990
    _write_xlsx(bad / "excel_1904_problems.xlsx", rows, epoch=CALENDAR_MAC_1904, zero_dates=True)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in ["age", "months_unemployed", "mentor_age"]:
        out[c] = out[c].astype("int64")
    for c in ["single_parent", "first_meeting_dropout", "duo_completed"]:
        out[c] = out[c].map({"True": True, "False": False}).astype(bool)
    for c in ["intake_date", "exit_date", "follow_up_end"]:
        out[c] = pd.to_datetime(out[c])
    out["programme"] = out["programme"].astype("category")
    return out


def _write_xlsx(
    path: Path,
    df: pd.DataFrame,
    *,
    blank_after=None,
    leading_blank=False,
    epoch=None,
    zero_dates=False,
):
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    sheet.title = "participants"
    if leading_blank:
        sheet.append(["Export of 2025-06-30"])
    sheet.append(list(df.columns))
    for i, row in enumerate(df.astype(object).itertuples(index=False)):
        sheet.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
        if blank_after is not None and i + 1 == blank_after:
            sheet.append([])
    if zero_dates:  # a 0 in a date column, formatted as a date: Excel's empty date
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                name = sheet.cell(1, cell.column).value
                if cell.value == 0 and name in {"intake_date", "exit_date", "follow_up_end"}:
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)


if __name__ == "__main__":
    write_all()
