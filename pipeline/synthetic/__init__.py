"""The synthetic borough: invented pupil-level input files for an English local authority.

``generate_borough`` draws every input of one census (schools, census, KS2, KS4, absence,
NCMP, consent) as typed polars frames, optionally with recorded bad rows;
``write_borough`` writes them as CSV or Parquet in the columns of ``schema.inputs``.
"""

from pipeline.synthetic.borough import SyntheticBorough, generate_borough
from pipeline.synthetic.defects import Defect
from pipeline.synthetic.writer import write_borough

__all__ = ["Defect", "SyntheticBorough", "generate_borough", "write_borough"]
