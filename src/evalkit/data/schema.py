"""The data dictionary as code: the contract between the data files and the analyses.

Every column of the shipped tables is described once here. The loader
(:mod:`evalkit.data`) validates against it, the generator (:mod:`evalkit.data.synthetic`)
writes it, ``evaldata/README.md`` documents it (a test keeps the two in step), and
the predictors module uses ``known_at_intake`` to refuse post-intake columns.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CORE_COLUMNS",
    "COSTS",
    "COVARIATES",
    "DIRECT_IDENTIFIERS",
    "EXIT_GROUPS",
    "EXIT_TYPES",
    "IDENTIFIER_KINDS",
    "IDENTIFIER_NAMES",
    "IDENTIFIER_QUALIFIERS",
    "MISSING_MARKERS",
    "OPTIONAL_COLUMNS",
    "PARTICIPANTS",
    "PROGRAMMES",
    "QUESTIONNAIRE",
    "RSE_ITEMS",
    "RSE_REVERSED",
    "Column",
    "Table",
]

PROGRAMMES = ("DUO for a JOB", "Team4Job")
SITES = ("Brussels", "Antwerp", "Ghent", "Liège", "Mechelen")
GENDERS = ("female", "male", "x")
MIGRATION_BACKGROUNDS = ("non-EU", "EU", "none")
EDUCATION_LEVELS = ("primary", "lower secondary", "upper secondary", "tertiary")
LANGUAGE_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")

#: Exit types as recorded by the programmes. ``censored`` means still searching
#: at the end of follow-up (no exit observed).
EXIT_TYPES = (
    "job_permanent",
    "job_temporary",
    "self_employed",
    "training",
    "dropout",
    "censored",
)

#: The competing exits used by the survival analyses.
EXIT_GROUPS = {
    "job_permanent": "job",
    "job_temporary": "job",
    "self_employed": "job",
    "training": "training",
    "dropout": "dropout",
    "censored": "censored",
}

RSE_ITEMS = tuple(f"rse_{i:02d}" for i in range(1, 11))
#: Reverse-keyed items, as in Rosenberg's self-esteem scale (items 2, 5, 6, 8, 9).
RSE_REVERSED = ("rse_02", "rse_05", "rse_06", "rse_08", "rse_09")

#: Cell texts read as missing in every file format (compared after stripping spaces,
#: ignoring case), besides empty cells: the markers that databases, R, pandas and
#: Excel write for "no value". ("none" is not one: it is a migration background.)
MISSING_MARKERS = frozenset({"na", "n/a", "nan", "null", "#n/a"})

#: Participants' columns every analysis needs: a participants file without one is
#: refused (``programme`` may be left out of a single-programme file: its data model's
#: one programme is then every row's, see :meth:`evalkit.data.model.DataModel.optional_columns`).
CORE_COLUMNS = (
    "participant_id", "programme", "intake_date", "exit_type", "exit_date", "follow_up_end",
)
#: The participants' intake characteristics that describe and adjust (Table 1, the
#: comparison's propensity model and balance, the predictors, adjusted survival models).
COVARIATES = (
    "age", "gender", "migration_background", "education", "language_level",
    "months_unemployed", "single_parent",
)
_COVARIATE_USE = (
    "no such rows in Table 1, no such terms in the comparison's propensity model and "
    "balance, the adjusted survival models and the predictors"
)
#: Participants' columns a file may lack, and what is skipped without each. A file
#: without them loads (``LoadResult.missing_optional`` names them; nothing is filled in
#: for them) and :func:`evalkit.data.availability.available_parts` says which report
#: parts and steps run.
OPTIONAL_COLUMNS = {
    "site": "no breakdown by site, no log-rank test stratified by site, no eligibility rule "
    "on the site",
    **{column: _COVARIATE_USE for column in COVARIATES},
    "mentor_id": "no standard errors clustered by mentor (participants are taken as "
    "independent) and no intraclass correlation by mentor",
    "mentor_age": "no mentors' age in Table 1 and the balance table",
    "first_meeting_dropout": "the participant funnel skips its first-meeting and duo-formed "
    "steps; no cost per duo formed",
    "duo_completed": "the participant funnel skips its completed step (no per-completer "
    "rates); no cost per completed duo",
}

#: The kinds of direct identifier evalkit recognises, most specific first (when a column
#: name holds two, e.g. ``adresse e-mail``, the first kind listed here names it), with the
#: words used for them in messages.
IDENTIFIER_KINDS = {
    "national_number": "national register number",
    "email": "e-mail address",
    "phone": "phone number",
    "birth_date": "date of birth",
    "name": "person's name",
    "address": "postal address",
}

#: Column names of direct identifiers, by kind, in English, French and Dutch. They are
#: compared after folding accents and case and turning punctuation, spaces, ``_``, ``-``
#: and ``.`` into word breaks (:func:`evalkit.data.identifiers.normalised_name`); spaces
#: inside a phrase do not matter (``e-mail`` = ``email``, ``first name`` = ``firstname``),
#: number words (``number``, ``nummer``, ``numéro``, ``no``, ``nr``, ``n°``) are one word,
#: and ``of``/``de``/``van`` are left out. A column is an identifier when its whole name is
#: made of these phrases and :data:`IDENTIFIER_QUALIFIERS`, with at least one phrase:
#: ``email_address``, ``tel_gsm``, ``gsm-nummer``, ``participant e-mail``. A postcode, a
#: municipality or a year of birth alone is quasi-identifying, not direct: such columns
#: are not in this list (they are not in the dictionary either, so they are dropped at
#: load as unknown columns).
IDENTIFIER_NAMES = {
    "national_number": (
        "rijksregister",
        "rijksregisternummer",
        "insz",
        "insz nummer",
        "bis nummer",
        "national number",
        "national register",
        "national registry",
        "national register number",
        "social security number",
        "ssn",
        "rrn",
        "nrn",
        "numéro national",
        "registre national",
        "numéro de registre national",
        "niss",
        "sécurité sociale",
        "sociale zekerheid",
    ),
    "email": ("email", "mail", "courriel", "mailadres", "emailadres", "mél"),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "cellphone",
        "mobile",
        "fax",
        "telefoon",
        "telefoonnummer",
        "gsm",
        "mobiel",
        "portable",
        "téléphone",
    ),
    "birth_date": (
        "date of birth",
        "birth date",
        "birthdate",
        "birthday",
        "dob",
        "geboortedatum",
        "geboortedag",
        "date de naissance",
        "naissance",
    ),
    "name": (
        "name",
        "first name",
        "last name",
        "surname",
        "full name",
        "given name",
        "family name",
        "middle name",
        "maiden name",
        "naam",
        "voornaam",
        "achternaam",
        "familienaam",
        "roepnaam",
        "meisjesnaam",
        "nom",
        "prénom",
        "nom de famille",
        "nom complet",
    ),
    "address": (
        "address",
        "street",
        "house number",
        "adres",
        "straat",
        "straatnaam",
        "huisnummer",
        "adresse",
        "rue",
        "domicile",
    ),
}

#: Words that may stand beside an identifier phrase in a column name without changing
#: what it holds (``participant_email``, ``mentor name``, ``tel_prive``, ``email 2``);
#: alone they are no identifier (``participant_id`` is not one).
IDENTIFIER_QUALIFIERS = frozenset(
    {
        "number",
        "participant",
        "deelnemer",
        "client",
        "klant",
        "person",
        "persoon",
        "personne",
        "personal",
        "persoonlijk",
        "personnel",
        "private",
        "prive",
        "privee",
        "contact",
        "mentor",
        "coach",
        "parent",
        "home",
        "thuis",
        "woon",
        "work",
        "werk",
        "main",
        "primary",
        "secondary",
        "other",
        "alt",
        "post",
        "postal",
        "postale",
        "official",
        "officiel",
        "current",
        "huidig",
        "huidige",
        "actuel",
        "actuelle",
        "full",
        "complete",
        "volledig",
        "volledige",
        "1",
        "2",
        "3",
    }
)

#: Every phrase of :data:`IDENTIFIER_NAMES` (kept for code that used the former flat list;
#: the loader matches names with :func:`evalkit.data.identifiers.name_kind`).
DIRECT_IDENTIFIERS = frozenset(p for phrases in IDENTIFIER_NAMES.values() for p in phrases)


@dataclass(frozen=True)
class Column:
    """One column of a data table.

    Parameters
    ----------
    name : str
        Column name in the file (snake_case).
    kind : {"id", "category", "integer", "number", "boolean", "date"}
        Logical type after loading.
    description : str
        Meaning, for the data dictionary.
    allowed : tuple of str, optional
        Allowed values of a category.
    minimum, maximum : float, optional
        Inclusive range of a number.
    required : bool, default=True
        Whether a missing value rejects the row.
    known_at_intake : bool, default=True
        Whether the value is known when the participant enrols (may be a predictor).
    """

    name: str
    kind: str
    description: str
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True
    known_at_intake: bool = True


@dataclass(frozen=True)
class Table:
    """A table of the data dictionary: its columns and its key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(c.name for c in self.columns)

    def __getitem__(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}; columns are {self.names}")


