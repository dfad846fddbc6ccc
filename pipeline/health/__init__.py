"""Child measurement (NCMP) statistics: BMI classification against UK90 and the health release.

``reference`` holds the UK90 BMI LMS reference as shipped by RCPCH's ``rcpchgrowth``;
``classification`` turns heights, weights and ages into BMI SDS, centiles and the NCMP
population-monitoring categories; ``plausibility`` holds the checks that quarantine a
measurement instead of classifying it; ``measurements`` reads the statistics-eligible
measurements of an academic year from the store.
"""
