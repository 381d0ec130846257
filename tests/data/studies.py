"""Three test studies, unlike the shipped data, written on demand (seeded, small).

- :func:`french_xlsx`: a French Excel export of a single-programme mentoring service
  with composite exits (CDI, CDD, formation, stage, études, abandon, en recherche), a
  first-name column (a direct identifier) and a free-text remarks column.
  With ``lean=True``, the same export without a programme column (the file is named
  after the programme) and without the mentor and duo columns.
- :func:`dutch_csv`: a Dutch semicolon CSV with two programmes (Nederlandse
  kolomnamen, Brussel/Gent, vrouw/man, day-first dates).
- :func:`questionnaire_study`: a single programme with a pre/post questionnaire on its
  own 12-item scale (answers 1 to 5, items 3, 7 and 11 reverse-keyed), in Parquet.

Each returns a :class:`TestStudy`: the files, and what loading them must give (rows
rejected, the guesses) and the personal values that must never appear in a message.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evalkit.data.schema import PARTICIPANTS

SEED = 20261203


@dataclass(frozen=True)
class TestStudy:
    """A test study's files and what loading them must give."""

    participants: Path
    questionnaire: Path | None = None
    n_participants: int = 0
    n_rejected: int = 0
    n_questionnaire: int = 0
    n_questionnaire_rejected: int = 0
    secrets: tuple[str, ...] = ()  # values that must never appear in a message
    expected: dict = field(default_factory=dict)


def _participants(rng: np.random.Generator, n: int, exits: dict[str, float]) -> pd.DataFrame:
    """Participants in evalkit's terms (the caller renames and relabels them)."""
    intake = pd.Timestamp("2021-01-04") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    dropout = rng.random(n) < 0.15
    exit_type = rng.choice(list(exits), size=n, p=np.array(list(exits.values())))
    months = rng.integers(1, 18, n)
    exit_date = intake + pd.to_timedelta(months * 30, unit="D")
    return pd.DataFrame({
        "participant_id": [f"TM{i:04d}" for i in range(1, n + 1)],
        "intake_date": intake,
        "age": rng.integers(18, 60, n),
        "gender": rng.choice(["female", "male"], n, p=[.7, .3]),
        "migration_background": rng.choice(["non-EU", "EU", "none"], n),
        "education": rng.choice(["primary", "lower secondary", "upper secondary", "tertiary"],
                                n),
        "language_level": rng.choice(["A1", "A2", "B1", "B2", "C1"], n),
        "months_unemployed": rng.integers(0, 60, n),
        "single_parent": rng.random(n) < 0.4,
        "mentor_id": [f"MT{k:03d}" for k in rng.integers(1, 40, n)],
        "mentor_age": rng.integers(25, 70, n),
        "first_meeting_dropout": dropout,
        "duo_completed": ~dropout & (rng.random(n) < 0.7),
        "exit_type": exit_type,
        "exit_date": exit_date.where(exit_type != "censored"),
        "follow_up_end": intake + pd.to_timedelta(700, unit="D"),
    })


def _export(frame: pd.DataFrame, names: dict[str, str], words: dict[str, dict],
            date_format: str | None = None) -> pd.DataFrame:
    """``frame`` as an export writes it: evalkit's columns renamed (``names``, in
    order), labels and booleans in the export's words, dates as text if a format is
    given."""
    out = frame.copy()
    for column, mapping in words.items():
        out[column] = out[column].map(lambda v, m=mapping: m.get(v, v))
    if date_format is not None:
        for column in ("intake_date", "exit_date", "follow_up_end"):
            out[column] = out[column].dt.strftime(date_format)
    return out[list(names)].rename(columns=names)


#: evalkit's participants' columns in French and Dutch (the packaged aliases' words).
FRENCH = dict(zip(PARTICIPANTS.names, (
    "Identifiant participant", "Dispositif", "Antenne", "Date d'entrée", "Âge", "Sexe",
    "Origine migratoire", "Niveau d'études", "Niveau de langue", "Mois de chômage",
    "Parent isolé", "Code mentor", "Âge du mentor", "Abandon au premier rendez-vous",
    "Parcours terminé", "Type de sortie", "Date de sortie", "Fin du suivi"), strict=True))