PARTICIPANTS = Table(
    name="participants",
    key=("participant_id",),
    columns=(
        Column("participant_id", "id", "Pseudonymous participant id (P followed by 5 digits)."),
        Column("programme", "category", "Programme enrolled in.", allowed=PROGRAMMES),
        Column("site", "category", "Programme site (city).", allowed=SITES),
        Column("intake_date", "date", "Date of the intake interview (start of follow-up)."),
        Column("age", "integer", "Age in years at intake.", minimum=16, maximum=70),
        Column("gender", "category", "Gender as self-reported.", allowed=GENDERS),
        Column(
            "migration_background",
            "category",
            "Migration background (own or a parent's birth country).",
            allowed=MIGRATION_BACKGROUNDS,
        ),
        Column("education", "category", "Highest completed education.", allowed=EDUCATION_LEVELS),
        Column(
            "language_level",
            "category",
            "Level in the local language (CEFR) at intake.",
            allowed=LANGUAGE_LEVELS,
        ),
        Column(
            "months_unemployed",
            "integer",
            "Months of unemployment before intake.",
            minimum=0,
            maximum=240,
        ),
        Column("single_parent", "boolean", "Single parent at intake."),
        Column(
            "mentor_id",
            "id",
            "Pseudonymous id of the mentor proposed at matching (M followed by 4 digits).",
        ),
        Column(
            "mentor_age", "integer", "Mentor's age in years at matching.", minimum=18, maximum=85
        ),
        Column(
            "first_meeting_dropout",
            "boolean",
            "The participant dropped out at the first meeting: no duo was formed.",
            known_at_intake=False,
        ),
        Column(
            "duo_completed",
            "boolean",
            "The duo completed the 6-month programme (false when no duo was formed).",
            known_at_intake=False,
        ),
        Column(
            "exit_type",
            "category",
            "First exit from job search; 'censored' = still searching at follow-up end.",
            allowed=EXIT_TYPES,
            known_at_intake=False,
        ),
        Column(
            "exit_date",
            "date",
            "Date of the exit; empty when exit_type is 'censored'.",
            required=False,
            known_at_intake=False,
        ),
        Column(
            "follow_up_end",
            "date",
            "End of follow-up (date of the last status check).",
            known_at_intake=False,
        ),
    ),
)

