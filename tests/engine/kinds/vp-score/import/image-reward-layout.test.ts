// Strict loading by the Python exporter's rules, with tools/vp_checkpoint.py as the oracle: on the
// same checkpoint files, the TypeScript loader infers the same configuration, keeps and drops the
// same keys, and refuses a missing or misshapen key with the same message.
import { execFile } from 'node:child_process';
import { mkdtempSync, openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_HEADS, expectedShapes, loadImageReward, type ImageRewardConfig,
} from '../../../../../src/lib/engine/kinds/vp-score/import/image-reward-layout.ts';
import { blobSource } from '../../../../../src/lib/engine/store/byte-source.ts';
import { openCheckpoint } from '../../../../../src/lib/engine/checkpoint/open-checkpoint.ts';
import type { TensorRef } from '../../../../../src/lib/engine/checkpoint/tensor-ref.ts';
import { CheckpointError } from '../../../../../src/lib/engine/errors.ts';

const PY = '/usr/bin/python3';
const TOOLS = resolve(import.meta.dirname, '../../../../../tools');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'preflens-layout-'));
const HEADS = { vision: 2, text: 2 }; // the test checkpoints' (tools/make_test_checkpoint.py TEST_CONFIG)
const MISSING = 'blip.text_encoder.encoder.layer.1.crossattention.self.key.bias';
const MISSHAPEN = 'mlp.layers.2.weight';

type PyResult = { cfg?: Record<string, unknown>; dropped?: string[]; n?: number; error?: string };
const FILES = ['ok.pt', 'prefixed.pt', 'missing.pt', 'misshapen.pt'];
let pyResults: Record<string, PyResult>;

/** What tools/vp_checkpoint.py's load_net says of each file (one Python process for all of them). */
async function pythonAll(files: string[]): Promise<Record<string, PyResult>> {
  const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(TOOLS)})
from vp_checkpoint import load_net, CheckpointError
out = {}
for f in ${JSON.stringify(files)}:
    try:
        net, cfg, dropped, n = load_net(f, 2, 2)
        out[f] = {'cfg': cfg.__dict__, 'dropped': dropped, 'n': n}
    except CheckpointError as e:
        out[f] = {'error': str(e)}
print(json.dumps(out))`;
  return JSON.parse((await run(PY, ['-c', code], { maxBuffer: 1 << 24 })).stdout);
}
const python = async (file: string): Promise<PyResult> => pyResults[file];

const snake = (c: ImageRewardConfig) => ({
  image_size: c.imageSize, patch_size: c.patchSize, vision_width: c.visionWidth, vision_depth: c.visionDepth,
  vision_heads: c.visionHeads, vision_mlp: c.visionMlp, vocab_size: c.vocabSize, max_positions: c.maxPositions,
  text_width: c.textWidth, text_depth: c.textDepth, text_heads: c.textHeads, text_intermediate: c.textIntermediate,
  mlp_dims: c.mlpDims,
});

beforeAll(async () => {
  const make = (name: string, ...extra: string[]) => run(PY, [join(TOOLS, 'make_test_checkpoint.py'), '--out', join(dir, name), ...extra]);
  await Promise.all([
    make('ok.pt'), make('prefixed.pt', '--module-prefix'),
    make('missing.pt', '--drop-key', MISSING), make('misshapen.pt', '--reshape-key', MISSHAPEN),
  ]);
  pyResults = await pythonAll(FILES.map((f) => join(dir, f)));
}, 120_000);

const refsOf = async (name: string) => openCheckpoint(blobSource(await openAsBlob(join(dir, name)), name));

describe('loading an ImageReward-format state dict strictly', () => {
  it.each(['ok.pt', 'prefixed.pt'])('%s: the exporter\'s configuration, kept keys and dropped keys', async (name) => {
    const [refs, py] = await Promise.all([refsOf(name), python(join(dir, name))]);
    const w = loadImageReward(refs, HEADS);
    expect(snake(w.config)).toEqual(py.cfg);
    expect(w.tensors.size).toBe(py.n);
    expect(w.dropped.sort()).toEqual([...py.dropped!].sort());
    expect([...w.tensors.keys()].every((k) => !k.startsWith('module.'))).toBe(true);
  });

  it.each([['missing.pt', /1 missing key\(s\): blip\.text_encoder\.encoder\.layer\.1\.crossattention\.self\.key\.bias/],
    // Layer 2 grown to 129 outputs: the head's widths are read from it, so layer 4 is what mismatches.
    ['misshapen.pt', /misshapen key mlp\.layers\.4\.weight: expected \[64, 129\], found \[64, 128\]/]])(
    '%s: refused with the exporter\'s message', async (name, pattern) => {
      const [refs, py] = await Promise.all([refsOf(name), python(join(dir, name))]);
      const e = (() => { try { loadImageReward(refs, HEADS); } catch (x) { return x as Error; } })();
      expect(e).toBeInstanceOf(CheckpointError);
      expect(e!.message).toBe(py.error);
      expect(e!.message).toMatch(pattern);
    });

  it('refuses an unexpected key and head counts that do not divide the widths', async () => {
    const refs = await refsOf('ok.pt');
    const extra: TensorRef = { name: 'blip.extra_head.weight', dtype: 'float32', shape: [2, 2], read: async () => new Float32Array(4), readSync: () => new Float32Array(4) };
    expect(() => loadImageReward([...refs, extra], HEADS)).toThrow(/1 unexpected key\(s\) .*: blip\.extra_head\.weight/);
    expect(() => loadImageReward(refs, { vision: 5, text: 2 })).toThrow(/vision width 64 is not divisible by the vision head count 5/);
  });

  it('ImageReward v1.0 at full size: 620 keys score() uses + the 5 it drops = the 625 of its state dict', () => {
    const full: ImageRewardConfig = {
      imageSize: 224, patchSize: 16, visionWidth: 1024, visionDepth: 24, visionHeads: DEFAULT_HEADS.vision, visionMlp: 4096,
      vocabSize: 30524, maxPositions: 512, textWidth: 768, textDepth: 12, textHeads: DEFAULT_HEADS.text, textIntermediate: 3072,
      mlpDims: [768, 1024, 128, 64, 16, 1],
    };
    const shapes = expectedShapes(full);
    expect(shapes.size + 5).toBe(625);
    const params = [...shapes.values()].reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
    expect(Math.round(params / 1e6)).toBe(446); // VisionPrefer / ImageReward: ~446M parameters
  });
});
