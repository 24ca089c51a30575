"""Fixed-window rate limit per client address, kept in Redis."""

from fastapi import HTTPException, Request

from app.cache import cache as r

LIMIT = 30
WINDOW_SECONDS = 60


def hit(identity: str) -> int:
    key = f"ratelimit:{identity}"
    if r.get(key) is None:
        r.set(key, 0, ex=WINDOW_SECONDS)
    return r.incr(key)


def rate_limit(request: Request) -> None:
    identity = request.client.host if request.client else "unknown"
    if hit(identity) > LIMIT:
        raise HTTPException(
            status_code=429,
            detail="Too many requests",
            headers={"Retry-After": str(WINDOW_SECONDS)},
        )
