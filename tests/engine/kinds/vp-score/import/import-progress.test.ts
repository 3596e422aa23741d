// An import's progress is one bar over all its passes (import-progress.ts): on the test checkpoint,
// for what WASM and WebGPU devices write and for every dtype at once, the bar never goes back,
// never passes its total, keeps one total, reaches it exactly once (the last event), names each
// pass in order with "n of m", and has a time left once it has a rate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { fileSource } from '../../../../../src/cli/file-source.ts';
import { importCheckpoint } from '../../../../../src/lib/engine/kinds/vp-score/import/import-folder.ts';
import { ImportMeter, importPasses, type ImportProgress } from '../../../../../src/lib/engine/kinds/vp-score/import/import-progress.ts';
import { memoryScratch } from '../../../../../src/lib/engine/store/scratch.ts';
import type { VpDtype } from '../../../../../src/lib/engine/kinds/vp-score/manifest.ts';
import { FIXTURE_HEADS } from '../../../../fixtures/checkpoint-fixture.ts';

const dir = inject('checkpointFixture');

async function importEvents(dtypes: VpDtype[]): Promise<ImportProgress[]> {
  const source = fileSource(join(dir, 'ckpt.pt'));
  const events: ImportProgress[] = [];
  await importCheckpoint(source, { text: readFileSync(join(dir, 'vocab.txt'), 'utf8'), name: 'vocab.txt' }, {
    async write(_, file) {
      for (const _c of file.chunks());
      return '0'.repeat(64);
    },
    scratch: async () => memoryScratch(),
  }, { heads: FIXTURE_HEADS, dtypes, minSpillBytes: 4096, onProgress: (p) => events.push({ ...p }) });
  source.close();
  return events;
}

describe('checkpoint import progress', () => {
  it.each([[['q8']], [['q4f16', 'q8']], [['fp32', 'q4f16', 'q8', 'fp16', 'q4']]] as VpDtype[][][])('%j: one bar over every pass, forward only, at its total once: the last event', async (dtypes) => {
    const events = await importEvents(dtypes);
    const passes = importPasses(dtypes, 1);
    const total = events[0].total;
    expect(events.every((p) => p.total === total && p.passes === passes.length)).toBe(true);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].loaded, `event ${i} (${events[i].step} ${events[i].dtype})`).toBeGreaterThanOrEqual(events[i - 1].loaded);
      expect(events[i].pass).toBeGreaterThanOrEqual(events[i - 1].pass);
    }
    expect(Math.max(...events.map((p) => p.loaded))).toBe(total);
    expect(events.filter((p) => p.loaded === total).length, 'events at 100 %').toBe(1);
    expect(events.at(-1)!.loaded).toBe(total);
    // Every pass is reported, in order, as the step and dtype it is.
    const seen = events.map((p) => `${p.pass} ${p.step} ${p.dtype}`).filter((k, i, all) => k !== all[i - 1]);
    expect(seen).toEqual(passes.map((p, i) => `${i + 1} ${p.step} ${p.dtype}`));
    // Each pass moves the bar, from its start to its end (not just some of it).
    for (let i = 1; i <= passes.length; i++) {
      const of = events.filter((p) => p.pass === i);
      expect(of.length, `pass ${i}`).toBeGreaterThan(1);
      expect(of.at(-1)!.loaded - of[0].loaded, `pass ${i} moved`).toBeGreaterThan(0);
    }
    expect(events.some((p) => p.etaSeconds !== null && p.etaSeconds > 0)).toBe(true);
  });

  it('shares the bar by bytes: a converter pass reads the float32 weights, a write writes its dtype\'s files', () => {
    expect(importPasses(['q4f16', 'q8'], 1000)).toEqual([
      { step: 'convert', dtype: 'q4f16', bytes: 1000 }, { step: 'write', dtype: 'q4f16', bytes: 160 },
      { step: 'convert', dtype: 'q8', bytes: 1000 }, { step: 'write', dtype: 'q8', bytes: 250 },
    ]);
    expect(importPasses(['fp32'], 1000)).toEqual([{ step: 'write', dtype: 'fp32', bytes: 1000 }]);
  });

  it('time left follows the rate of the last seconds', () => {
    let t = 0;
    const seen: ImportProgress[] = [];
    const meter = new ImportMeter(importPasses(['q8'], 1000), (p) => seen.push(p), () => t);
    meter.report(0, 0, 1000);
    t = 1000;
    meter.report(0, 500, 1000); // 500 of 1250 bytes in 1 s
    expect(seen.at(-1)).toMatchObject({ loaded: 500, total: 1250, pass: 1, passes: 2, step: 'convert', etaSeconds: 1.5 });
  });
});
