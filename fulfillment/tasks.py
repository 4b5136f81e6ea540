"""django-q2 task functions: take ids, call a service, safe to run twice."""


def watchdog() -> str:
    from .services import watchdog_run
    from .staggering import waves_release_due

    released = waves_release_due()  # waves planned for today start with the day's first run
    return "timed out {timed_out}, escalated {escalated}".format(**watchdog_run()) + (
        f", released {released} wave(s)"
    )
