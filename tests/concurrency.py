"""Run one business action from several users at the same moment (R31 races)."""

import threading

from django.db import connections

from telcrm.fsm import DomainError


def at_once(action, actors) -> list[str]:
    """``action(actor)`` for each actor in its own thread (own database connection), all
    released together; each outcome is "ok" or the message the loser was told."""
    barrier = threading.Barrier(len(actors))
    outcomes: list[str] = []

    def run(actor) -> None:
        try:
            barrier.wait()
            action(actor)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
