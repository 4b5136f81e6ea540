"""Fulfillment (R20): admin-managed flow templates per product specification with their task
templates, and the sub flows and tasks made from them for each child line of a decomposed
order. Tasks wait for their dependencies, inside a flow and across domain orders.

One module per concern; every model is importable from here."""

from .adapter_calls import AdapterCall
from .fallout import Fallout
from .field_work import FieldWorkOrder
from .projects import Milestone, ProjectTask, SpecialProject
from .tasks import SubFlow, Task, TaskDependency
from .templates import AssignmentGroup, FlowTemplate, TaskTemplate
from .waves import Wave

__all__ = [
    "AdapterCall",
    "AssignmentGroup",
    "Fallout",
    "FieldWorkOrder",
    "FlowTemplate",
    "Milestone",
    "ProjectTask",
    "SpecialProject",
    "SubFlow",
    "Task",
    "TaskDependency",
    "TaskTemplate",
    "Wave",
]
