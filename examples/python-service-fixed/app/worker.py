"""rq worker for the receipts queue: python -m app.worker"""

from rq import Worker

from app.cache import cache


def main() -> None:
    # rq raises this connection's socket_timeout above its blocking-dequeue timeout for the
    # worker, and handles SIGTERM/SIGINT itself: a warm shutdown lets the running job finish,
    # then work() returns.
    worker = Worker(["receipts"], connection=cache)
    try:
        worker.work()
    finally:
        cache.close()


if __name__ == "__main__":
    main()
