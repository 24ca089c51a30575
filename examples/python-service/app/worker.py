"""rq worker for the receipts queue: python -m app.worker"""

from rq import Worker

from app.cache import cache


def main() -> None:
    worker = Worker(["receipts"], connection=cache)
    worker.work()


if __name__ == "__main__":
    main()
