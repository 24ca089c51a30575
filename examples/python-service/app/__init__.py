"""Orders service: FastAPI API + rq worker."""
