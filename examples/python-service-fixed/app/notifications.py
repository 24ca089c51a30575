import httpx

from app.config import settings


async def send_order_confirmation(order: dict) -> None:
    async with httpx.AsyncClient(
        base_url=settings.notify_api_url,
        headers={"Authorization": f"Bearer {settings.notify_api_key}"},
        timeout=10.0,
    ) as client:
        resp = await client.post(
            "/v1/messages",
            json={
                "to": order["email"],
                "template": "order-confirmation",
                "data": {"order_id": order["_id"], "total_cents": order["amount_cents"]},
            },
        )
        resp.raise_for_status()
