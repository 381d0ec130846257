"""French and Dutch texts of the value-for-money and planning parts (issue 19).

The same layout as :mod:`evalkit.reporting.translations` (``key: (French, Dutch)``), kept
apart so that each module stays readable; :mod:`~evalkit.reporting.translations` merges
them. ``tests/reporting/test_catalogue.py`` checks every key and field in every language.
"""

from __future__ import annotations

__all__ = ["COLUMNS", "MESSAGES", "REPORT", "VALUES"]

REPORT = {
    "finding.icer": ("S'inscrire à {treated} plutôt qu'à {comparison} coûte {cost} de plus "
                     "par participant (IC à {level} {cost_ci}) et augmente la part en emploi "
                     "dans les {horizon} mois de {effect} (IC à {level} {effect_ci}) : chaque "
                     "emploi supplémentaire coûte {icer} (IC à {level} {icer_ci} par "
                     "bootstrap, {fieller} par la méthode de Fieller).",
                     "Deelnemen aan {treated} in plaats van {comparison} kost {cost} meer per "
                     "deelnemer ({level}-BI {cost_ci}) en verhoogt het aandeel met werk binnen "
                     "{horizon} maanden met {effect} ({level}-BI {effect_ci}): elke extra baan "
                     "kost {icer} ({level}-BI {icer_ci} met de bootstrap, {fieller} "
                     "met de methode van Fieller)."),
    "finding.icer_unbounded": ("S'inscrire à {treated} plutôt qu'à {comparison} coûte {cost} "
                               "de plus par participant (IC à {level} {cost_ci}) et change la "
                               "part en emploi dans les {horizon} mois de {effect} (IC à {level} "
                               "{effect_ci}) : l'intervalle des emplois supplémentaires inclut "
                               "l'absence de différence (ou presque), le coût par emploi "
                               "supplémentaire n'a donc pas de borne supérieure et n'est pas "
                               "donné ; la courbe d'acceptabilité montre la probabilité que le "
                               "programme vaille un prix donné par emploi supplémentaire.",
                               "Deelnemen aan {treated} in plaats van {comparison} kost {cost} "
                               "meer per deelnemer ({level}-BI {cost_ci}) en verandert het "
                               "aandeel met werk binnen {horizon} maanden met {effect} ({level}-BI "
                               "{effect_ci}): het interval van de extra banen bevat 'geen "
                               "verschil' (of bijna), dus de kost per extra baan heeft geen "
                               "bovengrens en wordt niet gegeven; de aanvaardbaarheidscurve "
                               "toont hoe waarschijnlijk het programma een gegeven prijs per "
                               "extra baan waard is."),
    "finding.icer_dominant": ("S'inscrire à {treated} plutôt qu'à {comparison} ne coûte pas plus "
                              "({cost} par participant, IC à {level} {cost_ci}) et "
                              "augmente la part en emploi dans les {horizon} mois de {effect} (IC "
                              "à {level} {effect_ci}) : {treated} domine, aucun coût par emploi "
                              "supplémentaire n'est nécessaire ; pour les emplois, {reading}",
                              "Deelnemen aan {treated} in plaats van {comparison} kost niet meer "
                              "({cost} per deelnemer, {level}-BI {cost_ci}) en verhoogt "
                              "het aandeel met werk binnen {horizon} maanden met {effect} "
                              "({level}-BI {effect_ci}): {treated} domineert, dus een kost per "
                              "extra baan is niet nodig; voor de banen: {reading}"),
    "finding.icer_dominated": ("S'inscrire à {treated} plutôt qu'à {comparison} ne coûte pas "
                               "moins ({cost} par participant, IC à {level} {cost_ci}) et "
                               "change la part en emploi dans les {horizon} mois de {effect} (IC "
                               "à {level} {effect_ci}) : {treated} est dominé, aucun coût par "
                               "emploi supplémentaire n'a de sens ; pour les emplois, {reading}",
                               "Deelnemen aan {treated} in plaats van {comparison} kost niet "
                               "minder ({cost} per deelnemer, {level}-BI {cost_ci}) en "
                               "verandert het aandeel met werk binnen {horizon} maanden met "
                               "{effect} ({level}-BI {effect_ci}): {treated} wordt gedomineerd, "
                               "dus een kost per extra baan heeft geen zin; voor de banen: "
                               "{reading}"),
    "finding.icer_cheaper_fewer_jobs": ("S'inscrire à {treated} plutôt qu'à {comparison} change "
                                        "le coût par participant de {cost} (IC à {level} "
                                        "{cost_ci}) et la part en emploi dans les {horizon} "
                                        "mois de {effect} (IC à {level} {effect_ci}) : il "
                                        "économise de l'argent mais trouve moins d'emplois, le "
                                        "rapport serait une économie par emploi perdu et n'est "
                                        "pas donné ; pour les emplois, {reading}",
                                        "Deelnemen aan {treated} in plaats van {comparison} "
                                        "verandert de kost per deelnemer met {cost} "
                                        "({level}-BI {cost_ci}) en het aandeel met werk "
                                        "binnen {horizon} maanden met {effect} ({level}-BI "
                                        "{effect_ci}): het bespaart geld maar vindt minder banen, "
                                        "dus de ratio zou een besparing per verloren baan zijn en "
                                        "wordt niet gegeven; voor de banen: {reading}"),
    "finding.icer_undefined": ("S'inscrire à {treated} plutôt qu'à {comparison} change le coût "
                               "par participant de {cost} (IC à {level} {cost_ci}) et "
                               "trouve exactement autant d'emplois dans les {horizon} mois : le "
                               "coût par emploi supplémentaire n'est pas défini.",
                               "Deelnemen aan {treated} in plaats van {comparison} verandert de "
                               "kost per deelnemer met {cost} ({level}-BI {cost_ci}) en "
                               "vindt precies evenveel banen binnen {horizon} maanden: de kost "
                               "per extra baan is niet gedefinieerd."),
    "finding.acceptability": ("À {wtp} par emploi supplémentaire, {treated} est "
                              "coût-efficace dans {share} des réplications bootstrap ; il "
                              "l'est plus probablement qu'improbablement à partir de {half} "
                              "par emploi supplémentaire.",
                              "Bij {wtp} per extra baan is {treated} kosteneffectief in "
                              "{share} van de bootstrapreplicaties; vanaf {half} per extra "
                              "baan is dat waarschijnlijker dan niet."),
    "finding.acceptability_never": ("À {wtp} par emploi supplémentaire, {treated} est "
                                    "coût-efficace dans {share} des réplications bootstrap ; à "
                                    "aucun prix montré il ne l'est plus probablement "
                                    "qu'improbablement.",
                                    "Bij {wtp} per extra baan is {treated} kosteneffectief in "
                                    "{share} van de bootstrapreplicaties; bij geen getoonde prijs "
                                    "is dat waarschijnlijker dan niet."),
    "finding.sensitivity": ("Le coût par emploi supplémentaire ({base}) varie le plus avec "
                            "{parameter} : de {span} ; {tail}",
                            "De kost per extra baan ({base}) verandert het meest met "
                            "{parameter}: van {span}; {tail}"),
    "finding.sensitivity_all": ("chaque scénario donne un coût par emploi supplémentaire.",
                                "elk scenario geeft een kost per extra baan."),
    "finding.sensitivity_missing": ("{n} scénario(s) ne donnent pas de coût par emploi "
                                    "supplémentaire (dominance ou moins d'emplois).",
                                    "{n} scenario('s) geven geen kost per extra baan (dominantie "
                                    "of minder banen)."),
    "finding.sensitivity_none": ("Le cas de base ne donne pas de coût par emploi supplémentaire "
                                 "(dominance, moins d'emplois ou trop peu de personnes) : le "
                                 "tableau dit ce que donne chaque scénario.",
                                 "Het basisgeval geeft geen kost per extra baan (dominantie, "
                                 "minder banen of te weinig personen): de tabel zegt wat elk "
                                 "scenario geeft."),
    "finding.plans": ("Pour une puissance de {power} au seuil de {alpha} (bilatéral), avec les "
                      "taux observés et le regroupement de cette étude (effet de plan {deff}), la "
                      "prochaine évaluation demanderait : {items}.",
                      "Voor {power} power bij een significantieniveau van {alpha} (tweezijdig), "
                      "met de waargenomen percentages en clustering van deze studie "
                      "(design-effect {deff}), zou de volgende evaluatie nodig hebben: {items}."),
    "finding.plan_item": ("{question}, {n} participants", "{question}, {n} deelnemers"),
    "part.skipped": ("Cette partie n'est pas exécutée : {reason}",
                     "Dit deel wordt niet uitgevoerd: {reason}"),
    "skip.no_costs": ("l'étude n'a pas de coûts (ni fichier de coûts, ni coût total et nombre de "
                      "duos formés). Ajoutez-les à l'étude pour voir le coût par participant, par "
                      "duo et par emploi supplémentaire.",
                      "de studie heeft geen kosten (geen kostenbestand, en geen totale kost en "
                      "aantal gevormde duo's). Voeg ze toe aan de studie om de kost per "
                      "deelnemer, per duo en per extra baan te zien."),
    "skip.missing_costs": ("les coûts ne couvrent pas chaque programme comparé, il n'y a donc "
                           "pas de coût par emploi supplémentaire. Donnez le coût total et le "
                           "nombre de duos formés de chaque programme.",
                           "de kosten dekken niet elk vergeleken programma, dus er is geen kost "
                           "per extra baan. Geef de totale kost en het aantal gevormde duo's van "
                           "elk programma."),
    "part.stopped": ("La suite de cette partie n'est pas exécutée : {reason}",
                     "De rest van dit deel wordt niet uitgevoerd: {reason}"),
    "axis.incremental_effect": ("emplois supplémentaires par participant (différence de risques "
                                "ajustée)", "extra banen per deelnemer (gecorrigeerd "
                                "risicoverschil)"),
    "axis.incremental_cost": ("coût supplémentaire par participant (€)",
                              "extra kost per deelnemer (€)"),
    "axis.wtp": ("disposition à payer par emploi supplémentaire (€)",
                 "betalingsbereidheid per extra baan (€)"),
    "axis.probability_cost_effective": ("probabilité que le programme soit coût-efficace",
                                        "kans dat het programma kosteneffectief is"),
    "axis.icer": ("coût par emploi supplémentaire (€)", "kost per extra baan (€)"),
    "axis.participants_needed": ("participants nécessaires (tous les groupes)",
                                 "benodigde deelnemers (alle groepen)"),
    "axis.power": ("puissance (test bilatéral)", "power (tweezijdige toets)"),
    "figure.replicates": ("réplications bootstrap", "bootstrapreplicaties"),
    "figure.estimate": ("estimation", "schatting"),
    "figure.wtp_line": ("{wtp} par emploi supplémentaire", "{wtp} per extra baan"),
}

