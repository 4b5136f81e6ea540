"""django-q2 task functions: take ids, call a service, safe to run twice."""


def watchdog() -> str:
    from .automation import reconcile
    from .services import watchdog_run
    from .staggering import waves_release_due

    released = waves_release_due()  # waves planned for today start with the day's first run
    resent = reconcile()  # API tasks whose job was lost with its worker go again (R32)
    return "timed out {timed_out}, escalated {escalated}".format(**watchdog_run()) + (
        f", released {released} wave(s), sent {len(resent)} API task(s)"
    )
