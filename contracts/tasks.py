"""django-q2 task functions: take ids, call a service, safe to run twice."""


def render_document(document_id: int) -> str:
    from .services import document_render

    document = document_render(document_id)
    return document.state
