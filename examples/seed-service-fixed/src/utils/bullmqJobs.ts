import IORedis from "ioredis";
import { Worker, Queue } from "bullmq";
import sharp from "sharp";
import { PutObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import FileModel from "../models/file.model";
import { r2 } from "../controllers/cloudflare.controller";

const AI_API_URL =
  process.env.AI_API_URL || "https://api.openai.com/v1/chat/completions";
const AI_API_KEY = process.env.OPENAI_API_KEY;
const AI_MODEL = process.env.AI_MODEL || "gpt-4o-mini";
const R2_PUBLIC_URL = process.env.R2_PUBLIC_URL;
const R2_BUCKET_NAME = process.env.R2_BUCKET_NAME as string;

const THUMBNAIL_WIDTH = 320;
const MAX_AI_TAGS = 8;

// upper bounds for outbound HTTP so a slow R2 / AI API can't wedge a worker
const DOWNLOAD_TIMEOUT_MS = 30_000;
const AI_TIMEOUT_MS = 60_000;
const WEBHOOK_TIMEOUT_MS = 10_000;

// ---- Redis (shared by queue, workers and upload limits) ----
export const connection = new IORedis({
  host: "redis-15783.crce179.ap-south-1-1.ec2.cloud.redislabs.com",
  port: 15783,
  password: process.env.REDIS_PASSWORD,
  maxRetriesPerRequest: null,
  enableReadyCheck: false,
  db: 0,
});

// without an "error" listener ioredis only prints "Unhandled error event" and
// we never see it in our logs; record it and let ioredis reconnect on its own
connection.on("error", (err) => {
  console.error("Redis connection error:", err.message);
});

connection.on("connect", () => {
  console.log("Redis connected");
});

connection.on("reconnecting", (delay: number) => {
  console.warn(`Redis reconnecting in ${delay}ms...`);
});

export const myQueue = new Queue("metadata-extraction-queue", { connection });

myQueue.on("error", (err) => {
  console.error("Queue error (metadata-extraction-queue):", err);
});

const buildImageUrl = (fileKey: string) => `${R2_PUBLIC_URL}/${fileKey}`;

const parseAiJson = (raw: string) => {
  // model sometimes wraps the json in ```json fences
  const cleaned = raw
    .replace(/^```json/i, "")
    .replace(/^```/, "")
    .replace(/```$/, "")
    .trim();
  return JSON.parse(cleaned);
};

const AI_PROMPT = `You are an assistant for a photo library app.
Describe the image in one or two sentences and return up to 8 short tags.
Never guess the names of people in the photo.
Respond ONLY with JSON: {"description": string, "tags": string[]}`;

const describeImage = async (fileKey: string) => {
  const imageResponse = await fetch(buildImageUrl(fileKey), {
    signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
  });
  if (!imageResponse.ok) {
    throw new Error(`Could not download ${fileKey}: ${imageResponse.status}`);
  }
  const imageBuffer = Buffer.from(await imageResponse.arrayBuffer());

  // shrink before sending, the API charges per pixel
  const resized = await sharp(imageBuffer)
    .resize({ width: 1024, withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  const base64Image = resized.toString("base64");

  const aiResponse = await fetch(AI_API_URL, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${AI_API_KEY}`,
    },
    body: JSON.stringify({
      model: AI_MODEL,
      max_tokens: 300,
      messages: [
        { role: "system", content: AI_PROMPT },
        {
          role: "user",
          content: [
            {
              type: "image_url",
              image_url: { url: `data:image/jpeg;base64,${base64Image}` },
            },
          ],
        },
      ],
    }),
    signal: AbortSignal.timeout(AI_TIMEOUT_MS),
  });

  if (!aiResponse.ok) {
    const text = await aiResponse.text();
    throw new Error(`AI API returned ${aiResponse.status}: ${text}`);
  }

  const data: any = await aiResponse.json();
  const content = data.choices?.[0]?.message?.content ?? "{}";
  return parseAiJson(content) as { description?: string; tags?: string[] };
};

// ---- Workers ----
// NOTE: queue names must match the ones used by the dashboard service

