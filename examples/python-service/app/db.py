from pymongo import MongoClient

from app.config import settings

mongo = MongoClient(settings.mongo_url)
db = mongo[settings.mongo_db]
orders = db["orders"]