COLUMNS = {
    "cost_item": ("Poste de coût", "Kostenpost"), "duos_formed": ("Duos formés", "Gevormde duo's"),
    "cost_per_duo": ("Coût par duo formé (€)", "Kost per gevormd duo (€)"),
    "n_participants": ("Participants", "Deelnemers"),
    "n_duos_formed": ("Duos formés", "Gevormde duo's"),
    "n_duos_completed": ("Duos menés à terme", "Voltooide duo's"),
    "n_jobs": ("En emploi", "Met werk"),
    "n_jobs_completers": ("En emploi (duos menés à terme)", "Met werk (voltooide duo's)"),
    "cost_eur": ("Coût (€)", "Kost (€)"),
    "cost_completers_eur": ("Coût des duos menés à terme (€)",
                            "Kost van de voltooide duo's (€)"),
    "cost_per_participant": ("Par participant (€)", "Per deelnemer (€)"),
    "cost_per_duo_formed": ("Par duo formé (€)", "Per gevormd duo (€)"),
    "cost_per_duo_completed": ("Par duo mené à terme (€)", "Per voltooid duo (€)"),
    "cost_per_job": ("Par emploi, intention de traiter (€)",
                     "Per baan, intention to treat (€)"),
    "cost_per_job_completer": ("Par emploi, par duo complet (€)",
                               "Per baan, per voltooier (€)"),
    "quantity": ("Grandeur", "Grootheid"), "interval": ("Intervalle", "Interval"),
    "bounded": ("Borné", "Begrensd"), "parameter": ("Modifié", "Gewijzigd"),
    "scenario": ("Scénario", "Scenario"),
    "incremental_cost": ("Coût supplémentaire par participant (€)",
                         "Extra kost per deelnemer (€)"),
    "incremental_effect": ("Emplois supplémentaires par participant", "Extra banen per deelnemer"),
    "icer": ("Coût par emploi supplémentaire (€)", "Kost per extra baan (€)"),
    "question": ("Question", "Vraag"), "design": ("Plan", "Opzet"),
    "effect": ("Effet visé", "Beoogd effect"), "effect_size": ("Effet standardisé",
                                                               "Gestandaardiseerd effect"),
    "alpha": ("α", "α"), "power": ("Puissance", "Power"),
    "design_effect": ("Effet de plan", "Design-effect"), "required": ("Nécessaire", "Nodig"),
    "n_total": ("Participants en tout", "Deelnemers in totaal"), "icc": ("CCI", "ICC"),
    "f_value": ("F", "F"), "df_between": ("ddl inter", "vg tussen"),
    "df_within": ("ddl intra", "vg binnen"), "n_clusters": ("Grappes", "Clusters"),
    "mean_cluster_size": ("Taille moyenne des grappes", "Gemiddelde clustergrootte"),
    "cluster_size": ("Taille des grappes", "Clustergrootte"),
    "effective_fraction": ("Information conservée", "Behouden informatie"),
}

