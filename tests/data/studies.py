"""Three test studies, unlike the shipped data, written on demand (seeded, small).

- :func:`french_xlsx`: a French Excel export of a single-programme mentoring service
  with composite exits (CDI, CDD, formation, stage, études, abandon, en recherche), a
  first-name column (a direct identifier) and a free-text remarks column.
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
    follow_up = intake + pd.to_timedelta(700, unit="D")
    return pd.DataFrame({
        "participant_id": [f"TM{i:04d}" for i in range(1, n + 1)],
        "intake_date": intake,
        "age": rng.integers(18, 60, n),
        "language_level": rng.choice(["A1", "A2", "B1", "B2", "C1"], n),
        "months_unemployed": rng.integers(0, 60, n),
        "mentor_id": [f"MT{k:03d}" for k in rng.integers(1, 40, n)],
        "mentor_age": rng.integers(25, 70, n),
        "first_meeting_dropout": dropout,
        "duo_completed": ~dropout & (rng.random(n) < 0.7),
        "exit_type": exit_type,
        "exit_date": exit_date.where(exit_type != "censored"),
        "follow_up_end": follow_up,
    })


def french_xlsx(directory: Path) -> "TestStudy":
    """A French XLSX export: one programme, composite exits, 120 rows, 2 of them wrong."""
    rng = np.random.default_rng(SEED)
    n = 120
    labels = {"CDI": "job_permanent", "CDD": "job_temporary", "formation": "training",
              "stage": "internship", "études": "studies", "abandon": "dropout",
              "en recherche": "censored"}
    frame = _participants(rng, n, dict(zip(labels.values(), (.15, .2, .15, .1, .05, .15, .2),
                                           strict=True)))
    frame["exit_type"] = frame["exit_type"].map({v: k for k, v in labels.items()})
    yes_no = {True: "oui", False: "non"}
    first_names = rng.choice(["Fatima", "Amina", "Nadia", "Sofia", "Leila"], n)
    out = pd.DataFrame({
        "Identifiant participant": frame["participant_id"],
        "Prénom": first_names,
        "Dispositif": "Tremplin Mentorat",
        "Antenne": rng.choice(["Bruxelles", "Namur", "Liège"], n),
        "Date d'entrée": frame["intake_date"],
        "Âge": frame["age"],
        "Sexe": rng.choice(["femme", "homme"], n, p=[.8, .2]),
        "Origine migratoire": rng.choice(["hors UE", "UE", "aucune"], n),
        "Niveau d'études": rng.choice(["primaire", "secondaire inférieur",
                                       "secondaire supérieur", "supérieur"], n),
        "Niveau de langue": frame["language_level"],
        "Mois de chômage": frame["months_unemployed"],
        "Parent isolé": rng.choice(["oui", "non"], n),
        "Code mentor": frame["mentor_id"],
        "Âge du mentor": frame["mentor_age"],
        "Abandon au premier rendez-vous": frame["first_meeting_dropout"].map(yes_no),
        "Parcours terminé": frame["duo_completed"].map(yes_no),
        "Type de sortie": frame["exit_type"],
        "Date de sortie": frame["exit_date"],
        "Fin du suivi": frame["follow_up_end"],
        "Remarques": [f"appelée le {d}/03, suivi par Mme Dupont" for d in rng.integers(1, 28, n)],
    })
    out.loc[4, "Âge"] = 150  # outside 16-70: rejected
    out.loc[9, "Fin du suivi"] = out.loc[9, "Date d'entrée"] - pd.Timedelta(days=3)  # rejected
    path = directory / "export_tremplin.xlsx"
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
    """A Dutch CSV: two programmes (90 and 60 rows), Brussel/Gent, vrouw/man, one row
    with a gender label no alias maps."""
    rng = np.random.default_rng(SEED + 1)
    n = 150
    exits = {"vast contract": .2, "tijdelijk contract": .2, "opleiding": .15, "uitval": .2,
             "nog zoekend": .25}
    frame = _participants(rng, n, {k: v for k, v in exits.items()})
    frame["exit_date"] = frame["exit_date"].where(frame["exit_type"] != "nog zoekend")
    yes_no = {True: "ja", False: "nee"}
    out = pd.DataFrame({
        "Deelnemer ID": [f"W-{i:05d}" for i in range(1, n + 1)],
        "Programma": ["Werkmaatje"] * 90 + ["JobCoach Plus"] * 60,
        "Locatie": rng.choice(["Brussel", "Gent"], n),
        "Intakedatum": frame["intake_date"].dt.strftime("%d/%m/%Y"),
        "Leeftijd": frame["age"],
        "Geslacht": rng.choice(["vrouw", "man"], n),
        "Migratieachtergrond": rng.choice(["niet-EU", "EU", "geen"], n),
        "Opleiding": rng.choice(["lager onderwijs", "lager secundair", "hoger secundair",
                                 "hoger onderwijs"], n),
        "Taalniveau": frame["language_level"],
        "Maanden werkloos": frame["months_unemployed"],
        "Alleenstaande ouder": rng.choice(["ja", "nee"], n),
        "Mentorcode": frame["mentor_id"],
        "Leeftijd mentor": frame["mentor_age"],
        "Uitval eerste gesprek": frame["first_meeting_dropout"].map(yes_no),
        "Traject afgerond": frame["duo_completed"].map(yes_no),
        "Uitstroom": frame["exit_type"],
        "Datum uitstroom": frame["exit_date"].dt.strftime("%d/%m/%Y"),
        "Einde opvolging": frame["follow_up_end"].dt.strftime("%d/%m/%Y"),
    })
    out.loc[7, "Geslacht"] = "onbekend"  # no alias: rejected at load, named by init
    path = directory / "uitstroom.csv"
    out.to_csv(path, sep=";", index=False, encoding="utf-8")
    expected = {
        "programmes": ("Werkmaatje", "JobCoach Plus"), "reference": "Werkmaatje",
        "language": "nl", "job_exits": ("job_permanent", "job_temporary"),
        "positive_exits": ("job_permanent", "job_temporary", "training"),
        "sites": {"Brussels", "Ghent"}, "genders": {"female", "male"},
    }
    secrets = (*out["Deelnemer ID"], *frame["mentor_id"])
    return TestStudy(path, n_participants=n, n_rejected=1, secrets=tuple(secrets),
                     expected=expected)


def questionnaire_study(directory: Path) -> "TestStudy":
    """One programme (80 participants, English names) and a pre/post questionnaire on a
    12-item scale from 1 to 5, items 3, 7 and 11 reverse-keyed (Parquet)."""
    rng = np.random.default_rng(SEED + 2)
    n = 80
    frame = _participants(rng, n, {"job": .4, "training": .2, "dropout": .1, "censored": .3})
    yes_no = {True: "yes", False: "no"}
    participants = pd.DataFrame({
        "Participant": frame["participant_id"], "Program": "Feeling Better at Work",
        "Location": "Leuven", "Start date": frame["intake_date"].dt.strftime("%Y-%m-%d"),
        "Age": frame["age"], "Sex": rng.choice(["F", "M"], n),
        "Migration background": rng.choice(["non-EU", "EU", "none"], n),
        "Education level": rng.choice(["primary", "tertiary"], n),
        "Language level": frame["language_level"],
        "Months unemployed": frame["months_unemployed"],
        "Single parent": rng.choice(["yes", "no"], n), "Mentor": frame["mentor_id"],
        "Mentor age": frame["mentor_age"],
        "First meeting dropout": frame["first_meeting_dropout"].map(yes_no),
        "Duo completed": frame["duo_completed"].map(yes_no),
        "Exit": frame["exit_type"].replace({"censored": "still searching"}),
        "Exit date": frame["exit_date"].dt.strftime("%Y-%m-%d"),
        "Follow-up end": frame["follow_up_end"].dt.strftime("%Y-%m-%d"),
    })
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