// 1. metadata extraction: runs right after an upload is confirmed
const workerExtraction = new Worker(
  "metadata-extraction-queue",
  async (job) => {
    const { fileId, fileKey } = job.data;
    console.log(`[extraction] job ${job.id} started for file ${fileId}`);

    const file = await FileModel.findById(fileId);
    if (!file) {
      console.log(`[extraction] file ${fileId} not found, skipping`);
      return;
    }

    await FileModel.findByIdAndUpdate(fileId, { status: "extracting" });

    const imageUrl = buildImageUrl(fileKey);

    // download the original from the public R2 bucket
    // (no auth needed, bucket is behind our custom domain)

    const response = await fetch(imageUrl, {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(`Could not download ${fileKey}: ${response.status}`);
    }
    const imageArrayBuffer = await response.arrayBuffer();
    const buffer = Buffer.from(imageArrayBuffer);

    const metadata = await sharp(buffer).metadata();

    await FileModel.findByIdAndUpdate(fileId, {
      status: "extracted",
      metadata: {
        width: metadata.width,
        height: metadata.height,
        format: metadata.format,
        orientation: metadata.orientation,
        size: buffer.length,
      },
    });

    await job.updateProgress(100);
    console.log(`[extraction] job ${job.id} done`);

    return {
      fileId,
      width: metadata.width,
      height: metadata.height,
    };
  },
  { connection }
);

// 2. AI description + tags
const worker = new Worker(
  "ai-processing-queue",
  async (job) => {
    const { fileId } = job.data;
    console.log(`[ai] job ${job.id} started for file ${fileId}`);

    const file = await FileModel.findById(fileId);
    if (!file) return;

    await FileModel.findByIdAndUpdate(fileId, { aiStatus: "processing" });

    try {
      const result = await describeImage(file.fileKey);

      await FileModel.findByIdAndUpdate(fileId, {
        aiStatus: "completed",
        aiDescription: result.description,
        tags: (result.tags || []).slice(0, MAX_AI_TAGS),
      });

      console.log(`[ai] job ${job.id} done`);
      return result;
    } catch (err) {
      // mark the file so the UI stops spinning, then let BullMQ retry/fail it
      await FileModel.findByIdAndUpdate(fileId, { aiStatus: "failed" }).catch(
        (updateErr) =>
          console.error(`[ai] could not mark ${fileId} as failed:`, updateErr)
      );
      throw err;
    }
  },
  { connection }
);

// 3. thumbnails
const imageWorker = new Worker(
  "image-processing-queue",
  async (job) => {
    const { fileId, fileKey } = job.data;
    console.log(`[image] job ${job.id} started for file ${fileId}`);

    const response = await fetch(buildImageUrl(fileKey), {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(`Could not download ${fileKey}: ${response.status}`);
    }
    const original = Buffer.from(await response.arrayBuffer());
    const baseKey = fileKey.replace(/\.[^.]+$/, "");

    const variants = [
      { name: "thumbnail", width: THUMBNAIL_WIDTH, quality: 75 },
      { name: "preview", width: 1280, quality: 82 },
    ];

    const uploaded: Record<string, string> = {};

    for (const variant of variants) {
      const output = await sharp(original)
        .rotate()
        .resize({ width: variant.width, withoutEnlargement: true })
        .webp({ quality: variant.quality })
        .toBuffer();

      const key = `${variant.name}s/${baseKey}.webp`;

      await r2.send(
        new PutObjectCommand({
          Bucket: R2_BUCKET_NAME,
          Key: key,
          Body: output,
          ContentType: "image/webp",
          CacheControl: "public, max-age=31536000",
        })
      );

      uploaded[variant.name] = key;
      await job.updateProgress(
        Math.round((Object.keys(uploaded).length / variants.length) * 100)
      );
    }

    await FileModel.findByIdAndUpdate(fileId, {
      thumbnailKey: uploaded.thumbnail,
      thumbnailUrl: buildImageUrl(uploaded.thumbnail),
      previewKey: uploaded.preview,
      previewUrl: buildImageUrl(uploaded.preview),
    });

    console.log(`[image] job ${job.id} done`);
    return uploaded;
  },
  { connection, concurrency: 3 }
);

// 4. misc jobs pushed by the admin dashboard (cleanup, webhooks)
const otherWorker = new Worker(
  "other-queue",
  async (job) => {
    console.log(`[other] job ${job.id} (${job.name}) started`);

    switch (job.name) {
      case "delete-file": {
        const { fileId } = job.data;
        const file = await FileModel.findById(fileId);
        if (!file) return;

        const keys = [file.fileKey, file.thumbnailKey, file.previewKey].filter(
          (key): key is string => Boolean(key)
        );
        for (const key of keys) {
          await r2.send(
            new DeleteObjectCommand({
              Bucket: R2_BUCKET_NAME,
              Key: key,
            })
          );
        }

        await FileModel.findByIdAndDelete(fileId);
        break;
      }

      case "cleanup-failed": {
        // files stuck in "failed" for more than a week
        const cutoff = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
        const result = await FileModel.deleteMany({
          aiStatus: "failed",
          updatedAt: { $lt: cutoff },
        });
        console.log(`[other] removed ${result.deletedCount} failed files`);
        break;
      }

      case "send-webhook": {
        const { url, payload } = job.data;
        const res = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        if (!res.ok) {
          throw new Error(`Webhook ${url} responded ${res.status}`);
        }
        break;
      }

      case "recalculate-storage": {
        // dashboard shows per-user storage usage
        const { userId } = job.data;
        const [usage] = await FileModel.aggregate([
          { $match: { userId } },
          {
            $group: {
              _id: "$userId",
              totalBytes: { $sum: "$size" },
              fileCount: { $sum: 1 },
            },
          },
        ]);
        console.log(
          `[other] user ${userId}: ${usage?.fileCount ?? 0} files, ${
            usage?.totalBytes ?? 0
          } bytes`
        );
        return usage ?? { totalBytes: 0, fileCount: 0 };
      }

      default:
        console.log(`[other] unknown job name ${job.name}`);
    }
  },
  { connection }
);

// ---- Worker listeners ----
// "error" covers connection/internal errors, "failed" covers job failures.
// Without these, worker problems are invisible until jobs pile up.

workerExtraction.on("error", (err) => {
  console.error("[extraction] worker error:", err);
});
workerExtraction.on("failed", (job, err) => {
  console.error(`[extraction] job ${job?.id} failed:`, err.message);
});

worker.on("error", (err) => {
  console.error("[ai] worker error:", err);
});
worker.on("failed", (job, err) => {
  console.error(`[ai] job ${job?.id} failed:`, err.message);
});

imageWorker.on("error", (err) => {
  console.error("[image] worker error:", err);
});
imageWorker.on("failed", (job, err) => {
  console.error(`[image] job ${job?.id} failed:`, err.message);
});

otherWorker.on("error", (err) => {
  console.error("[other] worker error:", err);
});
otherWorker.on("failed", (job, err) => {
  console.error(`[other] job ${job?.id} (${job?.name}) failed:`, err.message);
});

// kept together so index.ts can close them on shutdown
export const workers = [workerExtraction, worker, imageWorker, otherWorker];

console.log("BullMQ workers started");
