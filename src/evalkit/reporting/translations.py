"""French and Dutch texts of the report catalogue (:mod:`evalkit.reporting.catalogue`).

One entry per key: ``key: (French, Dutch)``, with the same ``str.format`` fields as
the English text. ``tests/reporting/test_catalogue.py`` checks that every language has
every key and the same fields. :data:`MESSAGES` translates the English captions and
figure titles the shipped notebooks write (gettext-style: the English text is the key).
The value-for-money and planning parts' texts are in
:mod:`~evalkit.reporting.translations_parts`, merged here.
"""

from __future__ import annotations

from evalkit.reporting import figure_texts, translations_parts

__all__ = ["COLUMNS", "MESSAGES", "REPORT", "VALUES"]

REPORT = {
    "report.default_title": ("Rapport d'évaluation", "Evaluatierapport"),
    "report.contents": ("Sommaire", "Inhoud"),
    "report.back": ("Retour au sommaire", "Terug naar de inhoud"),
    "report.part_page": ("cette partie sur sa propre page", "dit deel op een eigen pagina"),
    "report.programmes": ("Programme(s)", "Programma('s)"),
    "report.period": ("Période couverte", "Periode"),
    "report.period_value": ("entrées du {start} au {end}", "instroom van {start} tot {end}"),
    "report.organisation": ("Organisation", "Organisatie"),
    "report.fingerprint": ("Empreinte des données (SHA-256)", "Vingerafdruk van de gegevens "
                           "(SHA-256)"),
    "report.created": ("Date", "Datum"),
    "report.version": ("Version d'evalkit", "Versie van evalkit"),
    "report.parts": ("Parties", "Delen"),
    "report.manifest": ("Manifeste (paramètres, empreintes des données, versions, commit)",
                        "Manifest (parameters, vingerafdrukken, versies, commit)"),
    "report.footer": ("Réalisé avec evalkit {version} le {date}.",
                      "Gemaakt met evalkit {version} op {date}."),
    "report.provenance": ("Provenance", "Herkomst"),
    "report.parameter": ("paramètre", "parameter"),
    "report.data": ("données", "gegevens"),
    "report.commit": ("commit git", "git-commit"),
    "report.python": ("Python", "Python"),
    "report.threshold": ("Les effectifs de moins de {threshold} personnes ne sont pas montrés.",
                         "Aantallen van minder dan {threshold} personen worden niet getoond."),
    "report.summary": ("Résumé", "Samenvatting"),
    "report.skipped": ("Parties non exécutées", "Niet uitgevoerde delen"),
    "report.funnel": ("Participants, des dossiers lus aux sorties",
                      "Deelnemers, van de gelezen records tot de uitstroom"),
    "report.guessed": ("Deviné par evalkit init (à vérifier dans le fichier d'étude)",
                       "Geraden door evalkit init (na te kijken in het studiebestand)"),
    "report.guess": ("supposition", "gok"),
    "rows.sentence": ("{file} : {read} lignes lues, {rejected} rejetées, {analysed} analysées.",
                      "{file}: {read} rijen gelezen, {rejected} geweigerd, {analysed} "
                      "geanalyseerd."),
    "rows.unused": ("{file} : {read} lignes lues, {rejected} rejetées.",
                    "{file}: {read} rijen gelezen, {rejected} geweigerd."),
    "rows.reasons": ("Lignes rejetées de {file} par motif", "Geweigerde rijen van {file} per "
                     "reden"),
    "table.caption": ("Tableau {number}.", "Tabel {number}."),
    "table.ci": ("IC à {level}", "{level}-BI"),
    "table.footnote_primary": ("{symbol} : moins de {threshold} personnes ; non montré pour "
                               "protéger leur vie privée.",
                               "{symbol}: minder dan {threshold} personen; niet getoond om hun "
                               "privacy te beschermen."),
    "table.footnote_secondary": ("– : masqué pour qu'un effectif supprimé ne puisse pas être "
                                 "déduit d'un total, ou non disponible.",
                                 "–: verborgen zodat een onderdrukt aantal niet uit een totaal "
                                 "kan worden afgeleid, of niet beschikbaar."),
    "table.footnote_cut": ("Les lignes après que moins de {threshold} personnes restaient à "
                           "risque ne sont pas montrées.",
                           "Rijen nadat minder dan {threshold} personen at risk bleven, worden "
                           "niet getoond."),
    "table.yes": ("oui", "ja"),
    "table.no": ("non", "nee"),
    "table.interval": ("{low} à {high}", "{low} tot {high}"),
    "notes.title": ("Remarques sur les données", "Opmerkingen bij de gegevens"),
    "notes.privacy": ("Vie privée", "Privacy"),
    "notes.caveat": ("Réserve statistique", "Statistisch voorbehoud"),
    "notes.repeated": ("(signalé {count} fois)", "({count} keer gemeld)"),
    "finding.rate_job": ("En {horizon} mois, {estimate} (IC à {level} {ci}) des participants de "
                         "{group} ont trouvé un emploi.",
                         "Binnen {horizon} maanden vond {estimate} ({level}-BI {ci}) van de "
                         "deelnemers aan {group} werk."),
    "finding.rate_job_hidden": ("En {horizon} mois, la part des participants de {group} qui ont "
                                "trouvé un emploi n'est pas montrée (trop peu de personnes).",
                                "Binnen {horizon} maanden: het aandeel deelnemers aan {group} "
                                "dat werk vond, wordt niet getoond (te weinig personen)."),
    "finding.rate_positive": ("En {horizon} mois, {estimate} (IC à {level} {ci}) des "
                              "participants de {group} ont eu une sortie positive (emploi, "
                              "stage, formation ou études).",
                              "Binnen {horizon} maanden had {estimate} ({level}-BI {ci}) van de "
                              "deelnemers aan {group} een positieve uitstroom (werk, stage, "
                              "opleiding of studie)."),
    "finding.rate_positive_hidden": ("En {horizon} mois, la part des participants de {group} "
                                     "avec une sortie positive n'est pas montrée (trop peu de "
                                     "personnes).",
                                     "Binnen {horizon} maanden: het aandeel deelnemers aan "
                                     "{group} met een positieve uitstroom wordt niet getoond "
                                     "(te weinig personen)."),
    "finding.difference": ("À {horizon} mois, la différence non ajustée de la part en emploi "
                           "({contrast}) est de {estimate} (IC à {level} {ci}) : {reading}",
                           "Na {horizon} maanden is het niet-gecorrigeerde verschil in het "
                           "aandeel met werk ({contrast}) {estimate} ({level}-BI {ci}): "
                           "{reading}"),
    "finding.difference_adjusted": ("À {horizon} mois, la différence ajustée de la part en "
                                    "emploi ({contrast}) est de {estimate} (IC à {level} {ci}) "
                                    ": {reading}",
                                    "Na {horizon} maanden is het gecorrigeerde verschil in het "
                                    "aandeel met werk ({contrast}) {estimate} ({level}-BI {ci}): "
                                    "{reading}"),
    "finding.effect": ("S'inscrire à {treated} plutôt qu'à {comparison} a changé la part en "
                       "emploi dans les {horizon} mois de {estimate} (IC à {level} {ci} ; "
                       "{method}) : {reading}",
                       "Deelnemen aan {treated} in plaats van {comparison} veranderde het "
                       "aandeel met werk binnen {horizon} maanden met {estimate} ({level}-BI "
                       "{ci}; {method}): {reading}"),
    "finding.change": ("Parmi les {n} participants qui ont répondu aux deux questionnaires, le "
                       "score moyen de {scale} a changé de {estimate} points (IC à {level} {ci}) "
                       "pendant le programme : {reading}",
                       "Bij de {n} deelnemers die beide vragenlijsten invulden, veranderde de "
                       "gemiddelde score {scale} met {estimate} punten ({level}-BI {ci}) tijdens "
                       "het programma: {reading}"),
    "finding.among": ("Dans la population comparée ({population}) : {sentence}",
                      "In de vergeleken populatie ({population}): {sentence}"),
    "finding.estimate_item": ("{name} {estimate} (IC à {level} {ci})",
                              "{name} {estimate} ({level}-BI {ci})"),
    "finding.estimates": ("{what} : {items} ; l'écart entre la plus grande et la plus petite "
                          "estimation est de {spread}.",
                          "{what}: {items}; de grootste en kleinste schatting verschillen "
                          "{spread}."),
    "finding.excludes": ("l'intervalle exclut l'absence de différence.",
                         "het interval sluit 'geen verschil' uit."),
    "finding.includes": ("l'intervalle inclut l'absence de différence, si bien que les données "
                         "ne permettent pas de distinguer ce résultat d'une absence de "
                         "différence.",
                         "het interval bevat 'geen verschil', dus de gegevens kunnen dit "
                         "resultaat niet onderscheiden van geen verschil."),
    "finding.excludes_change": ("l'intervalle exclut l'absence de changement.",
                                "het interval sluit 'geen verandering' uit."),
    "finding.includes_change": ("l'intervalle inclut l'absence de changement, si bien que les "
                                "données ne permettent pas de distinguer ce résultat d'une "
                                "absence de changement.",
                                "het interval bevat 'geen verandering', dus de gegevens kunnen "
                                "dit resultaat niet onderscheiden van geen verandering."),
    "finding.hidden": ("Ce résultat n'est pas montré : trop peu de personnes.",
                       "Dit resultaat wordt niet getoond: te weinig personen."),
    "finding.smd": ("Les participants des programmes diffèrent le plus par « {name} » (différence "
                    "moyenne standardisée {smd}) ; {large} caractéristiques sur {n} diffèrent de "
                    "plus de 0,1.",
                    "De deelnemers van de programma's verschillen het meest in {name} "
                    "(gestandaardiseerd gemiddeld verschil {smd}); {large} van {n} kenmerken "
                    "verschillen meer dan 0,1."),
    "funnel.read": ("Lignes lues", "Gelezen rijen"),
    "funnel.rejected": ("Lignes rejetées", "Geweigerde rijen"),
    "funnel.eligible": ("Éligibles", "Komen in aanmerking"),
    "funnel.first_meeting": ("Venus à la première rencontre", "Kwamen naar de eerste ontmoeting"),
    "funnel.completed": ("Duo mené à terme", "Duo voltooid"),
    "funnel.all": ("Tous", "Alle"),
    "funnel.intention_to_treat": ("tous les éligibles (intention de traiter)",
                                  "alle deelnemers die in aanmerking komen (intention-to-treat)"),
    "funnel.per_completer": ("duos menés à terme (par duo complet)",
                             "voltooide duo's (per voltooier)"),
    "funnel.stages": ("Participants à chaque étape, par programme",
                      "Deelnemers in elke fase, per programma"),
    "funnel.rates": ("Un emploi comme première sortie dans l'horizon : parmi tous les éligibles "
                     "et parmi les duos menés à terme",
                     "Werk als eerste uitstroom binnen de horizon: van alle deelnemers die in "
                     "aanmerking komen en van de voltooide duo's"),
    "axis.months_since_intake": ("mois depuis l'entrée", "maanden sinds de instroom"),
    "axis.share_job": ("part ayant trouvé un emploi (proportion des participants)",
                       "aandeel dat werk vond (fractie van de deelnemers)"),
    "axis.cumulative_incidence": ("part sortie par chaque voie (proportion des participants)",
                                  "aandeel uitgestroomd per uitstroomtype (fractie van de "
                                  "deelnemers)"),
    "axis.smd": ("|différence moyenne standardisée| (programme moins comparaison)",
                 "|gestandaardiseerd gemiddeld verschil| (programma min vergelijking)"),
    "axis.score": ("score (points de l'échelle)", "score (schaalpunten)"),
    "figure.attrition": ("Changement moyen selon le traitement de l'attrition",
                         "Gemiddelde verandering per behandeling van uitval"),
    "error.part_failed": ("la partie {part} a échoué : {reason} (trace complète dans {log})",
                          "deel {part} is mislukt: {reason} (volledige traceback in {log})"),
    "error.interrupted": ("interrompu pendant la partie {part} ; le rapport précédent, s'il "
                          "existe, est inchangé",
                          "onderbroken tijdens deel {part}; het vorige rapport, als dat er is, "
                          "is ongewijzigd"),
}

