import redis

from app.config import settings

# redis-py 5.x waits forever by default: bound both connecting and every command.
# Closed by the API's lifespan (app/main.py) and by the worker on shutdown (app/worker.py).
cache = redis.Redis(
    host=settings.redis_host,
    port=settings.redis_port,
    db=0,
    socket_timeout=5,
    socket_connect_timeout=5,
    health_check_interval=30,
)
