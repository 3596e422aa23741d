// The checkpoint readers against PyTorch itself: tools/make_test_checkpoint.py writes reduced
// random ImageReward-format checkpoints (torch.save .pt, and the same tensors as .safetensors) in
// float32, float16 and bfloat16, with a transposed (strided) tensor and a `module.` prefix, plus a
// float32 dump of every value; the TypeScript readers must give exactly those values, names and
// shapes. Then the bad files: each refused with a CheckpointError that says what is wrong.
import { execFile } from 'node:child_process';
import { mkdtempSync, openAsBlob, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { zipSync, type Zippable } from 'fflate';
import { unzipRaw } from 'unzipit';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobSource } from '../../../src/lib/engine/store/byte-source.ts';
import { openCheckpoint } from '../../../src/lib/engine/checkpoint/open-checkpoint.ts';
import { fileSource } from '../../../src/cli/file-source.ts';
import { CheckpointError } from '../../../src/lib/engine/errors.ts';

const PY = '/usr/bin/python3';
const TOOL = resolve(import.meta.dirname, '../../../tools/make_test_checkpoint.py');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'preflens-ckpt-'));
const STRIDED = 'blip.vision_proj.weight';
const VARIANTS = {
  float32: ['--strided-key', STRIDED],
  float16: ['--module-prefix'],
  bfloat16: ['--strided-key', STRIDED],
} as const;

beforeAll(async () => {
  await Promise.all(Object.entries(VARIANTS).map(([dtype, extra]) => run(PY, [TOOL, '--out', join(dir, `${dtype}.pt`),
    '--dtype', dtype, '--safetensors-out', join(dir, `${dtype}.safetensors`), '--dump', join(dir, dtype), ...extra])));
  // A torch.save whose pickle names a function (os.system): a pickle that would run code.
  await run(PY, ['-c', `import os, torch; torch.save({'w': torch.zeros(2), 'x': os.system}, ${JSON.stringify(join(dir, 'code.pt'))})`]);
}, 120_000);

async function expected(dtype: string) {
  const index: { name: string; dtype: string; shape: number[] }[] = JSON.parse(readFileSync(join(dir, `${dtype}.json`), 'utf8'));
  const raw = readFileSync(join(dir, `${dtype}.f32`));
  const values = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  let at = 0;
  return index.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const v = values.subarray(at, (at += n));
    return { ...t, values: v };
  });
}

describe.each(Object.keys(VARIANTS))('a %s checkpoint', (dtype) => {
  it.each(['pt', 'safetensors'])('.%s: every tensor with PyTorch\'s name, shape, dtype and exact values, read async and sync', async (ext) => {
    const want = await expected(dtype);
    const file = fileSource(join(dir, `${dtype}.${ext}`));
    const got = await openCheckpoint(file);
    expect(got.map((t) => [t.name, t.dtype, t.shape])).toEqual(want.map((t) => [t.name, t.dtype, t.shape]));
    const bytes = (v: Float32Array | BigInt64Array) => {
      const f = v instanceof BigInt64Array ? Float32Array.from(v, Number) : v;
      return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
    };
    for (const [i, t] of got.entries()) {
      const exact = bytes(want[i].values);
      expect(bytes(await t.read()).equals(exact), t.name).toBe(true);
      expect(bytes(t.readSync()).equals(exact), `${t.name} (sync)`).toBe(true);
    }
    file.close();
    if (dtype === 'float16') expect(got[0].name.startsWith('module.')).toBe(true);
  });
});

describe('bad checkpoint files', () => {
  const refuse = async (bytes: Uint8Array | Blob, pattern: RegExp) => {
    const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const e = await openCheckpoint(blobSource(blob, 'bad.pt')).then(async (ts) => { for (const t of ts) await t.read(); }).then(() => null, (x) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(pattern);
  };

  it('refuses a file that is neither format', async () => {
    await refuse(new TextEncoder().encode('<html>not a model</html>'), /neither a PyTorch checkpoint .* nor a \.safetensors file/);
  });

  it('refuses a pickle that names anything but tensors, without running it', async () => {
    await refuse(await openAsBlob(join(dir, 'code.pt')), /not a plain state dict of tensors: its pickle names (posix|os)\.system/);
  });

  it('refuses a truncated .pt and a truncated .safetensors', async () => {
    const pt = readFileSync(join(dir, 'float32.pt'));
    await refuse(pt.subarray(0, pt.byteLength - 1000), /not a readable PyTorch checkpoint/);
    const st = readFileSync(join(dir, 'float32.safetensors'));
    await refuse(st.subarray(0, st.byteLength - 1000), /do not fit its shape or the file/);
  });

  it('refuses a .pt whose storage entry is shorter than its tensors, inside an intact zip', async () => {
    // Re-zipped (stored, like torch.save) with one storage 4 bytes short: a damaged export.
    const { entries } = await unzipRaw(await openAsBlob(join(dir, 'float32.pt')));
    const files: Zippable = {};
    for (const [i, e] of entries.entries()) {
      const bytes = new Uint8Array(await e.arrayBuffer());
      files[e.name] = [i === 1 ? bytes.subarray(0, bytes.byteLength - 4) : bytes, { level: 0 }];
    }
    await refuse(zipSync(files), /storage \d+ has \d+ bytes, \d+ expected/);
  });

  it('refuses a safetensors header that is not JSON or names an unknown dtype', async () => {
    const header = (h: string) => {
      const text = new TextEncoder().encode(h);
      const out = new Uint8Array(8 + text.length + 16);
      new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
      out.set(text, 8);
      return out;
    };
    await refuse(header('{"w": {"dtype": "F32", "shape": [2], '), /header is not JSON/);
    await refuse(header('{"w": {"dtype": "U8", "shape": [16], "data_offsets": [0, 16]}}'), /dtype U8; PrefLens reads F32, F16, BF16 and I64/);
  });
});
