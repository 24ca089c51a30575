import { Request, Response, NextFunction } from "express";
import { connection } from "../utils/bullmqJobs";
const DAILY_UPLOAD_LIMIT = 500 * 1024 * 1024; // 500MB per user per day

export const uploadLimit = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const userId = req.body.userId;
    const fileSize = req.file?.size || 0;

    if (!userId) {
      return res.status(401).json({ message: "Missing userId" });
    }

    const redisKey = `user:${userId}:dailyUpload`;

    // NX: only creates the counter (with its 24h TTL) when it doesn't exist,
    // INCRBY is atomic, so two parallel uploads can't both slip under the limit
    await connection.set(redisKey, 0, "EX", 24 * 60 * 60, "NX");
    const total = await connection.incrby(redisKey, fileSize);

    if (total > DAILY_UPLOAD_LIMIT) {
      // give the quota back, this upload is rejected
      await connection.decrby(redisKey, fileSize);
      return res.status(429).json({ message: "Daily upload limit reached" });
    }

    next();
  } catch (err) {
    next(err);
  }
};
