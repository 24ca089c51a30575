import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    redis_host: str = os.getenv("REDIS_HOST", "localhost")
    redis_port: int = int(os.getenv("REDIS_PORT", "6379"))
    mongo_url: str = os.getenv("MONGO_URL", "mongodb://localhost:27017")
    mongo_db: str = os.getenv("MONGO_DB", "orders")
    receipts_bucket: str = os.getenv("RECEIPTS_BUCKET", "orders-receipts")
    payments_api_url: str = os.getenv("PAYMENTS_API_URL", "https://api.payments.example.com")
    payments_api_key: str = os.getenv("PAYMENTS_API_KEY", "")
    notify_api_url: str = os.getenv("NOTIFY_API_URL", "https://notify.example.com")
    notify_api_key: str = os.getenv("NOTIFY_API_KEY", "")


settings = Settings()
