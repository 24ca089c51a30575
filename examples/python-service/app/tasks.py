"""Background jobs, run by the rq worker (app/worker.py)."""

from app.clients import payments
from app.db import orders
from app.storage import upload_receipt


def render_receipt(order: dict, charge: dict) -> str:
    lines = [f"Receipt for order {order['_id']}", ""]
    for item in order["items"]:
        lines.append(f"{item['quantity']} x {item['sku']}  {item['unit_price_cents'] / 100:.2f}")
    lines += ["", f"Total: {order['amount_cents'] / 100:.2f} {order['currency']}"]
    lines.append(f"Payment: {charge['id']} ({charge['status']})")
    return "\n".join(lines) + "\n"


def generate_receipt(order_id: str) -> str:
    order = orders.find_one({"_id": order_id})
    if order is None:
        raise LookupError(f"order {order_id} not found")
    charge = payments.get_charge(order["charge_id"])
    key = upload_receipt(order_id, render_receipt(order, charge).encode())
    orders.update_one(
        {"_id": order_id},
        {"$set": {"receipt_key": key, "payment_status": charge["status"]}},
    )
    return key
