"""Every word a report prints, in one catalogue per language.

A report never writes a user-facing string inline: headings, labels of table columns
and of coded values, captions' prefixes, footnotes, data notes and the front page all
come from :func:`text`, :func:`column_label` and :func:`value_label`. A translation is
one more mapping in :data:`CATALOGUES` with the same keys (``tests/reporting`` checks
that every language has every key).

Keys are dotted: ``report.*`` for the page, ``table.*`` for tables, ``notes.*`` for
data notes, ``column.<name>`` for the label of a tidy column, ``value.<code>`` for a
coded value (``job_permanent``, ``risk_difference``…). A column or value without an
entry is shown as it is (a programme's or a site's name is its own label).
"""

from __future__ import annotations

from collections.abc import Mapping

from evalkit._validation import check_one_of
from evalkit._warning_texts import NOTES
from evalkit.reporting import figure_texts, guess_texts, parts_texts, story_texts, translations

#: Catalogue modules of ``key: (en, fr, nl)`` texts (``warning.*``, ``rejected.*``: data notes).
_TEXTS = {**story_texts.TEXTS, **parts_texts.TEXTS, **guess_texts.TEXTS, **figure_texts.TEXTS,
          **NOTES}

__all__ = ["CATALOGUES", "LANGUAGES", "column_label", "text", "translate", "value_label"]

