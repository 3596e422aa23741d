// A model load's progress in words: "reading model.onnx…", "preparing model.onnx (1.5 MB)…".
import { formatBytes } from '../engine/store/format-bytes.ts';
import type { LoadProgress } from '../worker/client.ts';

export function loadLine(p: LoadProgress | null): string {
  if (!p) return '';
  const file = p.file.split('/').pop() ?? p.file;
  if (p.step === 'read') return `reading ${file}…`;
  const graph = /\.onnx(_data)?$/.test(file);
  return `${graph ? 'building the onnxruntime session for' : 'preparing'} ${file} (${formatBytes(p.bytes ?? 0)})…`;
}