COLUMNS = {
    "mean_treated_before": ('Moyenne du programme, avant',
                            'Gemiddelde programma, voor'),
    "mean_treated_after": ('Moyenne du programme, après',
                           'Gemiddelde programma, na'),
    "mean_comparison_before": ('Moyenne de comparaison, avant',
                               'Gemiddelde vergelijking, voor'),
    "mean_comparison_after": ('Moyenne de comparaison, après',
                              'Gemiddelde vergelijking, na'),
    "diff_before": ('Différence avant',
                    'Verschil voor'),
    "diff_after": ('Différence après',
                   'Verschil na'),
    "variance_ratio_before": ('Rapport des variances avant',
                              'Variantieverhouding voor'),
    "variance_ratio_after": ('Rapport des variances après',
                             'Variantieverhouding na'),
    "ecdf_mean_before": ('Écart moyen des FRE avant',
                         'Gemiddeld eCDF-verschil voor'),
    "ecdf_mean_after": ('Écart moyen des FRE après',
                        'Gemiddeld eCDF-verschil na'),
    "ecdf_max_before": ('Écart max. des FRE avant',
                        'Maximaal eCDF-verschil voor'),
    "ecdf_max_after": ('Écart max. des FRE après',
                       'Maximaal eCDF-verschil na'),
    "risk_ratio": ('Risque relatif',
                   'Relatief risico'),
    "risk_ratio_low": ('Risque relatif, borne inférieure',
                       'Relatief risico, ondergrens'),
    "risk_ratio_high": ('Risque relatif, borne supérieure',
                        'Relatief risico, bovengrens'),
    "p_lower": ('p (borne inférieure)',
                'p (ondergrens)'),
    "auc_ci_low": ('AUC, borne inférieure',
                   'AUC, ondergrens'),
    "auc_ci_high": ('AUC, borne supérieure',
                    'AUC, bovengrens'),
    "log_odds_ratio": ('Log du rapport de cotes',
                       'Log-oddsratio'),
    "n_evaluations": ('Évaluations',
                      'Evaluaties'),
    "ci_method": ("Méthode de l'intervalle",
                  'Intervalmethode'),
    "n": ("Personnes", "Personen"), "percent": ("Part", "Aandeel"), "share": ("Part", "Aandeel"),
    "estimate": ("Estimation", "Schatting"), "std_error": ("ET", "SE"),
    "p_value": ("p", "p"), "p_value_holm": ("p (Holm)", "p (Holm)"),
    "p_upper": ("Borne supérieure de p", "Bovengrens van p"),
    "statistic": ("Statistique", "Toetsingsgrootheid"), "df": ("ddl", "vg"),
    "programme": ("Programme", "Programma"), "group": ("Groupe", "Groep"),
    "site": ("Site", "Vestiging"), "cohort": ("Année d'entrée", "Jaar van instroom"),
    "event": ("Première sortie", "Eerste uitstroom"), "exit_type": ("Sortie", "Uitstroom"),
    "cause": ("Sortie", "Uitstroom"), "wave": ("Questionnaire", "Vragenlijst"),
    "quantile": ("Quantile", "Kwantiel"), "horizon": ("Mois", "Maanden"),
    "n_risk": ("À risque", "At risk"), "n_risk_ci_high": ("À risque (IC sup.)",
                                                           "At risk (bovengrens BI)"),
    "n_risk_reference": ("À risque (référence)", "At risk (referentie)"),
    "note": ("Remarque", "Opmerking"), "contrast": ("Contraste", "Contrast"),
    "measure": ("Mesure", "Maat"), "type": ("Type", "Type"), "term": ("Terme", "Term"),
    "log_hr": ("log HR", "log HR"), "transform": ("Échelle de temps", "Tijdschaal"),
    "status": ("Statut", "Status"), "used": ("Analysé", "Geanalyseerd"),
    "variable": ("Caractéristique", "Kenmerk"), "level": ("Modalité", "Niveau"),
    "min": ("Min", "Min"), "max": ("Max", "Max"),
    "n_outside": ("Hors du support commun", "Buiten de gemeenschappelijke drager"),
    "n_before": ("Avant troncature", "Voor trimmen"), "n_excluded": ("Exclus", "Uitgesloten"),
    "n_after": ("Conservés", "Behouden"), "n_kept": ("Conservés", "Behouden"),
    "mean_kept": ("Moyenne (conservés)", "Gemiddelde (behouden)"),
    "mean_excluded": ("Moyenne (exclus)", "Gemiddelde (uitgesloten)"),
    "smd": ("DMS", "SMD"), "smd_before": ("DMS avant", "SMD voor"),
    "smd_after": ("DMS après", "SMD na"), "sum_weights": ("Somme des poids", "Som van gewichten"),
    "mean": ("Moyenne", "Gemiddelde"), "sd": ("ET", "SD"),
    "effective_n": ("Taille effective", "Effectieve omvang"),
    "n_truncated": ("Poids tronqués", "Afgekapte gewichten"),
    "n_treated": ("Personnes (programme)", "Personen (programma)"),
    "n_comparison": ("Personnes (comparaison)", "Personen (vergelijking)"),
    "n_matched": ("Appariés", "Gekoppeld"), "n_unmatched": ("Non appariés", "Niet gekoppeld"),
    "n_controls_used": ("Personnes de comparaison utilisées", "Gebruikte vergelijkingspersonen"),
    "caliper": ("Caliper", "Caliper"), "method": ("Méthode", "Methode"),
    "estimand": ("Estimande", "Estimand"), "gamma": ("Γ", "Γ"),
    "n_discordant": ("Paires discordantes", "Discordante paren"),
    "n_treated_better": ("Paires où le programme a fait mieux",
                         "Paren waarin het programma beter deed"),
    "n_with": ("Personnes avec", "Personen met"), "n_without": ("Personnes sans",
                                                                "Personen zonder"),
    "reference": ("Référence", "Referentie"), "kind": ("Sorte", "Soort"),
    "model": ("Modèle", "Model"), "metric": ("Mesure", "Maat"),
    "sd_repeats": ("ET sur les répétitions", "SD over herhalingen"),
    "importance_mean": ("Importance", "Belang"), "importance_sd": ("ET", "SD"),
    "predictor": ("Caractéristique", "Kenmerk"), "value": ("Valeur", "Waarde"),
    "average_prediction": ("Prédiction moyenne", "Gemiddelde voorspelling"),
    "n_events": ("Avec le résultat", "Met de uitkomst"),
    "n_non_events": ("Sans le résultat", "Zonder de uitkomst"),
    "n_scored": ("Scorés", "Gescoord"), "n_unscored": ("Non scorés", "Niet gescoord"),
    "n_items": ("Items", "Items"), "item": ("Item", "Item"),
    "item_total_r": ("r item–total", "Item-totaal r"),
    "alpha_if_deleted": ("α sans l'item", "α zonder item"), "category": ("Catégorie",
                                                                        "Categorie"),
    "n_non_completers": ("Non-répondants", "Niet-voltooiers"),
    "n_completers": ("Répondants", "Voltooiers"), "n_responded": ("Ont répondu", "Antwoordden"),
    "standardized": ("Standardisé", "Gestandaardiseerd"),
    "n_boot": ("Échantillons bootstrap", "Bootstrapsteekproeven"),
    "n_failed": ("Échantillons en échec", "Mislukte steekproeven"), "rho": ("ρ", "ρ"),
    "weights": ("Pondération", "Weging"), "e_value": ("E-value", "E-waarde"),
    "e_value_ci": ("E-value de l'IC", "E-waarde van het BI"),
    "mean_treated": ("Programme", "Programma"), "mean_comparison": ("Comparaison",
                                                                    "Vergelijking"),
    "observed": ("Observé", "Waargenomen"), "predicted": ("Prédit", "Voorspeld"),
    "observed_minus_predicted": ("Observé − prédit", "Waargenomen − voorspeld"),
    "auc": ("AUC", "AUC"), "brier": ("Score de Brier", "Brier-score"),
    "column": ("Colonne", "Kolom"), "reason": ("Motif", "Reden"), "rows": ("Lignes", "Rijen"),
    "year": ("Année", "Jaar"), "amount_eur": ("Montant (€)", "Bedrag (€)"),
    "n_parameters": ("Coefficients", "Coëfficiënten"),
    "events_per_variable": ("Événements par coefficient", "Gebeurtenissen per coëfficiënt"),
    "n_read": ("Lues", "Gelezen"), "n_used": ("Analysées", "Geanalyseerd"),
    "age": ("Âge", "Leeftijd"), "gender": ("Genre", "Gender"),
    "migration_background": ("Origine migratoire", "Migratieachtergrond"),
    "education": ("Formation", "Opleiding"), "language_level": ("Niveau de langue",
                                                                "Taalniveau"),
    "months_unemployed": ("Mois de chômage", "Maanden werkloos"),
    "single_parent": ("Parent isolé", "Alleenstaande ouder"),
    "mentor_age": ("Âge du mentor", "Leeftijd van de mentor"),
    "score_pre": ("Score avant", "Score voor"), "score_post": ("Score après", "Score na"),
    "first_meeting_dropout": ("Abandon avant la première rencontre",
                              "Afgehaakt voor de eerste ontmoeting"),
    "job_within_6_months": ("Emploi dans les 6 mois", "Werk binnen 6 maanden"),
    "Intercept": ("Constante", "Intercept"),
    "n_smaller": ("Personnes du plus petit groupe", "Personen in de kleinste groep"),
    "suppressed": ("Supprimé", "Onderdrukt"), "z": ("z", "z"),
    "rci_threshold": ("Seuil (points de l'échelle)", "Drempel (schaalpunten)"),
    "stage": ("Étape", "Fase"), "self_confidence": ("confiance en soi", "zelfvertrouwen"),
    "population": ("Parmi", "Van"),
    "n_followed": ("Suivis jusqu'à l'horizon", "Gevolgd tot de horizon"),
    "n_job": ("En emploi", "Met werk"),
}

