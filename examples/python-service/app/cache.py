import redis

from app.config import settings

cache = redis.Redis(host=settings.redis_host, port=settings.redis_port, db=0)
