from pymongo import MongoClient

from app.config import settings

# Bounded pool, and deadlines for waiting on a pooled connection, for each socket read and for
# finding a server. Closed by the API's lifespan (app/main.py).
mongo = MongoClient(
    settings.mongo_url,
    maxPoolSize=50,
    waitQueueTimeoutMS=5_000,
    socketTimeoutMS=30_000,
    serverSelectionTimeoutMS=5_000,
    connectTimeoutMS=5_000,
)
db = mongo[settings.mongo_db]
orders = db["orders"]
