import express from "express";
import { myQueue } from "../utils/bullmqJobs";

const router = express.Router();

// GET /api/jobs/:id  -> used by the frontend to poll extraction progress
router.get("/:id", async (req, res) => {
  const job = await myQueue.getJob(req.params.id);

  if (!job) {
    return res.status(404).json({ message: "Job not found" });
  }

  const state = await job.getState();

  res.json({
    id: job.id,
    state,
    progress: job.progress,
    result: job.returnvalue,
    failedReason: job.failedReason,
  });
});

export default router;