_REPORT = {
    "report.default_title": "Evaluation report",
    "report.contents": "Contents",
    "report.back": "Back to the contents",
    "report.part_page": "this part on its own page",
    "report.programmes": "Programme(s)",
    "report.period": "Period covered",
    "report.period_value": "intakes from {start} to {end}",
    "report.organisation": "Organisation",
    "report.fingerprint": "Data fingerprint (SHA-256)",
    "report.created": "Date",
    "report.version": "evalkit version",
    "report.parts": "Parts",
    "report.manifest": "Manifest (parameters, data fingerprints, versions, commit)",
    "report.footer": "Made with evalkit {version} on {date}.",
    "report.provenance": "Provenance",
    "report.parameter": "parameter",
    "report.data": "data",
    "report.commit": "git commit",
    "report.python": "Python",
    "report.threshold": "Counts of fewer than {threshold} people are not shown.",
    "rows.sentence": "{file}: {read} rows read, {rejected} rejected, {analysed} analysed.",
    "rows.unused": "{file}: {read} rows read, {rejected} rejected.",
    "rows.reasons": "Rejected rows of {file} by reason",
    "table.caption": "Table {number}.",
    "table.ci": "{level} CI",
    "table.footnote_primary": "{symbol}: fewer than {threshold} people; not shown to protect "
    "their privacy.",
    "table.footnote_secondary": "–: hidden so that a suppressed count cannot be worked out "
    "from a total, or not available.",
    "table.footnote_cut": "Rows after fewer than {threshold} people remained at risk are not "
    "shown.",
    "table.yes": "yes",
    "table.no": "no",
    "table.interval": "{low} to {high}",
    "notes.title": "Data notes",
    "notes.privacy": "Privacy",
    "notes.caveat": "Statistical caveat",
    "notes.repeated": "(noted {count} times)",
    "report.summary": "Summary",
    "report.skipped": "Parts not run",
    "report.funnel": "Participants, from the records read to the exits",
    "report.guessed": "Guessed by evalkit init (check them in the study file)",
    "report.guess": "guess",
    "finding.rate_job": "Within {horizon} months, {estimate} ({level} CI {ci}) of {group} "
    "participants found work.",
    "finding.rate_job_hidden": "Within {horizon} months, the share of {group} participants who "
    "found work is not shown (too few people).",
    "finding.rate_positive": "Within {horizon} months, {estimate} ({level} CI {ci}) of {group} "
    "participants had a positive exit (job, internship, training or studies).",
    "finding.rate_positive_hidden": "Within {horizon} months, the share of {group} participants "
    "with a positive exit is not shown (too few people).",
    "finding.difference": "At {horizon} months, the unadjusted difference in the share with a "
    "job ({contrast}) is {estimate} ({level} CI {ci}): {reading}",
    "finding.difference_adjusted": "At {horizon} months, the adjusted difference in the share "
    "with a job ({contrast}) is {estimate} ({level} CI {ci}): {reading}",
    "finding.effect": "Enrolling in {treated} rather than {comparison} changed the share with a "
    "job within {horizon} months by {estimate} ({level} CI {ci}; {method}): {reading}",
    "finding.change": "Among the {n} participants who answered both questionnaires, the mean "
    "{scale} score changed by {estimate} points ({level} CI {ci}) during the programme: "
    "{reading}",
    "finding.among": "In the population compared ({population}): {sentence}",
    "finding.estimate_item": "{name} {estimate} ({level} CI {ci})",
    "finding.estimates": "{what}: {items}; the largest and smallest estimates differ by "
    "{spread}.",
    "finding.excludes": "the interval rules out no difference.",
    "finding.includes": "the interval includes no difference, so the data cannot tell this "
    "apart from no difference.",
    "finding.excludes_change": "the interval rules out no change.",
    "finding.includes_change": "the interval includes no change, so the data cannot tell this "
    "apart from no change.",
    "finding.hidden": "This result is not shown: too few people.",
    "funnel.read": "Rows read",
    "funnel.rejected": "Rows rejected",
    "funnel.eligible": "Eligible",
    "funnel.first_meeting": "Came to the first meeting",
    "funnel.completed": "Completed the duo",
    "funnel.all": "All",
    "funnel.intention_to_treat": "everyone eligible (intention to treat)",
    "funnel.per_completer": "completed duos (per completer)",
    "funnel.stages": "Participants at each stage, by programme",
    "funnel.rates": "A job as first exit within the horizon: of everyone eligible and of the "
    "completed duos",
    "axis.months_since_intake": "months since intake",
    "axis.share_job": "share who found a job (proportion of participants)",
    "axis.cumulative_incidence": "share who left by each exit (proportion of participants)",
    "axis.smd": "|standardized mean difference| (programme minus comparison)",
    "axis.score": "score (scale points)",
    "finding.smd": "The programmes' participants differ most in {name} (standardized mean "
    "difference {smd}); {large} of {n} characteristics differ by more than 0.1.",
    "finding.icer": "Enrolling in {treated} rather than {comparison} costs {cost} more per "
    "participant ({level} CI {cost_ci}) and raises the share with a job within {horizon} "
    "months by {effect} ({level} CI {effect_ci}): each extra job costs {icer} ({level} CI "
    "{icer_ci} by the bootstrap, {fieller} by Fieller's method).",
    "finding.icer_unbounded": "Enrolling in {treated} rather than {comparison} costs {cost} "
    "more per participant ({level} CI {cost_ci}) and changes the share with a job within "
    "{horizon} months by {effect} ({level} CI {effect_ci}): the interval of the extra jobs "
    "includes no difference (or nearly), so the cost per extra job has no upper bound and is "
    "not given; the acceptability curve shows how likely the programme is to be worth a given "
    "price per extra job.",
    "finding.icer_dominant": "Enrolling in {treated} rather than {comparison} costs no more "
    "({cost} per participant, {level} CI {cost_ci}) and raises the share with a job "
    "within {horizon} months by {effect} ({level} CI {effect_ci}): {treated} dominates, so no "
    "cost per extra job is needed; for the jobs, {reading}",
    "finding.icer_dominated": "Enrolling in {treated} rather than {comparison} costs no less "
    "({cost} per participant, {level} CI {cost_ci}) and changes the share with a job "
    "within {horizon} months by {effect} ({level} CI {effect_ci}): {treated} is dominated, so no "
    "cost per extra job is meaningful; for the jobs, {reading}",
    "finding.icer_cheaper_fewer_jobs": "Enrolling in {treated} rather than {comparison} changes "
    "the cost per participant by {cost} ({level} CI {cost_ci}) and the share with a job "
    "within {horizon} months by {effect} ({level} CI {effect_ci}): it saves money but finds "
    "fewer jobs, so the ratio would be a saving per job lost, not a cost per extra job, and is "
    "not given; for the jobs, {reading}",
    "finding.icer_undefined": "Enrolling in {treated} rather than {comparison} changes the cost "
    "per participant by {cost} ({level} CI {cost_ci}) and finds exactly as many jobs "
    "within {horizon} months: the cost per extra job is undefined.",
    "finding.acceptability": "At {wtp} per extra job, {treated} is cost-effective in "
    "{share} of the bootstrap replicates; it is more likely than not from {half} per extra "
    "job.",
    "finding.acceptability_never": "At {wtp} per extra job, {treated} is cost-effective in "
    "{share} of the bootstrap replicates; at no price shown is it more likely than not.",
    "finding.sensitivity": "The cost per extra job ({base}) moves most with {parameter}: "
    "from {span}; {tail}",
    "finding.sensitivity_all": "every scenario gives a cost per extra job.",
    "finding.sensitivity_missing": "{n} scenario(s) give no cost per extra job (dominance or "
    "fewer jobs).",
    "finding.sensitivity_none": "The base case gives no cost per extra job (dominance, fewer "
    "jobs or too few people): the table says what each scenario gives.",
    "finding.plans": "For {power} power at the {alpha} level (two-sided), with this study's "
    "observed rates and clustering (design effect {deff}), the next evaluation would need: "
    "{items}.",
    "finding.plan_item": "{question}, {n} participants",
    "part.skipped": "This part is not run: {reason}",
    "part.stopped": "The rest of this part is not run: {reason}",
    "skip.no_costs": "the study has no costs (no costs file, and no total cost and number of "
    "duos formed). Add them to the study to see the cost per participant, per duo and per "
    "extra job.",
    "skip.missing_costs": "the costs do not cover every programme compared, so there is no "
    "cost per extra job. Give the total cost and the number of duos formed of each programme.",
    "axis.incremental_effect": "extra jobs per participant (adjusted risk difference)",
    "axis.incremental_cost": "extra cost per participant (EUR)",
    "axis.wtp": "willingness to pay per extra job (EUR)",
    "axis.probability_cost_effective": "probability that the programme is cost-effective",
    "axis.icer": "cost per extra job (EUR)",
    "axis.participants_needed": "participants needed (all groups)",
    "axis.power": "power (two-sided test)",
    "figure.attrition": "Mean change by treatment of attrition",
    "figure.replicates": "bootstrap replicates",
    "figure.estimate": "estimate",
    "figure.wtp_line": "{wtp} per extra job",
    "error.part_failed": "part {part} failed: {reason} (full traceback in {log})",
    "error.interrupted": "interrupted while running part {part}; the previous report, if "
    "any, is unchanged",
}

