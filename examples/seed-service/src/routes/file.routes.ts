import express from "express";
import multer from "multer";
import { uploadLimit } from "../middleware/uploadLimit";
import { uploadFile, deleteObject } from "../controllers/cloudflare.controller";
import {
  processFile,
  listFiles,
  getFile,
  searchByTag,
} from "../controllers/file.controller";

const router = express.Router();

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: 25 * 1024 * 1024 }, // 25MB
});

router.post("/upload", upload.single("file"), uploadLimit, uploadFile);
router.post("/:id/process", processFile);
router.get("/", listFiles);
router.get("/search", searchByTag);
router.get("/:id", getFile);
router.delete("/:id/object", deleteObject);

export default router;
