"""django-q2 task functions: take ids, call a service, safe to run twice."""


def run_account_import(import_id: int) -> str:
    from .services.imports import account_import_run

    return account_import_run(import_id).state
