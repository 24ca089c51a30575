import { Request, Response, NextFunction } from "express";
import FileModel from "../models/file.model";
import { myQueue } from "../utils/bullmqJobs";

// POST /api/files/:id/process
export const processFile = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const file = await FileModel.findById(req.params.id);

    if (!file) {
      return res.status(404).json({ message: "File not found" });
    }

    const job = await myQueue.add(
      "extract-metadata",
      { fileId: file._id.toString(), fileKey: file.fileKey },
      {
        attempts: 3,
        backoff: { type: "exponential", delay: 5000 },
        removeOnComplete: 100,
        removeOnFail: 500,
      }
    );

    await FileModel.findByIdAndUpdate(file._id, { status: "queued" });

    res.json({ message: "File queued for processing", jobId: job.id });
  } catch (err) {
    next(err);
  }
};

// GET /api/files?userId=...&page=1
export const listFiles = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const userId = req.query.userId as string;
    const page = Math.max(parseInt(req.query.page as string) || 1, 1);
    const limit = 24;

    const [files, total] = await Promise.all([
      FileModel.find({ userId })
        .sort({ createdAt: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean(),
      FileModel.countDocuments({ userId }),
    ]);

    res.json({ files, total, page, pages: Math.ceil(total / limit) });
  } catch (err) {
    next(err);
  }
};

// GET /api/files/:id
export const getFile = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const file = await FileModel.findById(req.params.id).lean();

    if (!file) {
      return res.status(404).json({ message: "File not found" });
    }

    res.json(file);
  } catch (err) {
    next(err);
  }
};

// GET /api/files/search?userId=...&tag=beach
export const searchByTag = async (
  req: Request,
  res: Response,
  next: NextFunction
) => {
  try {
    const { userId, tag } = req.query;

    const files = await FileModel.find({
      userId,
      tags: { $in: [String(tag).toLowerCase()] },
    })
      .sort({ createdAt: -1 })
      .limit(50)
      .lean();

    res.json({ files });
  } catch (err) {
    next(err);
  }
};
