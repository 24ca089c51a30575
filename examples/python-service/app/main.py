import asyncio
import uuid
from datetime import datetime, timezone

from fastapi import Depends, FastAPI, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from rq import Queue

from app.cache import cache
from app.clients import payments
from app.db import orders
from app.notifications import send_order_confirmation
from app.ratelimit import rate_limit
from app.storage import receipt_url
from app.tasks import generate_receipt

app = FastAPI(title="orders-service")
receipts = Queue("receipts", connection=cache)


class Item(BaseModel):
    sku: str
    quantity: int = Field(gt=0)
    unit_price_cents: int = Field(ge=0)


class OrderIn(BaseModel):
    customer_id: str
    email: str
    currency: str = "EUR"
    items: list[Item] = Field(min_length=1)


@app.post("/orders", status_code=201, dependencies=[Depends(rate_limit)])
async def create_order(body: OrderIn):
    order_id = uuid.uuid4().hex
    amount_cents = sum(i.quantity * i.unit_price_cents for i in body.items)
    charge = await run_in_threadpool(
        payments.charge,
        order_id=order_id,
        customer_id=body.customer_id,
        amount_cents=amount_cents,
        currency=body.currency,
    )
    order = {
        "_id": order_id,
        "customer_id": body.customer_id,
        "email": body.email,
        "currency": body.currency,
        "items": [i.model_dump() for i in body.items],
        "amount_cents": amount_cents,
        "charge_id": charge["id"],
        "payment_status": charge["status"],
        "created_at": datetime.now(timezone.utc),
    }
    await run_in_threadpool(orders.insert_one, order)
    await run_in_threadpool(receipts.enqueue, generate_receipt, order_id)
    # tell the customer without making them wait for the e-mail provider
    asyncio.create_task(send_order_confirmation(order))
    return {"id": order_id, "amount_cents": amount_cents, "payment_status": charge["status"]}


@app.get("/orders/{order_id}")
def get_order(order_id: str):
    order = orders.find_one({"_id": order_id}, {"_id": 0, "created_at": 0})
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    return {"id": order_id, **order}


@app.get("/orders/{order_id}/receipt")
def get_receipt(order_id: str):
    order = orders.find_one({"_id": order_id}, {"receipt_key": 1})
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    if "receipt_key" not in order:
        raise HTTPException(status_code=409, detail="Receipt not generated yet")
    return {"url": receipt_url(order["receipt_key"])}


@app.post("/orders/{order_id}/refund", dependencies=[Depends(rate_limit)])
def refund_order(order_id: str):
    order = orders.find_one({"_id": order_id}, {"charge_id": 1})
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    refund = payments.refund(order["charge_id"])
    orders.update_one({"_id": order_id}, {"$set": {"payment_status": "refunded", "refund_id": refund["id"]}})
    return {"id": order_id, "refund_id": refund["id"]}