_COLUMNS = {
    "mean_treated_before": "Programme mean, before",
    "mean_treated_after": "Programme mean, after",
    "mean_comparison_before": "Comparison mean, before",
    "mean_comparison_after": "Comparison mean, after",
    "diff_before": "Difference before",
    "diff_after": "Difference after",
    "variance_ratio_before": "Variance ratio before",
    "variance_ratio_after": "Variance ratio after",
    "ecdf_mean_before": "eCDF mean difference before",
    "ecdf_mean_after": "eCDF mean difference after",
    "ecdf_max_before": "eCDF max difference before",
    "ecdf_max_after": "eCDF max difference after",
    "risk_ratio": "Risk ratio",
    "risk_ratio_low": "Risk ratio, lower limit",
    "risk_ratio_high": "Risk ratio, upper limit",
    "p_lower": "p (lower bound)",
    "auc_ci_low": "AUC, lower limit",
    "auc_ci_high": "AUC, upper limit",
    "log_odds_ratio": "Log odds ratio",
    "n_evaluations": "Evaluations",
    "ci_method": "Interval method",
    "n": "People",
    "percent": "Share",
    "share": "Share",
    "estimate": "Estimate",
    "std_error": "SE",
    "p_value": "p",
    "p_value_holm": "p (Holm)",
    "p_upper": "Upper bound of p",
    "statistic": "Statistic",
    "df": "df",
    "programme": "Programme",
    "group": "Group",
    "site": "Site",
    "cohort": "Intake year",
    "event": "First exit",
    "exit_type": "Exit",
    "cause": "Exit",
    "wave": "Questionnaire",
    "quantile": "Quantile",
    "horizon": "Months",
    "n_risk": "At risk",
    "n_risk_ci_high": "At risk (upper CI)",
    "n_risk_reference": "At risk (reference)",
    "note": "Note",
    "contrast": "Contrast",
    "measure": "Measure",
    "type": "Type",
    "term": "Term",
    "log_hr": "log HR",
    "transform": "Time scale",
    "status": "Status",
    "used": "Analysed",
    "variable": "Characteristic",
    "level": "Level",
    "min": "Min",
    "max": "Max",
    "n_outside": "Outside common support",
    "n_before": "Before trimming",
    "n_excluded": "Excluded",
    "n_after": "Kept",
    "n_kept": "Kept",
    "mean_kept": "Mean (kept)",
    "mean_excluded": "Mean (excluded)",
    "smd": "SMD",
    "smd_before": "SMD before",
    "smd_after": "SMD after",
    "sum_weights": "Sum of weights",
    "mean": "Mean",
    "sd": "SD",
    "effective_n": "Effective size",
    "n_truncated": "Weights truncated",
    "n_treated": "People (programme)",
    "n_comparison": "People (comparison)",
    "n_matched": "Matched",
    "n_unmatched": "Not matched",
    "n_controls_used": "Comparison people used",
    "caliper": "Caliper",
    "method": "Method",
    "estimand": "Estimand",
    "gamma": "Γ",
    "n_discordant": "Discordant pairs",
    "n_treated_better": "Pairs where the programme did better",
    "n_with": "People with",
    "n_without": "People without",
    "reference": "Reference",
    "kind": "Kind",
    "model": "Model",
    "metric": "Measure",
    "sd_repeats": "SD over repeats",
    "importance_mean": "Importance",
    "importance_sd": "SD",
    "predictor": "Characteristic",
    "value": "Value",
    "average_prediction": "Average prediction",
    "n_events": "With the outcome",
    "n_non_events": "Without the outcome",
    "n_scored": "Scored",
    "n_unscored": "Not scored",
    "n_items": "Items",
    "item": "Item",
    "item_total_r": "Item–total r",
    "alpha_if_deleted": "α if deleted",
    "category": "Category",
    "n_non_completers": "Non-completers",
    "n_completers": "Completers",
    "n_responded": "Responded",
    "standardized": "Standardized",
    "n_boot": "Bootstrap samples",
    "n_failed": "Failed samples",
    "rho": "ρ",
    "weights": "Weights",
    "e_value": "E-value",
    "e_value_ci": "E-value of the CI",
    "mean_treated": "Programme",
    "mean_comparison": "Comparison",
    "observed": "Observed",
    "predicted": "Predicted",
    "observed_minus_predicted": "Observed − predicted",
    "auc": "AUC",
    "brier": "Brier score",
    "column": "Column",
    "reason": "Reason",
    "rows": "Rows",
    "year": "Year",
    "amount_eur": "Amount (EUR)",
    "n_parameters": "Coefficients",
    "events_per_variable": "Events per coefficient",
    "n_read": "Read",
    "n_used": "Analysed",
    "age": "Age",
    "gender": "Gender",
    "migration_background": "Migration background",
    "education": "Education",
    "language_level": "Language level",
    "months_unemployed": "Months unemployed",
    "single_parent": "Single parent",
    "mentor_age": "Mentor's age",
    "score_pre": "Score before",
    "score_post": "Score after",
    "first_meeting_dropout": "Dropped out before the first meeting",
    "job_within_6_months": "Job within 6 months",
    "Intercept": "Intercept",
    "n_smaller": "People in the smaller group",
    "suppressed": "Suppressed",
    "z": "z",
    "rci_threshold": "Threshold (scale points)",
    "stage": "Stage",
    "self_confidence": "self-confidence",
    "population": "Of",
    "n_followed": "Followed for the horizon",
    "n_job": "With a job",
    "cost_item": "Cost item",
    "duos_formed": "Duos formed",
    "cost_per_duo": "Cost per duo formed (EUR)",
    "n_participants": "Participants",
    "n_duos_formed": "Duos formed",
    "n_duos_completed": "Duos completed",
    "n_jobs": "With a job",
    "n_jobs_completers": "With a job (completed duos)",
    "cost_eur": "Cost (EUR)",
    "cost_completers_eur": "Cost of the completed duos (EUR)",
    "cost_per_participant": "Per participant (EUR)",
    "cost_per_duo_formed": "Per duo formed (EUR)",
    "cost_per_duo_completed": "Per completed duo (EUR)",
    "cost_per_job": "Per job, intention to treat (EUR)",
    "cost_per_job_completer": "Per job, per completer (EUR)",
    "quantity": "Quantity",
    "interval": "Interval",
    "bounded": "Bounded",
    "parameter": "Changed",
    "scenario": "Scenario",
    "incremental_cost": "Extra cost per participant (EUR)",
    "incremental_effect": "Extra jobs per participant",
    "icer": "Cost per extra job (EUR)",
    "question": "Question",
    "design": "Design",
    "effect": "Effect planned",
    "effect_size": "Standardised effect",
    "alpha": "α",
    "power": "Power",
    "design_effect": "Design effect",
    "required": "Required",
    "n_total": "Participants in all",
    "icc": "ICC",
    "f_value": "F",
    "df_between": "df between",
    "df_within": "df within",
    "n_clusters": "Clusters",
    "mean_cluster_size": "Mean cluster size",
    "cluster_size": "Cluster size",
    "effective_fraction": "Information kept",
}

