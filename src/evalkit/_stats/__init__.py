"""Numeric engines shared by the analysis families (private).

A family never reaches into another family's internals; what two families need lives
here, once:

- :mod:`~evalkit._stats.arrays`: reverse cumulative sums, column-major row gathers;
- :mod:`~evalkit._stats.covariates`: covariate columns expanded to numbers and 0/1 levels;
- :mod:`~evalkit._stats.formula`: design matrices from formulas;
- :mod:`~evalkit._stats.intervals`: normal quantiles and p-values, percentile intervals;
- :mod:`~evalkit._stats.logistic`: the logistic function and the Newton logistic fit;
- :mod:`~evalkit._stats.mestimation`: sandwich variances of M-estimators, cluster sums
  and variances, the rows' influences on Kaplan–Meier / Aalen–Johansen curves;
- :mod:`~evalkit._stats.resample`: bootstrap resampling (people or clusters) and the
  replicate loop.
"""