DUTCH = dict(zip(PARTICIPANTS.names, (
    "Deelnemer ID", "Programma", "Locatie", "Intakedatum", "Leeftijd", "Geslacht",
    "Migratieachtergrond", "Opleiding", "Taalniveau", "Maanden werkloos",
    "Alleenstaande ouder", "Mentorcode", "Leeftijd mentor", "Uitval eerste gesprek",
    "Traject afgerond", "Uitstroom", "Datum uitstroom", "Einde opvolging"), strict=True))
BOOLEANS = ("single_parent", "first_meeting_dropout", "duo_completed")


#: The columns the lean French export leaves out: the programme (a single-programme
#: service's export has none), the mentor and the duo.
LEAN_DROPPED = ("programme", "mentor_id", "mentor_age", "first_meeting_dropout",
                "duo_completed")


def french_xlsx(directory: Path, *, lean: bool = False) -> "TestStudy":
    """A French XLSX export: one programme, composite exits, 120 rows, 2 of them wrong;
    a first-name column and a free-text remarks column. ``lean``: without the columns
    of :data:`LEAN_DROPPED` (no programme column: the file is named after it)."""
    rng = np.random.default_rng(SEED)
    n = 120
    exits = {"CDI": "job_permanent", "CDD": "job_temporary", "formation": "training",
             "stage": "internship", "études": "studies", "abandon": "dropout",
             "en recherche": "censored"}
    frame = _participants(rng, n, dict(zip(exits.values(), (.15, .2, .15, .1, .05, .15, .2),
                                           strict=True)))
    frame = frame.assign(programme="Tremplin Mentorat",
                         site=rng.choice(["Bruxelles", "Namur", "Liège"], n))
    words = {
        "exit_type": {v: k for k, v in exits.items()},
        "gender": {"female": "femme", "male": "homme"},
        "migration_background": {"non-EU": "hors UE", "EU": "UE", "none": "aucune"},
        "education": {"primary": "primaire", "lower secondary": "secondaire inférieur",
                      "upper secondary": "secondaire supérieur", "tertiary": "supérieur"},
        **{column: {True: "oui", False: "non"} for column in BOOLEANS},
    }
    out = _export(frame, FRENCH, words)
    first_names = rng.choice(["Fatima", "Amina", "Nadia", "Sofia", "Leila"], n)
    out.insert(1, "Prénom", first_names)
    out["Remarques"] = [f"appelée le {d}/03, suivi par Mme Dupont" for d in rng.integers(1, 28, n)]
    out.loc[4, "Âge"] = 150  # outside 16-70: rejected
    out.loc[9, "Fin du suivi"] = out.loc[9, "Date d'entrée"] - pd.Timedelta(days=3)  # rejected
    if lean:
        out = out.drop(columns=[FRENCH[c] for c in LEAN_DROPPED])
    path = directory / ("export_tremplin_mentorat.xlsx" if lean else "export_tremplin.xlsx")
    out.to_excel(path, sheet_name="Participants", index=False)
    expected = {
        "programmes": ("Tremplin Mentorat",), "language": "fr",
        "job_exits": ("job_permanent", "job_temporary"),
        "positive_exits": ("job_permanent", "job_temporary", "internship", "training",
                           "studies"),
        "exit_types": ("job_permanent", "job_temporary", "internship", "training", "studies",
                       "dropout", "censored"),
    }
    secrets = (*frame["participant_id"], *first_names, "Dupont", *frame["mentor_id"])
    return TestStudy(path, n_participants=n, n_rejected=2, secrets=tuple(secrets),
                     expected=expected)