VALUES = {
    "event": ("résultat", "uitkomst"), "no_event": ("pas de résultat", "geen uitkomst"),
    "excluded": ("exclu (suivi trop court)", "uitgesloten (te korte opvolging)"),
    "job": ("emploi", "werk"), "job_permanent": ("emploi durable", "vaste baan"),
    "job_temporary": ("emploi temporaire", "tijdelijke baan"),
    "self_employed": ("indépendant", "zelfstandige"),
    "training": ("formation ou études", "opleiding of studie"),
    "internship": ("stage", "stage"), "studies": ("études", "studie"),
    "dropout": ("abandon", "afgehaakt"), "censored": ("toujours en recherche", "zoekt nog"),
    "rmst": ("temps moyen restreint en recherche", "beperkte gemiddelde zoektijd"),
    "rmtl": ("temps moyen restreint perdu", "beperkte gemiddelde verloren tijd"),
    "difference": ("différence", "verschil"), "ratio": ("rapport", "ratio"),
    "risk_difference": ("différence de risques", "risicoverschil"),
    "risk_ratio": ("risque relatif", "relatief risico"),
    "naive": ("non ajusté", "niet gecorrigeerd"), "unadjusted": ("non ajusté",
                                                                "niet gecorrigeerd"),
    "ipw": ("pondéré (IPW)", "gewogen (IPW)"),
    "aipw": ("doublement robuste (AIPW)", "dubbel robuust (AIPW)"),
    "matching": ("paires appariées", "gekoppelde paren"),
    "complete_case": ("cas complets", "volledige gevallen"),
    "multiple_imputation": ("imputation multiple", "meervoudige imputatie"),
    "logistic": ("régression logistique", "logistische regressie"),
    "gradient_boosting": ("gradient boosting", "gradient boosting"), "auc": ("AUC", "AUC"),
    "auc_difference": ("différence d'AUC", "AUC-verschil"),
    "calibration_slope": ("pente de calibration", "kalibratiehelling"),
    "calibration_intercept": ("ordonnée de calibration", "kalibratie-intercept"),
    "brier": ("score de Brier", "Brier-score"), "improved": ("amélioré", "verbeterd"),
    "unchanged": ("inchangé", "onveranderd"), "deteriorated": ("détérioré", "verslechterd"),
    "pre": ("avant", "voor"), "post": ("après", "na"),
    "mean_pre": ("moyenne avant", "gemiddelde voor"),
    "mean_post": ("moyenne après", "gemiddelde na"),
    "mean_difference": ("changement moyen", "gemiddelde verandering"),
    "d_z": ("d_z", "d_z"), "d_av": ("d_av", "d_av"), "g_av": ("g_av", "g_av"),
    "wilcoxon": ("Wilcoxon", "Wilcoxon"), "logrank": ("log-rank", "log-rank"),
    "km": ("Kaplan–Meier", "Kaplan–Meier"),
    "cif_difference": ("différence d'incidence cumulée", "verschil in cumulatieve incidentie"),
    "rmtl_difference": ("différence de mois en emploi", "verschil in maanden aan het werk"),
    "derivative": ("par unité", "per eenheid"), "contrast": ("par rapport à la référence",
                                                             "ten opzichte van de referentie"),
    "comparison": ("comparaison", "vergelijking"),
}

