"""django-q2 task functions: take ids, call a service, safe to run twice."""


def watchdog() -> str:
    from .services import watchdog_run

    return "timed out {timed_out}, escalated {escalated}".format(**watchdog_run())