VALUES = {
    "mentor_training": ("formation des mentors", "opleiding van mentoren"),
    "meeting_rooms": ("salles de réunion", "vergaderzalen"),
    "coordinator_salaries": ("salaires des coordinateurs", "lonen van coördinatoren"),
    "overhead": ("frais généraux", "overhead"), "total": ("total", "totaal"),
    "horizon": ("horizon (mois)", "horizon (maanden)"), "low": ("plus bas", "lager"),
    "high": ("plus haut", "hoger"),
    "incremental_cost": ("coût supplémentaire par participant (€)",
                         "extra kost per deelnemer (€)"),
    "incremental_effect": ("emplois supplémentaires par participant", "extra banen per deelnemer"),
    "icer": ("coût par emploi supplémentaire (€)", "kost per extra baan (€)"),
    "bootstrap": ("bootstrap (percentiles)", "bootstrappercentiel"),
    "fieller": ("Fieller", "Fieller"),
    "dominant": ("dominant", "dominant"), "dominated": ("dominé", "gedomineerd"),
    "cheaper_fewer_jobs": ("moins cher, moins d'emplois", "goedkoper, minder banen"),
    "undefined": ("non défini", "niet gedefinieerd"),
    "two_proportions": ("part en emploi à l'horizon", "aandeel met werk op de horizon"),
    "hazard_ratio": ("délai jusqu'à l'emploi (rapport de risques)",
                     "tijd tot werk (hazard ratio)"),
    "rmst_difference": ("temps moyen restreint de recherche (mois)",
                        "beperkte gemiddelde zoektijd (maanden)"),
    "paired_change": ("changement de la confiance en soi (apparié)",
                      "verandering van zelfvertrouwen (gepaard)"),
    "arcsine": ("arcsinus (h de Cohen)", "arcsinus (Cohens h)"),
    "pooled": ("normale poolée", "gepoolde normale"), "schoenfeld": ("Schoenfeld", "Schoenfeld"),
    "freedman": ("Freedman", "Freedman"), "paired_t": ("test t apparié", "gepaarde t-toets"),
    "kaplan_meier": ("Kaplan–Meier", "Kaplan–Meier"),
    "n_per_group": ("participants par groupe", "deelnemers per groep"),
    "events": ("événements", "gebeurtenissen"), "n_pairs": ("paires", "paren"),
}

