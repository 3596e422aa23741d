// Generate and rank in Debian chromium, on the WebGPU (SwiftShader, forced) and the WASM path: N=4
// ranked candidates with scores, the same starting noise as Node for the same seed, Cancel keeping
// finished candidates, PNG downloads with their metadata, a lost GPU device moving the run to WASM.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { launch, openApp, readCandidateImages, serveDist, startGenerate, type Browser } from '../../scripts/harness/chromium.ts';
import { latentNoise } from '../../src/lib/engine/generate/gaussian-noise.ts';
import { sha256Hex } from '../../src/lib/engine/store/sha256.ts';
import { pngMetadata } from '../../src/lib/engine/image/png-encode.ts';

let server: PreviewServer;
let url: string;
const PROMPT = 'three apples on a wooden table';

beforeAll(async () => {
  ({ server, url } = await serveDist());
});
afterAll(async () => {
  await server?.close();
});

interface CandidateState { index: number; seed: number; rank: number; score: number; noiseHash: string }

function readCandidates(page: Page): Promise<CandidateState[]> {
  return page.getByTestId('candidate').evaluateAll((els) =>
    els.map((el) => ({
      index: Number(el.getAttribute('data-index')),
      seed: Number(el.getAttribute('data-seed')),
      rank: Number(el.getAttribute('data-rank') || 0),
      score: Number(el.getAttribute('data-score') || NaN),
      noiseHash: el.getAttribute('data-noise-hash') ?? '',
    })),
  );
}

/** The N=4 run of each path (key: webgpu), compared at the end. */
const made = new Map<boolean, { cands: CandidateState[]; images: { seed: number; rgb: number[] }[] }>();

const RANKED = (expected: number) =>
  document.querySelectorAll('[data-testid="candidate"][data-rank]:not([data-rank=""])').length === expected;

const generate = (page: Page, n: number, seed: number, steps: number) => startGenerate(page, { prompt: PROMPT, n, seed, steps });

