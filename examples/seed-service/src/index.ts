import "dotenv/config";
import express from "express";
import cors from "cors";
import { connectDB } from "./config/db.config";
import fileRoutes from "./routes/file.routes";
import jobRoutes from "./routes/job.routes";

// starts the BullMQ workers in the same process as the API
import "./utils/bullmqJobs";

const app = express();
const PORT = process.env.PORT || 5000;

app.set("trust proxy", 1); // we sit behind Render's proxy
app.disable("x-powered-by");

connectDB();

app.use(
  cors({
    origin: process.env.CLIENT_URL || "http://localhost:3000",
    credentials: true,
  })
);
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

// request logging (temporary, remove before launch)
app.use((req, res, next) => {
  console.log(`${req.method} ${req.originalUrl}`);
  next();
});

app.use("/api/files", fileRoutes);
app.use("/api/jobs", jobRoutes);

app.get("/", (req, res) => {
  res.send("Snapvault API is running");
});

// TODO: rate limiting on /api/files/upload
// TODO: auth middleware once Clerk integration is merged

app.listen(PORT, () => {
  console.log(`Server running on port ${PORT}`);
  console.log(`Environment: ${process.env.NODE_ENV || "development"}`);
});

export default app;
