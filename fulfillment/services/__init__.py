"""Business actions of fulfillment: start an approved, decomposed order's work (R20); claim,
start, complete or reject tasks (R23), which readies what waited for them; field visits;
fall-outs and their resolutions (R22); special projects (R21); and closure bottom-up, task
-> sub flow -> domain order -> line -> order (R24). ``actor`` None is the system (a
background worker, the watchdog).

One module per concern; every action is importable from here."""

from ._base import _lock_order, _next_working_morning
from .activation import _activate
from .fallout import fallout_cancel_line, fallout_complete, fallout_retry, fallout_skip
from .field_work import work_order_arrive, work_order_complete, work_order_dispatch
from .flow import _ready_what_can_start
from .orchestration import order_fulfillment_start
from .projects import project_reason, project_take, project_task_done
from .tasks import task_claim, task_complete, task_fail, task_reject, task_start
from .watchdog import fallouts_escalate, watchdog_run

__all__ = [
    "_activate",
    "_lock_order",
    "_next_working_morning",
    "_ready_what_can_start",
    "fallout_cancel_line",
    "fallout_complete",
    "fallout_retry",
    "fallout_skip",
    "fallouts_escalate",
    "order_fulfillment_start",
    "project_reason",
    "project_take",
    "project_task_done",
    "task_claim",
    "task_complete",
    "task_fail",
    "task_reject",
    "task_start",
    "watchdog_run",
    "work_order_arrive",
    "work_order_complete",
    "work_order_dispatch",
]
