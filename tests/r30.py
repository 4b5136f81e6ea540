"""R30 test helpers: hostile text, and requests that carry it the way a client could.

A lone surrogate cannot be encoded as UTF-8, so Django's test client refuses to send it;
on the wire a client sends its bytes (``surrogatepass``), which Django decodes with
replacement characters. JSON carries it as the escape ``"\\ud800"``."""

from urllib.parse import urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

BAD = ["\x00", "\ud800", "\udfff", "²", "٣", "\u202e", "\ufeff", "'", '"', "<script>", "%"]

# Keep the suite fast: a few examples each, no per-example deadline (the DB is slow here).
r30_settings = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character, surrogates included, with the known troublemakers mixed in.
any_char = st.one_of(st.sampled_from(BAD), st.characters(exclude_categories=()))
texts = st.lists(any_char, max_size=30).map("".join)
# Text that certainly holds a NUL or a lone surrogate somewhere.
unclean_texts = st.tuples(texts, st.sampled_from(["\x00", "\ud800", "\udcff"]), texts).map("".join)


def form_body(data: dict) -> bytes:
    """An urlencoded form body as a client puts it on the wire, surrogates and all."""
    return urlencode(data, doseq=True, errors="surrogatepass").encode("ascii")


def post_form(client, url: str, data: dict, **kwargs):
    return client.post(
        url, form_body(data), content_type="application/x-www-form-urlencoded", **kwargs
    )


def get_query(client, url: str, data: dict, **kwargs):
    return client.get(f"{url}?{urlencode(data, doseq=True, errors='surrogatepass')}", **kwargs)


# Text that certainly holds a NUL: what a form can receive (surrogates arrive as U+FFFD).
nul_texts = st.tuples(texts, st.just("\x00"), texts).map("".join)
