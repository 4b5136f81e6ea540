"""R30 for the public signing page: whatever a stranger posts is answered with the form and
its reasons (400), never a 5xx, and nothing is signed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.models import Signature, SigningRequest
from tests.r30 import nul_texts, post_form, r30_settings, texts

from .conftest import send


@pytest.fixture
def link(users, accepted, signatory, django_capture_on_commit_callbacks):
    return send(users, accepted, signatory, django_capture_on_commit_callbacks)[1]


def test_r30_signing_page_names_a_nul_in_the_name(client, link):
    response = post_form(
        client, link, {"signer_name": "Henrik\x00 Jansen", "method": "typed", "consent": "on"}
    )
    assert response.status_code == 400
    assert "This text contains a NUL (zero) character" in response.content.decode()
    assert not Signature.objects.exists() and SigningRequest.objects.get().state == "sent"


@given(name=nul_texts, method=st.sampled_from(["typed", "drawn", "\x00", "²"]), image=texts)
@r30_settings
def test_r30_signing_page_any_text_is_below_500(client, link, name, method, image):
    response = post_form(
        client, link, {"signer_name": name, "method": method, "image": image, "consent": "on"}
    )
    assert response.status_code == 400
    assert not Signature.objects.exists() and SigningRequest.objects.get().state == "sent"
