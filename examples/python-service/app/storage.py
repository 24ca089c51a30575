import boto3

from app.config import settings

s3 = boto3.client("s3")


def upload_receipt(order_id: str, body: bytes) -> str:
    key = f"receipts/{order_id}.txt"
    s3.put_object(
        Bucket=settings.receipts_bucket,
        Key=key,
        Body=body,
        ContentType="text/plain; charset=utf-8",
    )
    return key


def receipt_url(key: str, expires_in: int = 900) -> str:
    return s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.receipts_bucket, "Key": key},
        ExpiresIn=expires_in,
    )
