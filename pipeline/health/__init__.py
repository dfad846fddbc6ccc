"""Child measurement (NCMP): BMI classification against UK90.

``reference`` holds the UK90 BMI LMS reference as shipped by RCPCH's ``rcpchgrowth``;
``classification`` turns heights, weights and ages into BMI SDS, centiles and the NCMP
population-monitoring categories; ``plausibility`` holds the checks that quarantine a
measurement instead of classifying it. The health release that uses them is
``pipeline.releases.ccg_health``.
"""