#: English captions and figure titles of the shipped notebooks -> (French, Dutch).
MESSAGES: dict[str, tuple[str, str]] = {
    'Every effect of this comparison side by side: estimate, interval, what it estimates '
    'and which programme it favours': (
        "Tous les effets de cette comparaison côte à côte : estimation, intervalle, ce qui est "
        "estimé et le programme qu'il favorise",
        'Alle effecten van deze vergelijking naast elkaar: schatting, interval, wat geschat '
        'wordt en welk programma het bevoordeelt',
    ),
    'Participants by programme': (
        'Participants par programme',
        'Deelnemers per programma',
    ),
    'Participants by site and programme': (
        'Participants par site et programme',
        'Deelnemers per vestiging en programma',
    ),
    'Participants by intake year and programme': (
        "Participants par année d'entrée et programme",
        'Deelnemers per jaar van instroom en programma',
    ),
    "Participants' characteristics at intake by programme": (
        "Caractéristiques des participants à l'entrée, par programme",
        'Kenmerken van de deelnemers bij instroom, per programma',
    ),
    'First exit by programme': (
        'Première sortie par programme',
        'Eerste uitstroom per programma',
    ),
    'Questionnaires by wave': (
        'Questionnaires par vague',
        'Vragenlijsten per meting',
    ),
    'Costs by year and programme (EUR)': (
        'Coûts par année et programme (€)',
        'Kosten per jaar en programma (€)',
    ),
    'Months from intake to a job (median and quartiles), if nobody left for anything else': (
        "Mois de l'entrée à un emploi (médiane et quartiles), si personne ne sortait pour autre "
        'chose',
        'Maanden van instroom tot werk (mediaan en kwartielen), als niemand om een andere reden '
        'uitstroomde',
    ),
    "Gray's test: do the programmes differ in the share leaving by each exit?": (
        'Test de Gray : les programmes diffèrent-ils dans la part sortie par chaque voie ?',
        "Toets van Gray: verschillen de programma's in het aandeel dat per uitstroomtype "
        'uitstroomt?',
    ),
    'Share who found a job (first exit) by each horizon': (
        'Part ayant trouvé un emploi (première sortie) à chaque horizon',
        'Aandeel dat werk vond (eerste uitstroom) per horizon',
    ),
    'Difference between the programmes in the share with a job (unadjusted)': (
        'Différence entre les programmes dans la part en emploi (non ajustée)',
        "Verschil tussen de programma's in het aandeel met werk (niet gecorrigeerd)",
    ),
    'Log-rank test of the job-finding hazard': (
        "Test du log-rank du taux d'accès à l'emploi",
        'Log-ranktoets van de kans op werk',
    ),
    'Log-rank test of the job-finding hazard, stratified by site': (
        "Test du log-rank du taux d'accès à l'emploi, stratifié par site",
        'Log-ranktoets van de kans op werk, gestratificeerd per vestiging',
    ),
    'Restricted mean months searching, within the horizon': (
        "Temps moyen restreint de recherche (mois), dans l'horizon",
        'Beperkte gemiddelde zoektijd (maanden), binnen de horizon',
    ),
    'Restricted mean months searching: difference and ratio between the programmes': (
        'Temps moyen restreint de recherche : différence et rapport entre les programmes',
        "Beperkte gemiddelde zoektijd: verschil en ratio tussen de programma's",
    ),
    'Restricted mean months in work within the horizon: difference between the programmes': (
        "Temps moyen restreint en emploi dans l'horizon : différence entre les programmes",
        'Beperkte gemiddelde maanden aan het werk binnen de horizon: verschil tussen de '
        "programma's",
    ),
    'Cause-specific Cox model for the job exit (hazard ratios)': (
        "Modèle de Cox spécifique à la sortie vers l'emploi (rapports de risques)",
        "Oorzaakspecifiek Cox-model voor uitstroom naar werk (hazard ratio's)",
    ),
    'Proportional-hazards check (scaled Schoenfeld residuals)': (
        'Vérification des risques proportionnels (résidus de Schoenfeld)',
        'Controle van proportionele hazards (geschaalde Schoenfeld-residuen)',
    ),
    'Fine–Gray model for the job exit (subdistribution hazard ratios)': (
        "Modèle de Fine–Gray pour la sortie vers l'emploi (rapports de sous-risques)",
        "Fine–Gray-model voor uitstroom naar werk (subdistributie-hazard ratio's)",
    ),
    'Outcome by programme: a job within the horizon, or excluded (followed too briefly)': (
        "Résultat par programme : un emploi dans l'horizon, ou exclu (suivi trop court)",
        'Uitkomst per programma: werk binnen de horizon, of uitgesloten (te kort gevolgd)',
    ),
    'People outside the common support of the propensity score': (
        'Personnes hors du support commun du score de propension',
        'Personen buiten de gemeenschappelijke drager van de propensityscore',
    ),
    'People kept and excluded by trimming': (
        'Personnes conservées et exclues par la troncature',
        'Personen behouden en uitgesloten door trimmen',
    ),
    'How the people excluded by trimming differ from those kept': (
        'En quoi les personnes exclues par la troncature diffèrent de celles conservées',
        'Hoe de door trimmen uitgesloten personen verschillen van de behouden personen',
    ),
    'Weights and effective sample size': (
        "Poids et taille effective de l'échantillon",
        'Gewichten en effectieve steekproefomvang',
    ),
    'Balance of each characteristic before and after weighting (SMD = programme minus '
    'comparison)': (
        'Équilibre de chaque caractéristique avant et après pondération (DMS = programme moins '
        'comparaison)',
        'Balans van elk kenmerk voor en na weging (SMD = programma min vergelijking)',
    ),
    'Matched pairs': (
        'Paires appariées',
        'Gekoppelde paren',
    ),
    'Effect on the share with a job within the horizon: unadjusted, weighted, doubly robust and '
    'matched': (
        "Effet sur la part en emploi dans l'horizon : non ajusté, pondéré, doublement robuste et "
        'apparié',
        'Effect op het aandeel met werk binnen de horizon: niet gecorrigeerd, gewogen, dubbel '
        'robuust en gekoppeld',
    ),
    'Mentor-bootstrap percentile intervals of the effect': (
        "Intervalles percentiles de l'effet par bootstrap sur les mentors",
        'Percentielintervallen van het effect (bootstrap over mentoren)',
    ),
    'People kept and excluded by trimming (time to event)': (
        'Personnes conservées et exclues par la troncature (délai)',
        'Personen behouden en uitgesloten door trimmen (tijd tot gebeurtenis)',
    ),
    'Adjusted shares with a job and their difference at each horizon': (
        'Parts ajustées en emploi et leur différence à chaque horizon',
        'Gecorrigeerde aandelen met werk en hun verschil per horizon',
    ),
    'Adjusted mean months in work up to the last horizon and their difference': (
        "Mois moyens en emploi ajustés jusqu'au dernier horizon et leur différence",
        'Gecorrigeerd gemiddeld aantal maanden aan het werk tot de laatste horizon en hun '
        'verschil',
    ),
    'E-values: how strong an unmeasured confounder would have to be': (
        'E-values : quelle force devrait avoir un facteur de confusion non mesuré',
        'E-waarden: hoe sterk een niet-gemeten confounder zou moeten zijn',
    ),
    'Rosenbaum bounds for the matched pairs': (
        'Bornes de Rosenbaum pour les paires appariées',
        'Rosenbaum-grenzen voor de gekoppelde paren',
    ),
    'Outcome: a job within the horizon, or excluded (followed too briefly)': (
        "Résultat : un emploi dans l'horizon, ou exclu (suivi trop court)",
        'Uitkomst: werk binnen de horizon, of uitgesloten (te kort gevolgd)',
    ),
    'Odds ratios of finding a job within the horizon': (
        "Rapports de cotes de trouver un emploi dans l'horizon",
        "Odds ratio's van werk vinden binnen de horizon",
    ),
    'People, people with the outcome and coefficients of the model': (
        'Personnes, personnes avec le résultat et coefficients du modèle',
        'Personen, personen met de uitkomst en coëfficiënten van het model',
    ),
    'Joint test of each characteristic (Wald)': (
        'Test global de chaque caractéristique (Wald)',
        'Gezamenlijke toets per kenmerk (Wald)',
    ),
    'Average marginal effects (percentage points)': (
        'Effets marginaux moyens (points de pourcentage)',
        'Gemiddelde marginale effecten (procentpunten)',
    ),
    'Cross-validated discrimination and calibration': (
        'Discrimination et calibration en validation croisée',
        'Gekruisvalideerde discriminatie en kalibratie',
    ),
    'Permutation importance of each characteristic': (
        'Importance par permutation de chaque caractéristique',
        'Permutatiebelang van elk kenmerk',
    ),
    'Average predicted probability by value of each characteristic': (
        'Probabilité prédite moyenne selon la valeur de chaque caractéristique',
        'Gemiddelde voorspelde kans per waarde van elk kenmerk',
    ),
    'Discrimination and calibration by subgroup': (
        'Discrimination et calibration par sous-groupe',
        'Discriminatie en kalibratie per subgroep',
    ),
    'Questionnaires scored, by wave': (
        'Questionnaires scorés, par vague',
        'Gescoorde vragenlijsten, per meting',
    ),
    "Cronbach's alpha (intake questionnaires)": (
        "Alpha de Cronbach (questionnaires d'entrée)",
        'Cronbachs alfa (vragenlijsten bij instroom)',
    ),
    "McDonald's omega (intake questionnaires)": (
        "Oméga de McDonald (questionnaires d'entrée)",
        'McDonalds omega (vragenlijsten bij instroom)',
    ),
    'Item analysis (intake questionnaires)': (
        "Analyse des items (questionnaires d'entrée)",
        'Itemanalyse (vragenlijsten bij instroom)',
    ),
    'Change of the score (after minus before)': (
        'Changement du score (après moins avant)',
        'Verandering van de score (na min voor)',
    ),
    'Reliable change (Jacobson & Truax)': (
        'Changement fiable (Jacobson & Truax)',
        'Betrouwbare verandering (Jacobson & Truax)',
    ),
    'Reliable-change threshold': (
        'Seuil de changement fiable',
        'Drempel voor betrouwbare verandering',
    ),
    'ANCOVA of the score after, adjusted for the score before': (
        'ANCOVA du score après, ajustée sur le score avant',
        'ANCOVA van de score na, gecorrigeerd voor de score voor',
    ),
    'Completers and non-completers at intake (SMD = completers minus non-completers)': (
        "Répondants et non-répondants à l'entrée (DMS = répondants moins non-répondants)",
        'Voltooiers en niet-voltooiers bij instroom (SMD = voltooiers min niet-voltooiers)',
    ),
    'Model of answering the second questionnaire (log odds)': (
        'Modèle de réponse au second questionnaire (log des cotes)',
        'Model voor het invullen van de tweede vragenlijst (log-odds)',
    ),
    'Mean change under each treatment of attrition': (
        "Changement moyen selon chaque traitement de l'attrition",
        'Gemiddelde verandering per behandeling van uitval',
    ),
    'Completers and non-completers at intake, by programme (SMD = completers minus '
    'non-completers)': (
        "Répondants et non-répondants à l'entrée, par programme (DMS = répondants moins non-"
        'répondants)',
        'Voltooiers en niet-voltooiers bij instroom, per programma (SMD = voltooiers min niet-'
        'voltooiers)',
    ),
    'Mean change by programme under each treatment of attrition': (
        "Changement moyen par programme selon chaque traitement de l'attrition",
        'Gemiddelde verandering per programma per behandeling van uitval',
    ),
    'Difference in mean change between the programmes under each treatment of attrition': (
        'Différence de changement moyen entre les programmes selon chaque traitement de '
        "l'attrition",
        "Verschil in gemiddelde verandering tussen de programma's per behandeling van uitval",
    ),
    'If nobody left for anything else: share who would have found a job': (
        'Si personne ne sortait pour autre chose : part qui aurait trouvé un emploi',
        'Als niemand om een andere reden uitstroomde: aandeel dat werk zou hebben gevonden',
    ),
    'Share with a job since intake, each programme weighted to the same population': (
        "Part en emploi depuis l'entrée, chaque programme pondéré vers la même population",
        'Aandeel met werk sinds instroom, elk programma gewogen naar dezelfde populatie',
    ),
    'Mean change': (
        'Changement moyen',
        'Gemiddelde verandering',
    ),
}

for _mine, _theirs in ((REPORT, translations_parts.REPORT), (COLUMNS, translations_parts.COLUMNS),
                       (VALUES, translations_parts.VALUES),
                       (MESSAGES, translations_parts.MESSAGES),
                       (MESSAGES, figure_texts.MESSAGES)):
    _mine.update(_theirs)
