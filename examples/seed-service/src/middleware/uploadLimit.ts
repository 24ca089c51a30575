import { Request, Response, NextFunction } from "express";
import { connection } from "../utils/bullmqJobs";
const DAILY_UPLOAD_LIMIT = 500 * 1024 * 1024; // 500MB per user per day

export const uploadLimit = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  const userId = req.body.userId;
  const fileSize = req.file?.size || 0;

  if (!userId) {
    return res.status(401).json({ message: "Missing userId" });
  }

  const redisKey = `user:${userId}:dailyUpload`;
  const uploadedSize = await connection.get(redisKey);

  if (!uploadedSize) {
    await connection.set(redisKey, 0, "EX", 24 * 60 * 60);
  }

  if (Number(uploadedSize || 0) + fileSize > DAILY_UPLOAD_LIMIT) {
    return res.status(429).json({ message: "Daily upload limit reached" });
  }

  await connection.incrby(redisKey, fileSize);

  next();
};