_VALUES = {
    "event": "outcome",
    "no_event": "no outcome",
    "excluded": "excluded (follow-up too short)",
    "job": "job",
    "job_permanent": "permanent job",
    "job_temporary": "temporary job",
    "self_employed": "self-employed",
    "training": "training or studies",
    "internship": "internship",
    "studies": "studies",
    "dropout": "drop-out",
    "censored": "still searching",
    "rmst": "restricted mean time searching",
    "rmtl": "restricted mean time lost",
    "difference": "difference",
    "ratio": "ratio",
    "risk_difference": "risk difference",
    "risk_ratio": "risk ratio",
    "naive": "unadjusted",
    "unadjusted": "unadjusted",
    "ipw": "weighted (IPW)",
    "aipw": "doubly robust (AIPW)",
    "matching": "matched pairs",
    "complete_case": "complete cases",
    "multiple_imputation": "multiple imputation",
    "logistic": "logistic regression",
    "gradient_boosting": "gradient boosting",
    "auc": "AUC",
    "auc_difference": "AUC difference",
    "calibration_slope": "calibration slope",
    "calibration_intercept": "calibration intercept",
    "brier": "Brier score",
    "improved": "improved",
    "unchanged": "unchanged",
    "deteriorated": "deteriorated",
    "pre": "before",
    "post": "after",
    "mean_pre": "mean before",
    "mean_post": "mean after",
    "mean_difference": "mean change",
    "d_z": "d_z",
    "d_av": "d_av",
    "g_av": "g_av",
    "wilcoxon": "Wilcoxon",
    "logrank": "log-rank",
    "km": "Kaplan–Meier",
    "cif_difference": "difference in cumulative incidence",
    "rmtl_difference": "difference in months in work",
    "derivative": "per unit",
    "contrast": "versus reference",
    "comparison": "comparison",
    "mentor_training": "mentor training",
    "meeting_rooms": "meeting rooms",
    "coordinator_salaries": "coordinators' salaries",
    "overhead": "overhead",
    "total": "total",
    "horizon": "horizon (months)",
    "low": "lower",
    "high": "higher",
    "incremental_cost": "extra cost per participant (EUR)",
    "incremental_effect": "extra jobs per participant",
    "icer": "cost per extra job (EUR)",
    "bootstrap": "bootstrap percentile",
    "fieller": "Fieller",
    "dominant": "dominant",
    "dominated": "dominated",
    "cheaper_fewer_jobs": "cheaper, fewer jobs",
    "undefined": "undefined",
    "two_proportions": "share with a job at the horizon",
    "hazard_ratio": "time to a job (hazard ratio)",
    "rmst_difference": "restricted mean months searching",
    "paired_change": "change of self-confidence (paired)",
    "arcsine": "arcsine (Cohen's h)",
    "pooled": "pooled normal",
    "schoenfeld": "Schoenfeld",
    "freedman": "Freedman",
    "paired_t": "paired t-test",
    "kaplan_meier": "Kaplan–Meier",
    "n_per_group": "participants per group",
    "events": "events",
    "n_pairs": "pairs",
}



