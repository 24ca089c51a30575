import asyncio
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from fastapi import Depends, FastAPI, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from rq import Queue

from app.cache import cache
from app.clients import payments
from app.db import mongo, orders
from app.notifications import send_order_confirmation
from app.ratelimit import rate_limit
from app.storage import receipt_url
from app.tasks import generate_receipt

logger = logging.getLogger(__name__)

# The event loop keeps only weak references to tasks: hold fire-and-forget tasks here until done.
background_tasks: set[asyncio.Task] = set()


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task %s failed", task.get_name(), exc_info=task.exception())


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    # give in-flight notifications a moment, then release every client
    if background_tasks:
        await asyncio.wait(background_tasks, timeout=10)
    payments.close()
    mongo.close()
    cache.close()


app = FastAPI(title="orders-service", lifespan=lifespan)
receipts = Queue("receipts", connection=cache)


@app.get("/healthz")
async def healthz():
    # liveness: answers from the event loop without touching Redis, MongoDB or the payments API
    return {"status": "ok"}


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
    task = asyncio.create_task(send_order_confirmation(order))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    task.add_done_callback(_log_failure)
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
