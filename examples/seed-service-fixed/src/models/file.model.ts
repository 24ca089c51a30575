import mongoose, { Schema, Document } from "mongoose";

export interface IFile extends Document {
  userId: string;
  fileName: string;
  fileKey: string;
  url: string;
  mimeType: string;
  size: number;
  status: "uploaded" | "queued" | "extracting" | "extracted" | "failed";
  aiStatus: "pending" | "processing" | "completed" | "failed";
  aiDescription?: string;
  tags: string[];
  thumbnailKey?: string;
  thumbnailUrl?: string;
  previewKey?: string;
  previewUrl?: string;
  metadata?: {
    width?: number;
    height?: number;
    format?: string;
    orientation?: number;
    size?: number;
  };
  createdAt: Date;
  updatedAt: Date;
}

const fileSchema = new Schema<IFile>(
  {
    userId: { type: String, required: true, index: true },
    fileName: { type: String, required: true },
    fileKey: { type: String, required: true, unique: true },
    url: { type: String, required: true },
    mimeType: { type: String, required: true },
    size: { type: Number, required: true },
    status: {
      type: String,
      enum: ["uploaded", "queued", "extracting", "extracted", "failed"],
      default: "uploaded",
    },
    aiStatus: {
      type: String,
      enum: ["pending", "processing", "completed", "failed"],
      default: "pending",
    },
    aiDescription: { type: String },
    tags: { type: [String], default: [] },
    thumbnailKey: { type: String },
    thumbnailUrl: { type: String },
    previewKey: { type: String },
    previewUrl: { type: String },
    metadata: {
      width: Number,
      height: Number,
      format: String,
      orientation: Number,
      size: Number,
    },
  },
  { timestamps: true }
);

fileSchema.index({ userId: 1, createdAt: -1 });

const FileModel = mongoose.model<IFile>("File", fileSchema);

export default FileModel;
