"""Releases over time: what two releases of the same population disclose together.

A table published again after its population changed (a re-issue after an opt-out, the next
night's release after a leaver) is, with the earlier one, a table of differences: cells of
a few pupils. Hundepool et al. (2012, 4.4, "linked tables"; 4.2.1 on the threshold rule) treat
tables that share cells or relations as one problem; here the earlier release is a linked
table whose cells are known as it was published. ``earlier`` holds an earlier release as the
attacker and the protector see it; ``difference_rule`` turns the changes of few pupils into
protection levels for the new release; ``joint_audit`` checks both releases together.
Method note: ``docs/methods/releases-over-time.md``.
"""

from disclosure.over_time.difference_rule import difference_requirements
from disclosure.over_time.earlier import Change, EarlierRelease
from disclosure.over_time.joint_audit import JointAuditReport, joint_audit
from disclosure.over_time.protection import ProtectionOverTime, protect_over_time

__all__ = [
    "Change",
    "EarlierRelease",
    "JointAuditReport",
    "ProtectionOverTime",
    "difference_requirements",
    "joint_audit",
    "protect_over_time",
]