def dutch_csv(directory: Path) -> "TestStudy":
    """A Dutch CSV: two programmes (90 and 60 rows), Brussel/Gent, vrouw/man, day-first
    dates, one row with a gender label no alias maps."""
    rng = np.random.default_rng(SEED + 1)
    n = 150
    frame = _participants(rng, n, {"job_permanent": .2, "job_temporary": .2, "training": .15,
                                   "dropout": .2, "censored": .25})
    frame = frame.assign(participant_id=[f"W-{i:05d}" for i in range(1, n + 1)],
                         programme=["Werkmaatje"] * 90 + ["JobCoach Plus"] * 60,
                         site=rng.choice(["Brussel", "Gent"], n))
    words = {
        "exit_type": {"job_permanent": "vast contract", "job_temporary": "tijdelijk contract",
                      "training": "opleiding", "dropout": "uitval", "censored": "nog zoekend"},
        "gender": {"female": "vrouw", "male": "man"},
        "migration_background": {"non-EU": "niet-EU", "none": "geen"},
        "education": {"primary": "lager onderwijs", "lower secondary": "lager secundair",
                      "upper secondary": "hoger secundair", "tertiary": "hoger onderwijs"},
        **{column: {True: "ja", False: "nee"} for column in BOOLEANS},
    }
    out = _export(frame, DUTCH, words, date_format="%d/%m/%Y")
    out.loc[7, "Geslacht"] = "onbekend"  # no alias: rejected at load, named by init
    path = directory / "uitstroom.csv"
    out.to_csv(path, sep=";", index=False, encoding="utf-8")
    expected = {
        "programmes": ("Werkmaatje", "JobCoach Plus"), "reference": "Werkmaatje",
        "language": "nl", "job_exits": ("job_permanent", "job_temporary"),
        "positive_exits": ("job_permanent", "job_temporary", "training"),
        "sites": {"Brussels", "Ghent"}, "genders": {"female", "male"},
    }
    secrets = (*frame["participant_id"], *frame["mentor_id"])
    return TestStudy(path, n_participants=n, n_rejected=1, secrets=tuple(secrets),
                     expected=expected)


def questionnaire_study(directory: Path) -> "TestStudy":
    """One programme (80 participants, English names) and a pre/post questionnaire on a
    12-item scale from 1 to 5, items 3, 7 and 11 reverse-keyed (Parquet)."""
    rng = np.random.default_rng(SEED + 2)
    n = 80
    frame = _participants(rng, n, {"job": .4, "training": .2, "dropout": .1, "censored": .3})
    frame = frame.assign(programme="Feeling Better at Work", site="Leuven")
    names = dict(zip(PARTICIPANTS.names, (
        "Participant", "Program", "Location", "Start date", "Age", "Sex",
        "Migration background", "Education level", "Language level", "Months unemployed",
        "Single parent", "Mentor", "Mentor age", "First meeting dropout", "Duo completed",
        "Exit", "Exit date", "Follow-up end"), strict=True))
    words = {"gender": {"female": "F", "male": "M"},
             "exit_type": {"censored": "still searching"},
             **{column: {True: "yes", False: "no"} for column in BOOLEANS}}
    participants = _export(frame, names, words, date_format="%Y-%m-%d")
    participants_path = directory / "participants.csv"
    participants.to_csv(participants_path, index=False)
    answers = _answers(rng, frame, reversed_items=(3, 7, 11))
    questionnaire_path = directory / "questionnaire.parquet"
    answers.to_parquet(questionnaire_path, index=False)
    expected = {
        "items": tuple(f"q{i}" for i in range(1, 13)), "response": (1, 5),
        "reversed": ("q3", "q7", "q11"), "min_items": 10, "programmes":
        ("Feeling Better at Work",), "language": "en",
    }
    return TestStudy(participants_path, questionnaire_path, n_participants=n,
                     n_questionnaire=len(answers), n_questionnaire_rejected=1,
                     secrets=tuple(frame["participant_id"]), expected=expected)


def _answers(rng: np.random.Generator, frame: pd.DataFrame,
             reversed_items: tuple[int, ...]) -> pd.DataFrame:
    """Pre answers of everyone, post answers of two thirds, one orphan row (an id not in
    the participants file) and one item left blank."""
    rows = []
    trait = rng.normal(size=len(frame))
    for wave, shift, who in (("baseline", 0.0, np.ones(len(frame), bool)),
                             ("after", 0.4, rng.random(len(frame)) < 0.67)):
        for k in np.flatnonzero(who):
            date = frame["intake_date"].iloc[k] + pd.Timedelta(days=1 if shift == 0 else 200)
            row = {"Participant": frame["participant_id"].iloc[k], "Time point": wave,
                   "Date answered": date.strftime("%Y-%m-%d")}
            for item in range(1, 13):
                sign = -1.0 if item in reversed_items else 1.0
                value = 3 + sign * (trait[k] + shift) + rng.normal(scale=0.8)
                row[f"Q{item}"] = float(np.clip(np.round(value), 1, 5))
            rows.append(row)
    answers = pd.DataFrame(rows)
    answers.loc[3, "Q5"] = np.nan
    orphan = answers.iloc[[0]].assign(Participant="TM9999")
    return pd.concat([answers, orphan], ignore_index=True)
