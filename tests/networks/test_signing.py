"""networks/signing.py: what receivers check, with the clock pinned."""

import pytest

from networks import signing

NOW = 1_800_000_000
SECRET = "s3cret"
BODY = b'{"event": "post.published"}'


def signed(**changes):
    values = {"body": BODY, "secret": SECRET, "delivery_id": "d-1", "timestamp": NOW} | changes
    return signing.signature_headers(**values)


def check(headers, *, body=BODY, secret=SECRET, now=NOW, seen=()):
    return signing.verify(
        body=body, secret=secret, headers=headers, accept_once=lambda delivery: delivery not in seen, now=now
    )


def test_a_fresh_delivery_signed_with_the_secret_is_accepted():
    headers = signed()
    assert headers["X-Signature"].startswith(f"t={NOW},v1=") and headers["X-Timestamp"] == str(NOW)
    assert check(headers) == "d-1"
    assert check({name.lower(): value for name, value in headers.items()}) == "d-1"  # header case


@pytest.mark.parametrize("drift", [-signing.TOLERANCE_SECONDS, signing.TOLERANCE_SECONDS])
def test_a_clock_drift_within_the_tolerance_is_accepted(drift):
    assert check(signed(), now=NOW + drift) == "d-1"


@pytest.mark.parametrize("drift", [-signing.TOLERANCE_SECONDS - 1, signing.TOLERANCE_SECONDS + 1, 86_400])
def test_an_old_or_future_timestamp_is_refused(drift):
    with pytest.raises(signing.InvalidSignature):
        check(signed(), now=NOW + drift)


def test_a_reused_delivery_id_is_a_replay():
    with pytest.raises(signing.Replayed):
        check(signed(), seen={"d-1"})


def test_a_captured_delivery_cannot_be_given_a_fresher_timestamp():
    headers = signed()
    later = NOW + 600
    forged = headers | {
        "X-Timestamp": str(later),
        "X-Signature": headers["X-Signature"].replace(f"t={NOW}", f"t={later}"),
    }
    with pytest.raises(signing.InvalidSignature):
        check(forged, now=later)


@pytest.mark.parametrize(
    "forge",
    [
        lambda h: h | {"X-Delivery-Id": "d-2"},  # passed off as another delivery
        lambda h: h | {"X-Signature": f"t={NOW},v1=" + "0" * 64},
        lambda h: {k: v for k, v in h.items() if k != "X-Signature"},
        lambda h: h | {"X-Signature": "v1=abc"},
    ],
)
def test_a_changed_header_breaks_the_signature(forge):
    with pytest.raises(signing.InvalidSignature) as caught:
        check(forge(signed()))
    assert not isinstance(caught.value, signing.Replayed)


def test_a_changed_body_or_another_secret_is_refused():
    with pytest.raises(signing.InvalidSignature):
        check(signed(), body=BODY + b" ")
    with pytest.raises(signing.InvalidSignature):
        check(signed(), secret="another")
