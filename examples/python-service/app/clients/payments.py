"""Client for the third-party payments API."""

import requests

from app.config import settings

BASE_URL = settings.payments_api_url.rstrip("/")

_session = requests.Session()
_session.headers.update({"Authorization": f"Bearer {settings.payments_api_key}"})


def charge(*, order_id: str, customer_id: str, amount_cents: int, currency: str) -> dict:
    resp = requests.post(
        f"{BASE_URL}/v1/charges",
        json={
            "amount": amount_cents,
            "currency": currency,
            "customer": customer_id,
            "metadata": {"order_id": order_id},
        },
        headers={
            "Authorization": f"Bearer {settings.payments_api_key}",
            "Idempotency-Key": f"charge-{order_id}",
        },
    )
    resp.raise_for_status()
    return resp.json()


def get_charge(charge_id: str) -> dict:
    resp = _session.get(f"{BASE_URL}/v1/charges/{charge_id}")
    resp.raise_for_status()
    return resp.json()


def refund(charge_id: str, amount_cents: int | None = None) -> dict:
    payload: dict = {"charge": charge_id}
    if amount_cents is not None:
        payload["amount"] = amount_cents
    resp = _session.post(
        f"{BASE_URL}/v1/refunds",
        json=payload,
        headers={"Idempotency-Key": f"refund-{charge_id}-{amount_cents}"},
    )
    resp.raise_for_status()
    return resp.json()