const paths = [
  // The cancelled run is long enough that Cancel lands mid-run on each path (WASM is ~30× faster).
  { name: 'WebGPU (software adapter)', webgpu: true, backend: 'webgpu' as const, header: /^WebGPU \(google swiftshader/, cancelRun: [4, 2] },
  { name: 'WASM (no WebGPU)', webgpu: false, backend: 'auto' as const, header: /^WASM \(no WebGPU/, cancelRun: [16, 4] },
];

describe.each(paths)('$name', ({ webgpu, backend, header, cancelRun: [cancelN, cancelSteps] }) => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch(webgpu);
    await openApp(b.page, url, backend, { view: 'generate', testHooks: webgpu });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('generates N=4 ranked, scored candidates with no network request', async () => {
    const { page } = b;
    expect(await page.getByTestId('backend').textContent()).toMatch(header);
    b.requests.length = 0;
    await generate(page, 4, 123456, 1);
    await page.waitForFunction(RANKED, 4, { timeout: 180_000 });
    expect(b.requests).toEqual([]);
    const cands = await readCandidates(page);
    expect(cands.map((c) => c.rank)).toEqual([1, 2, 3, 4]);
    expect([...cands.map((c) => c.seed)].sort()).toEqual([123456, 123457, 123458, 123459]);
    const scores = cands.map((c) => c.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(1e-4);
    // Seeded noise: the browser's starting latents are bit-identical to Node's for each seed.
    for (const c of cands) {
      expect(c.noiseHash).toBe(await sha256Hex(new Uint8Array(latentNoise(c.seed, [1, 4, 8, 8]).buffer)));
    }
    // The images are real pictures, not blank: each decoded <img> has visible variation.
    const images = await readCandidateImages(page);
    expect(images).toHaveLength(4);
    images.forEach((im) => expect(Math.max(...im.rgb) - Math.min(...im.rgb)).toBeGreaterThan(40));
    made.set(webgpu, { cands, images });
  });

  it('downloads a candidate as PNG with prompt, seed, steps, score and model ids', async () => {
    const { page } = b;
    const first = (await readCandidates(page))[0];
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('candidate').first().getByTestId('download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`preflens-three-apples-on-a-wooden-table-${first.seed}.png`);
    const meta = pngMetadata(new Uint8Array(readFileSync((await download.path())!)));
    expect(meta).toMatchObject({ prompt: PROMPT, seed: String(first.seed), steps: '1', reward_model: 'vp-tiny' });
    expect(meta.generator).toMatch(/^sd-tiny \(fp(32|16)\)$/);
    expect(Number(meta.score)).toBeCloseTo(first.score, 5);
  });

  it('regenerating a candidate from its seed gives the same image and score', async () => {
    const { page } = b;
    const before = (await readCandidates(page)).find((c) => c.index === 2)!;
    await page.locator('[data-testid="candidate"][data-index="2"]').getByTestId('regenerate').click();
    await page.waitForFunction(RANKED, 4, { timeout: 120_000 });
    const after = (await readCandidates(page)).find((c) => c.index === 2)!;
    expect(after.seed).toBe(before.seed);
    expect(after.noiseHash).toBe(before.noiseHash);
    expect(after.score).toBeCloseTo(before.score, 5);
  });

  it('Cancel mid-run keeps the finished candidates; "Make the remaining" finishes the run', async () => {
    const { page } = b;
    await whenFirstRanked(page, 99, 'cancel');
    await generate(page, cancelN, 99, cancelSteps);
    const notice = await page.getByTestId('gen-notice').textContent({ timeout: 120_000 });
    const kept = Number(new RegExp(`Cancelled: (\\d+) of ${cancelN} made and kept`).exec(notice ?? '')?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(cancelN);
    // Candidate events may land just after the run's result: wait for the grid to settle.
    await expect.poll(async () => (await readCandidates(page)).filter((c) => c.rank > 0).length).toBe(kept);
    // The rest is made from where the run stopped: every seed once, the kept ones untouched.
    const keptNoise = (await readCandidates(page)).filter((c) => c.rank > 0).map((c) => c.noiseHash).sort();
    await page.getByTestId('gen-make-rest').click();
    await page.waitForFunction(RANKED, cancelN, { timeout: 120_000 });
    const all = await readCandidates(page);
    expect(all.map((c) => c.seed).sort((x, y) => x - y)).toEqual(Array.from({ length: cancelN }, (_, i) => 99 + i));
    expect(keptNoise.every((h) => all.some((c) => c.noiseHash === h))).toBe(true);
    expect(await page.getByTestId('gen-make-rest').count()).toBe(0);
  });

  // Last on the WebGPU page (opened with ?test-hooks), whose pipelines are already compiled: a new
  // page would pay SwiftShader's ~30 s of shader compiles again for the same check.
  if (webgpu) it('a GPU device lost mid-run moves the run to WASM and it goes on, saying so', async () => {
    const { page } = b;
    await whenFirstRanked(page, 42, 'lose-device');
    await generate(page, 3, 42, 1);
    await page.waitForFunction(RANKED, 3, { timeout: 180_000 });
    expect(await page.getByTestId('gen-notice').textContent()).toMatch(/GPU device lost .*: continuing on WASM/);
    expect(await page.getByTestId('backend').textContent()).toMatch(/^WASM \(GPU device lost/);
    const cands = await readCandidates(page);
    expect(cands.map((c) => c.seed).sort()).toEqual([42, 43, 44]);
    expect(cands.every((c) => Number.isFinite(c.score))).toBe(true);
  });
});

/**
 * From inside the page (a Playwright round trip is slower than the tiny models): as soon as a
 * candidate of the run seeded `seed` is ranked, press Cancel or destroy the GPU device.
 */
function whenFirstRanked(page: Page, seed: number, action: 'cancel' | 'lose-device') {
  return page.evaluate(([seed, action]) => {
    const obs = new MutationObserver(() => {
      const done = [...document.querySelectorAll('[data-testid="candidate"][data-rank]:not([data-rank=""])')]
        .some((el) => Number(el.getAttribute('data-seed')) - Number(seed) < 16 && Number(el.getAttribute('data-seed')) >= Number(seed));
      if (!done) return;
      obs.disconnect();
      if (action === 'cancel') document.querySelector<HTMLButtonElement>('[data-testid="gen-cancel"]')?.click();
      else void (window as unknown as { preflensTest: { loseGpuDevice(): Promise<boolean> } }).preflensTest.loseGpuDevice();
    });
    obs.observe(document.body, { subtree: true, attributes: true, childList: true });
  }, [seed, action] as const);
}

describe('the native WebGPU EP and WASM', () => {
  // The tiny UNet embeds its int64 timestep through Cast(int64 → float) as SD-Turbo's does, the
  // pattern JSEP computed wrongly (models/sd-tiny/unet-graph.ts). fp32 on both paths: the 1-step
  // x0 = latents − 14.6·eps amplifies float32's 2^-24 relative error ~15×, still ~1e-5 of a level,
  // so pixels may differ only where rounding to 8 bits flips a level.
  it('make the same images and scores for the same seeds', () => {
    const gpu = made.get(true);
    const cpu = made.get(false);
    expect(gpu && cpu).toBeTruthy();
    for (const im of gpu!.images) {
      const other = cpu!.images.find((o) => o.seed === im.seed)!;
      const diffs = im.rgb.map((v, i) => Math.abs(v - other.rgb[i]));
      console.info(`seed ${im.seed}: WebGPU vs WASM max |Δ| ${Math.max(...diffs)} levels, ${diffs.filter((d) => d > 0).length}/${diffs.length} values differ`);
      expect(Math.max(...diffs)).toBeLessThanOrEqual(1);
      expect(diffs.filter((d) => d > 0).length / diffs.length).toBeLessThan(0.01);
      const score = (c: { cands: CandidateState[] }) => c.cands.find((x) => x.seed === im.seed)!.score;
      expect(Math.abs(score(gpu!) - score(cpu!))).toBeLessThanOrEqual(1e-3);
    }
  });
});

describe('bad input and fp16', () => {
  // One WASM browser for the two tests below: the second visit finds the app already installed.
  let wasm: Browser;
  beforeAll(async () => {
    wasm = await launch(false);
  });
  afterAll(async () => {
    await wasm?.close();
  });

  it('an empty prompt or N out of range cannot start a run and says why', async () => {
    const { page } = wasm;
    await openApp(page, url, 'auto', { view: 'generate' });
    await page.getByTestId('gen-prompt').fill(' ');
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    expect(await page.getByTestId('gen-status').textContent()).toContain('Type a prompt.');
    await page.getByTestId('gen-prompt').fill(PROMPT);
    await page.getByTestId('gen-n').fill('20');
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    expect(await page.getByTestId('gen-status').textContent()).toContain('N must be a whole number from 1 to 16.');
    const long = Array.from({ length: 90 }, (_, i) => `w${i}`).join(' ');
    await page.getByTestId('gen-prompt').fill(long);
    await expect.poll(() => page.getByTestId('gen-token-info').textContent()).toMatch(/\d+ tokens — truncated: /);
  });

  it('fp16 graphs run in the browser (WASM) and give real images', async () => {
    const { page } = wasm;
    await openApp(page, url, 'auto', { view: 'generate', variant: 'fp16' });
    expect(await page.getByTestId('generator').textContent()).toContain('fp16');
    await generate(page, 2, 5, 2);
    await page.waitForFunction(RANKED, 2, { timeout: 120_000 });
    expect((await readCandidates(page)).every((c) => Number.isFinite(c.score))).toBe(true);
  });
});