def _translated(index: int) -> dict[str, str]:
    return {
        **{k: v[index] for k, v in translations.REPORT.items()},
        **{f"column.{k}": v[index] for k, v in translations.COLUMNS.items()},
        **{f"value.{k}": v[index] for k, v in translations.VALUES.items()},
        **{k: v[index + 1] for k, v in _TEXTS.items()},
        **{f"value.{k}": v[index + 1] for k, v in figure_texts.LEVELS.items()},
    }


#: Message catalogues: language code -> key -> text (``str.format`` fields in braces).
CATALOGUES: Mapping[str, Mapping[str, str]] = {
    "en": {
        **_REPORT,
        **{f"column.{k}": v for k, v in _COLUMNS.items()},
        **{f"value.{k}": v for k, v in _VALUES.items()},
        **{k: v[0] for k, v in _TEXTS.items()},
        **{f"value.{k}": v[0] for k, v in figure_texts.LEVELS.items()},
    },
    "fr": _translated(0),
    "nl": _translated(1),
}

#: Languages a report can be written in.
LANGUAGES = tuple(CATALOGUES)


def text(key: str, /, language: str = "en", **values: object) -> str:
    """The text of ``key`` in ``language``, with ``values`` filled in.

    Parameters
    ----------
    key : str
        A key of the catalogue (``"report.contents"``).
    language : str, default="en"
        One of :data:`LANGUAGES`.
    **values
        Fields of the text (``{threshold}``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``language`` is not one of :data:`LANGUAGES`.
    KeyError
        If ``key`` is not in the catalogue (a programming error, never the user's).

    Examples
    --------
    >>> text("table.caption", number=3)
    'Table 3.'
    """
    check_one_of(language, LANGUAGES, name="language")
    return CATALOGUES[language][key].format(**values)


