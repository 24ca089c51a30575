import { Request, Response, NextFunction } from "express";
import {
  S3Client,
  PutObjectCommand,
  DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "https";
import { randomUUID } from "crypto";
import path from "path";
import FileModel from "../models/file.model";

const BUCKET_NAME = process.env.R2_BUCKET_NAME as string;
const PUBLIC_URL = process.env.R2_PUBLIC_URL as string;

// Cloudflare R2 is S3-compatible, so we just point the AWS SDK at it
export const r2 = new S3Client({
  region: "auto",
  endpoint: `https://${process.env.CLOUDFLARE_ACCOUNT_ID}.r2.cloudflarestorage.com`,
  credentials: {
    accessKeyId: process.env.CLOUDFLARE_ACCESS_KEY_ID as string,
    secretAccessKey: process.env.CLOUDFLARE_SECRET_ACCESS_KEY as string,
  },
  // R2 rejects the new default checksum headers from SDK >= 3.729
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
  // bounded, reused sockets + timeouts so a slow R2 can't pile up connections
  requestHandler: new NodeHttpHandler({
    connectionTimeout: 5000,
    requestTimeout: 30000,
    httpsAgent: new Agent({ keepAlive: true, maxSockets: 50 }),
  }),
  maxAttempts: 3,
});

const ALLOWED_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"];

// POST /api/files/upload  (multipart, field "file")
export const uploadFile = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const file = req.file;
    const userId = req.body.userId;

    if (!file) {
      return res.status(400).json({ message: "No file uploaded" });
    }

    if (!ALLOWED_TYPES.includes(file.mimetype)) {
      return res.status(415).json({ message: "Unsupported file type" });
    }

    const ext = path.extname(file.originalname).toLowerCase() || ".jpg";
    const fileKey = `uploads/${userId}/${randomUUID()}${ext}`;

    await r2.send(
      new PutObjectCommand({
        Bucket: BUCKET_NAME,
        Key: fileKey,
        Body: file.buffer,
        ContentType: file.mimetype,
        Metadata: { originalName: encodeURIComponent(file.originalname) },
      })
    );

    const newFile = await FileModel.create({
      userId,
      fileName: file.originalname,
      fileKey,
      url: `${PUBLIC_URL}/${fileKey}`,
      mimeType: file.mimetype,
      size: file.size,
    });

    res.status(201).json({
      message: "File uploaded successfully",
      file: newFile,
    });
  } catch (err) {
    next(err);
  }
};

// DELETE /api/files/:id/object  (removes only the object, used by the admin tool)
export const deleteObject = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const file = await FileModel.findById(req.params.id);

    if (!file) {
      return res.status(404).json({ message: "File not found" });
    }

    await r2.send(
      new DeleteObjectCommand({
        Bucket: BUCKET_NAME,
        Key: file.fileKey,
      })
    );

    res.json({ message: "Object deleted" });
  } catch (err) {
    next(err);
  }
};
