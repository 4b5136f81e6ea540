from django.contrib import admin

from telcrm.admin import AuditedAdmin

from .models import AssignmentGroup, FlowTemplate, SubFlow, Task, TaskTemplate


@admin.register(AssignmentGroup)
class AssignmentGroupAdmin(AuditedAdmin):
    list_display = ["name", "manager", "daily_visit_capacity"]
    filter_horizontal = ["members"]


class TaskTemplateInline(admin.TabularInline):
    model = TaskTemplate
    fk_name = "flow"
    extra = 0
    fields = [
        "position",
        "code",
        "name",
        "kind",
        "group",
        "planned_hours",
        "sla_hours",
        "outputs",
        "depends_on",
    ]


@admin.register(FlowTemplate)
class FlowTemplateAdmin(AuditedAdmin):
    list_display = ["name", "specification"]
    inlines = [TaskTemplateInline]


@admin.register(SubFlow)
class SubFlowAdmin(AuditedAdmin):
    list_display = ["__str__", "domain_order", "state"]
    readonly_fields = ["domain_order", "child_line", "template"]


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["number", "name", "kind", "group", "state", "assignee", "due_at"]
    list_filter = ["state", "kind", "group"]
    readonly_fields = ["sub_flow", "template", "group", "assignee", "outputs"]
