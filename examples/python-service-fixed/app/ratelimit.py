"""Fixed-window rate limit per client address, kept in Redis."""

from fastapi import HTTPException, Request

from app.cache import cache as r

LIMIT = 30
WINDOW_SECONDS = 60


def hit(identity: str) -> int:
    key = f"ratelimit:{identity}"
    # SET … EX … NX creates the window's key together with its TTL, only if it is missing.
    # MULTI/EXEC (transaction=True) runs the SET and the INCR as one unit, so the key cannot
    # expire between them (INCR on a missing key would recreate it with no TTL).
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=WINDOW_SECONDS, nx=True)
        pipe.incr(key)
        _, count = pipe.execute()
    return count


def rate_limit(request: Request) -> None:
    identity = request.client.host if request.client else "unknown"
    if hit(identity) > LIMIT:
        raise HTTPException(
            status_code=429,
            detail="Too many requests",
            headers={"Retry-After": str(WINDOW_SECONDS)},
        )
