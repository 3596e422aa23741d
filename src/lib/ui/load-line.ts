// A model load's progress in words: "reading model.onnx…", "preparing model.onnx (1.5 MB)…".
import { formatBytes } from '../engine/store/format-bytes.ts';
import type { LoadProgress } from '../worker/client.ts';

export function loadLine(p: LoadProgress | null): string {
  if (!p) return '';
  const file = p.file.split('/').pop() ?? p.file;
  if (p.step === 'read') return `reading ${file}…`;
  if (p.step === 'retry') return `the load stopped after ${file} without an error: trying again in a fresh engine…`;
  const graph = /\.onnx(_data)?$/.test(file);
  return `${graph ? 'building the onnxruntime session for' : 'preparing'} ${file} (${formatBytes(p.bytes ?? 0)})…`;
}