#: English captions and figure titles of notebooks 06 and 07 -> (French, Dutch).
MESSAGES: dict[str, tuple[str, str]] = {
    "Costs by programme and cost item (nominal EUR, not adjusted for inflation)": (
        "Coûts par programme et poste de coût (euros nominaux, non corrigés de l'inflation)",
        "Kosten per programma en kostenpost (nominale euro, niet gecorrigeerd voor inflatie)",
    ),
    "Cost per participant, duo and job: intention to treat and per completer (EUR)": (
        "Coût par participant, par duo et par emploi : intention de traiter et par duo complet "
        "(€)",
        "Kost per deelnemer, duo en baan: intention to treat en per voltooier (€)",
    ),
    "Extra cost, extra jobs and cost per extra job of the programme (bootstrap and Fieller "
    "intervals)": (
        "Coût supplémentaire, emplois supplémentaires et coût par emploi supplémentaire du "
        "programme (intervalles bootstrap et de Fieller)",
        "Extra kost, extra banen en kost per extra baan van het programma (bootstrap- en "
        "Fieller-intervallen)",
    ),
    "Cost per extra job when one cost item or the horizon changes": (
        "Coût par emploi supplémentaire quand un poste de coût ou l'horizon change",
        "Kost per extra baan als één kostenpost of de horizon verandert",
    ),
    "Intraclass correlation of a job within the horizon between the participants of a "
    "mentor": (
        "Corrélation intraclasse d'un emploi dans l'horizon entre les participants d'un mentor",
        "Intraclasscorrelatie van werk binnen de horizon tussen de deelnemers van een mentor",
    ),
    "Design effect of clustering by mentor": (
        "Effet de plan du regroupement par mentor",
        "Design-effect van clustering per mentor",
    ),
    "Participants the next evaluation needs for each question": (
        "Participants nécessaires à la prochaine évaluation pour chaque question",
        "Deelnemers die de volgende evaluatie per vraag nodig heeft",
    ),
    "Power to detect the observed difference in the share with a job, by participants per "
    "group": (
        "Puissance pour détecter la différence observée de la part en emploi, selon le nombre "
        "de participants par groupe",
        "Power om het waargenomen verschil in het aandeel met werk te detecteren, per aantal "
        "deelnemers per groep",
    ),
}
