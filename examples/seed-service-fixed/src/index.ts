import "dotenv/config";
import express, { Request, Response, NextFunction } from "express";
import cors from "cors";
import multer from "multer";
import mongoose from "mongoose";
import { connectDB } from "./config/db.config";
import fileRoutes from "./routes/file.routes";
import jobRoutes from "./routes/job.routes";

// starts the BullMQ workers in the same process as the API
import { workers, myQueue, connection } from "./utils/bullmqJobs";

const app = express();
const PORT = process.env.PORT || 5000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

app.set("trust proxy", 1); // we sit behind Render's proxy
app.disable("x-powered-by");

app.use(
  cors({
    origin: process.env.CLIENT_URL || "http://localhost:3000",
    credentials: true,
  })
);
app.use(express.json({ limit: "1mb" }));
app.use(express.urlencoded({ extended: true }));

// request logging
app.use((req, res, next) => {
  console.log(`${req.method} ${req.originalUrl}`);
  next();
});

app.use("/api/files", fileRoutes);
app.use("/api/jobs", jobRoutes);

app.get("/", (req, res) => {
  res.send("Snapvault API is running");
});

// used by Render's health check + the uptime monitor
app.get("/health", (req, res) => {
  const mongoOk = mongoose.connection.readyState === 1;
  const redisOk = connection.status === "ready";
  const healthy = mongoOk && redisOk;

  res.status(healthy ? 200 : 503).json({
    status: healthy ? "healthy" : "unhealthy",
    mongo: mongoOk ? "up" : "down",
    redis: redisOk ? "up" : "down",
    timestamp: new Date(),
    uptime: process.uptime(),
  });
});

app.use((req, res) => {
  res.status(404).json({ message: "Not found" });
});

// global error handler: anything passed to next(err) ends up here
app.use((err: any, req: Request, res: Response, next: NextFunction) => {
  if (res.headersSent) {
    return next(err);
  }

  if (err instanceof multer.MulterError) {
    const status = err.code === "LIMIT_FILE_SIZE" ? 413 : 400;
    return res.status(status).json({ message: err.message });
  }

  console.error("Express error:", err);
  res.status(err.status || 500).json({ message: "Internal Server Error" });
});

const server = app.listen(PORT, () => {
  console.log(`Server running on port ${PORT}`);
  console.log(`Environment: ${process.env.NODE_ENV || "development"}`);
});

connectDB().catch((err) => {
  console.error("MongoDB connection failed:", err);
  void gracefulShutdown("mongo-connect-failed", 1);
});

// ---- graceful shutdown ----

let shuttingDown = false;

async function gracefulShutdown(reason: string, exitCode = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${reason}: shutting down gracefully...`);

  // if something hangs (e.g. a job that never finishes), don't hang forever
  const forceExit = setTimeout(() => {
    console.error("Shutdown timed out, forcing exit");
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  forceExit.unref();

  try {
    // stop accepting new HTTP requests, let in-flight ones finish
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
    });

    // let active jobs finish, then release the blocking Redis connections
    await Promise.all(workers.map((w) => w.close()));
    await myQueue.close();
    await connection.quit();
    await mongoose.disconnect();

    console.log("Shutdown complete");
    process.exit(exitCode);
  } catch (err) {
    console.error("Error during shutdown:", err);
    process.exit(1);
  }
}

process.on("SIGTERM", () => void gracefulShutdown("SIGTERM"));
process.on("SIGINT", () => void gracefulShutdown("SIGINT"));

process.on("unhandledRejection", (reason) => {
  console.error("Unhandled Rejection:", reason);
  void gracefulShutdown("unhandledRejection", 1);
});

process.on("uncaughtException", (error) => {
  console.error("Uncaught Exception:", error);
  void gracefulShutdown("uncaughtException", 1);
});

export default app;