QUESTIONNAIRE = Table(
    name="questionnaire",
    key=("participant_id", "wave"),
    columns=(
        Column("participant_id", "id", "Pseudonymous participant id (links to participants)."),
        Column(
            "wave",
            "category",
            "Pre (at intake) or post (end of programme).",
            allowed=("pre", "post"),
        ),
        Column("response_date", "date", "Date the questionnaire was filled in."),
        *(
            Column(
                item,
                "integer",
                "Self-confidence item, 1 = strongly disagree ... 4 = strongly agree"
                + (" (reverse-keyed)." if item in RSE_REVERSED else "."),
                minimum=1,
                maximum=4,
                required=False,
            )
            for item in RSE_ITEMS
        ),
    ),
)

COSTS = Table(
    name="costs",
    key=("programme", "site", "year", "cost_item"),
    columns=(
        Column("programme", "category", "Programme.", allowed=PROGRAMMES),
        Column("site", "category", "Programme site (city).", allowed=SITES),
        Column("year", "integer", "Calendar year.", minimum=2019, maximum=2024),
        Column(
            "cost_item",
            "category",
            "Cost item.",
            allowed=("mentor_training", "meeting_rooms", "coordinator_salaries", "overhead"),
        ),
        Column("amount_eur", "number", "Cost in euro (nominal).", minimum=0),
        Column("duos_formed", "integer", "Duos formed at the site that year.", minimum=0),
    ),
)