def translate(message: str, language: str = "en") -> str:
    """An English caption or figure title in ``language`` (gettext-style; as it is if unknown).

    Examples
    --------
    >>> translate("Participants by programme", "fr")
    'Participants par programme'
    >>> translate("DUO for a JOB", "nl")
    'DUO for a JOB'
    """
    check_one_of(language, LANGUAGES, name="language")
    if language == "en" or message not in translations.MESSAGES:
        return message
    return translations.MESSAGES[message][LANGUAGES.index(language) - 1]


def column_label(column: object, language: str = "en") -> str:
    """The heading of a tidy column: its catalogue label, or the name as it is.

    Examples
    --------
    >>> column_label("n"), column_label("DUO for a JOB")
    ('People', 'DUO for a JOB')
    """
    check_one_of(language, LANGUAGES, name="language")
    return CATALOGUES[language].get(f"column.{column}", str(column))


def value_label(value: object, language: str = "en") -> str:
    """How a coded value is shown: its catalogue label, or the value as it is.

    A contrast ``"a - b"`` (a difference between two coded values, as cross-validation
    names its model comparisons) is shown as the labels of ``a`` and ``b``.

    Examples
    --------
    >>> value_label("job_permanent"), value_label("Brussels")
    ('permanent job', 'Brussels')
    >>> value_label("gradient_boosting - logistic", "fr")
    'gradient boosting − régression logistique'
    """
    check_one_of(language, LANGUAGES, name="language")
    if isinstance(value, bool):
        return CATALOGUES[language]["table.yes" if value else "table.no"]
    labels = CATALOGUES[language]
    if f"value.{value}" not in labels and isinstance(value, str) and value.count(" - ") == 1:
        first, second = value.split(" - ")
        if f"value.{first}" in labels and f"value.{second}" in labels:
            return f"{labels[f'value.{first}']} \u2212 {labels[f'value.{second}']}"
    return labels.get(f"value.{value}", str(value))
