"""Who may give an instruction about a pupil's data, and when the right passes to the pupil.

The section 507B restriction (Education Act 1996; Education and Skills Act 2008): for a pupil
under 16 a parent (or carer with parental responsibility) may ask that nothing but the
pupil's name, address and date of birth is passed to Youth Support Services. The right
passes to the young person on their 16th birthday:

* from that day a parent's or carer's new instruction (to restrict or to lift a
  restriction) is refused, with a message saying why;
* before it the young person cannot record the restriction themselves: it is their parent's;
* a parent's instruction given before the 16th birthday stays in force until the young
  person records their own choice (to lift it, by withdrawing it, or to restrict).

For the research/statistics opt-out the notice sets no age: a parent, carer or the young
person may record one, but an opt-out the young person recorded can only be withdrawn by
them.

A person born on 29 February reaches an age on 1 March in a year that is not a leap year.
"""

from __future__ import annotations

from datetime import date

from schema.errors import PupilstatsError

AGE_OF_TRANSFER = 16
PARENTS: tuple[str, ...] = ("parent", "carer")
YOUNG_PERSON = "young_person"
RESTRICTION = "parental_restriction"
OPT_OUT = "research_opt_out"


class InstructionRefused(PupilstatsError):
    """An instruction about a pupil's data was not accepted from the person who gave it."""


def birthday(date_of_birth: date, years: int) -> date:
    """The day ``date_of_birth`` turns ``years`` old (29 February: 1 March if not a leap year)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date(date_of_birth.year + years, 3, 1)


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on ``on``."""
    years = on.year - date_of_birth.year
    return years if on >= birthday(date_of_birth, years) else years - 1


def transfer_date(date_of_birth: date) -> date:
    """The 16th birthday: the day the restriction right becomes the young person's."""
    return birthday(date_of_birth, AGE_OF_TRANSFER)


def restriction_problem(recorded_by: str, recorded_on: date, date_of_birth: date) -> str | None:
    """Why ``recorded_by`` may not give a restriction instruction on ``recorded_on``, or None."""
    transfer = transfer_date(date_of_birth)
    if recorded_by in PARENTS and recorded_on >= transfer:
        return (
            f"the pupil turned 16 on {transfer.isoformat()}: from then on, what is passed to "
            "Youth Support Services is the young person's own choice, so an instruction from a "
            f"{recorded_by} dated {recorded_on.isoformat()} cannot be accepted; the young "
            "person may record their own"
        )
    if recorded_by == YOUNG_PERSON and recorded_on < transfer:
        return (
            f"until the pupil's 16th birthday ({transfer.isoformat()}) the restriction is asked "
            "for or lifted by a parent or carer, not by the young person"
        )
    return None


def check_may_record(
    consent_type: str, recorded_by: str, recorded_on: date, date_of_birth: date
) -> None:
    """Refuse an instruction its giver may not give (see the module's rules)."""
    if consent_type == RESTRICTION:
        problem = restriction_problem(recorded_by, recorded_on, date_of_birth)
        if problem:
            raise InstructionRefused(f"restriction refused: {problem}")


def check_may_withdraw(
    consent_type: str,
    instruction_recorded_by: str,
    withdrawn_by: str,
    withdrawn_on: date,
    date_of_birth: date,
) -> None:
    """Refuse a withdrawal its giver may not make."""
    if consent_type == RESTRICTION:
        problem = restriction_problem(withdrawn_by, withdrawn_on, date_of_birth)
        if problem:
            raise InstructionRefused(f"withdrawal refused: {problem}")
    elif instruction_recorded_by == YOUNG_PERSON and withdrawn_by != YOUNG_PERSON:
        raise InstructionRefused(
            "withdrawal refused: the young person recorded this opt-out themselves, so only "
            "they can withdraw it"
        )


def restriction_counts(recorded_by: str, recorded_on: date, date_of_birth: date) -> bool:
    """Whether a restriction in the register was validly given (a delivered file may hold
    one a parent dated on or after the 16th birthday: it has no effect)."""
    return restriction_problem(recorded_by, recorded_on, date_of_birth) is None
