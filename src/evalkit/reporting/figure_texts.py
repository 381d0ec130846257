"""The words evalkit's figures draw (legends, axis labels, the at-risk row): ``key: (en, fr, nl)``.

Merged into the report catalogue (:mod:`evalkit.reporting.catalogue`); the same
``str.format`` fields in every language. A result's ``plot(..., language=)`` takes its
words from here through :func:`~evalkit.reporting.catalogue.text`, and coded values
(exits, methods, measures) through :func:`~evalkit.reporting.catalogue.value_label`.
"""

from __future__ import annotations

__all__ = ["TEXTS"]

TEXTS = {
    "figure.at_risk": ("at risk", "à risque", "aantal at risk"),
    "figure.time": ("time", "temps", "tijd"),
    "figure.time_since_intake": ("time since intake", "temps depuis l'entrée",
                                 "tijd sinds de instroom"),
    "figure.comparison_group": ("comparison group", "groupe de comparaison",
                                "vergelijkingsgroep"),
    "figure.propensity_score": (
        "propensity score: P({treated} | covariates)",
        "score de propension : P({treated} | covariables)",
        "propensityscore: P({treated} | covariaten)"),
    "figure.per_score_bin": (
        "participants per 1/{bins} of score\n(comparison group below)",
        "participants par 1/{bins} du score\n(groupe de comparaison en bas)",
        "deelnemers per 1/{bins} van de score\n(vergelijkingsgroep onderaan)"),
    "figure.before_adjustment": ("before adjustment", "avant ajustement", "vóór correctie"),
    "figure.after_adjustment": ("after adjustment", "après ajustement", "na correctie"),
    "figure.effect_ci": ("{measure} ({level} CI)", "{measure} (IC à {level})",
                         "{measure} ({level}-BI)"),
    "figure.adjusted_cif": (
        "share who left for {cause} ({estimand}-weighted)",
        "part sortie vers : {cause} (pondération {estimand})",
        "aandeel uitgestroomd naar {cause} ({estimand}-gewogen)"),
    "figure.still_searching": ("still searching (S)", "toujours en recherche (S)",
                               "zoekt nog (S)"),
    "figure.failure": ("1 − S: {cause}", "1 − S : {cause}", "1 − S: {cause}"),
    "figure.cumulative_incidence": ("cumulative incidence", "incidence cumulée",
                                    "cumulatieve incidentie"),
    "figure.cause_group": ("{cause}: {group}", "{cause} : {group}", "{cause}: {group}"),
}
