// The Models view's cards as a user reads them, on WASM: a ?checkpoint= link is marked as one (its
// host, its claims), a link to a manifest over plain http on another host is refused before any
// request, the shipped notes are plain sentences, SD-Turbo (which WASM cannot run) offers its
// download as a secondary choice; an imported link card stays "ready" when its host is gone,
// "Delete from this device" asks first, and importing the very same file by hand readies the card.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { explained } from '../../scripts/harness/chromium.ts';
import { startModelServer, type ModelServer } from '../../scripts/harness/model-server.ts';
import { FIXTURE_HEADS } from '../fixtures/checkpoint-fixture.ts';
import { useApp } from './app-fixture.ts';

const fixture = inject('checkpointFixture');
const REMOTE_HTTP = 'http://models.example/reward.json';
const IMPORTED = 'preflens-import://local/fixture-linked/preflens.json';
let host: ModelServer;
let linked: string;
let hostName: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'preflens-e2e-cards-'));
  for (const f of ['ckpt.pt', 'vocab.txt']) symlinkSync(join(fixture, f), join(root, f));
  host = await startModelServer(root);
  const entry = (f: string) => ({
    file: `${host.url}/ok/${f}`, bytes: statSync(join(root, f)).size, sha256: createHash('sha256').update(readFileSync(join(root, f))).digest('hex'),
  });
  writeFileSync(join(root, 'reward.json'), JSON.stringify({
    kind: 'vp-score-checkpoint', id: 'fixture-linked', name: 'Linked reward', licence: 'MIT', homepage: 'https://models.example/linked',
    checkpoint: entry('ckpt.pt'), vocab: entry('vocab.txt'), visionHeads: FIXTURE_HEADS.vision, textHeads: FIXTURE_HEADS.text,
  }));
  linked = `${host.url}/ok/reward.json`;
  hostName = new URL(host.url).host;
}, 60_000);
afterAll(async () => {
  await host?.close();
});

async function openModels(page: Page, url: string): Promise<void> {
  const links = [linked, REMOTE_HTTP].map((u) => `checkpoint=${encodeURIComponent(u)}`).join('&');
  await page.goto(`${url}?backend=wasm&view=models&${links}`);
  await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
}

const checkpointCard = (page: Page, url: string) => page.locator(`[data-testid="checkpoint"][data-url="${url}"]`);
const text = async (p: Promise<string | null>) => ((await p) ?? '').replace(/\s+/g, ' ').trim();

describe('checkpoint and family cards on WASM', () => {
  const app = useApp(false);

  it('a link is marked with its host and its claims; plain http to another host is refused unfetched; notes are plain sentences; SD-Turbo\'s download is secondary', async () => {
    const { page } = app.b;
    app.b.requests.length = 0;
    await openModels(page, app.url);
    const card = checkpointCard(page, linked);
    await explained(page, card.and(page.locator('[data-state="missing"]')).waitFor({ timeout: 30_000 }));
    expect(await text(card.getByTestId('checkpoint-link').textContent())).toBe(`from a link · ${hostName}`);
    expect(await text(card.getByTestId('checkpoint-note').textContent()))
      .toMatch(new RegExp(`^This card comes from a link to ${hostName}: its name, licence and files are that manifest's claims, not PrefLens's`));
    expect(await text(card.locator('.meta').first().textContent())).toMatch(/licence MIT \(as the manifest states\)/);

    const shipped = page.locator('[data-testid="checkpoint"][data-url$="/manifests/imagereward.json"]');
    await shipped.and(page.locator('[data-state="missing"]')).waitFor({ timeout: 30_000 });
    expect(await shipped.getByTestId('checkpoint-link').count()).toBe(0);
    const note = await text(shipped.getByTestId('checkpoint-note').textContent());
    expect(note).toBe('PrefLens was tested with a small stand-in model of this format, not with this file; the download is checked against its published size and sha256.');

    const remote = checkpointCard(page, REMOTE_HTTP);
    const refused = remote.getByTestId('error');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.getAttribute('data-error-name')).toBe('ManifestError');
    expect(await text(refused.textContent())).toMatch(/manifest at http:\/\/models\.example: PrefLens fetches a manifest only over https/);
    expect(await text(refused.getByTestId('error-hint').textContent())).toMatch(/^Nothing was downloaded\. Ask whoever gave you the link/);
    expect(await text(remote.getByTestId('checkpoint-link').textContent())).toBe('from a link · models.example');
    expect(app.b.requests.filter((r) => new URL(r).host === 'models.example')).toEqual([]);

    const sd = page.locator('[data-testid="family"][data-url$="/manifests/sd-turbo.json"]');
    await sd.and(page.locator('[data-state="missing"]')).waitFor({ timeout: 30_000 });
    expect(await text(sd.locator('.warning').textContent())).toMatch(/^This device cannot run it/);
    const download = sd.getByTestId('family-download');
    expect(await download.getAttribute('class') ?? '').not.toMatch(/\bprimary\b/);
    expect(await text(download.textContent())).toMatch(/^Download .* anyway$/);
    expect(await text(sd.getByTestId('family-download-why').textContent())).toBe('It would only be stored: this device cannot generate with it.');
    expect(await text(sd.getByTestId('family-shape-only').textContent())).not.toMatch(/no network|build machine|the repo builds/);
  });

  it('an imported link card stays ready when its host is gone; deleting the model asks first', async () => {
    const { page } = app.b;
    const card = checkpointCard(page, linked);
    await card.getByTestId('get-checkpoint').click();
    await explained(page, card.and(page.locator('[data-state="imported"]')).waitFor({ timeout: 120_000 }));

    await host.close(); // the link's host is gone (offline, or taken down)
    await openModels(page, app.url);
    await explained(page, card.and(page.locator('[data-state="imported"]')).waitFor({ timeout: 30_000 }));
    expect(await card.getByTestId('error').count()).toBe(0);
    expect(await text(card.getByTestId('checkpoint-offline').textContent())).toMatch(/cannot be reached: this is the manifest kept when the model was imported/);
    expect(await text(card.getByTestId('checkpoint-imported').textContent())).toMatch(/^Ready/);

    const family = page.locator(`[data-testid="family"][data-url="${IMPORTED}"]`);
    await family.and(page.locator('[data-state="cached"]')).waitFor({ timeout: 30_000 });
    await family.getByTestId('family-delete').click();
    const ask = family.getByTestId('family-delete-confirm');
    expect(await text(ask.textContent())).toMatch(/^Delete Linked reward \(.+\) from this device\? Getting it back means importing the checkpoint again\./);
    await family.getByTestId('family-delete-no').click();
    expect(await ask.count()).toBe(0);
    expect(await family.getAttribute('data-state')).toBe('cached'); // nothing was deleted

    await family.getByTestId('family-delete').click();
    await family.getByTestId('family-delete-yes').click();
    await explained(page, family.waitFor({ state: 'detached', timeout: 30_000 }));
    await explained(page, card.and(page.locator('[data-state="missing"]')).getByTestId('get-checkpoint').waitFor({ timeout: 30_000 }));
  });

  it('the same file imported by hand ("Import a checkpoint…") leaves its card ready, with no second download offered', async () => {
    const { page } = app.b;
    const card = checkpointCard(page, linked);
    const form = page.getByTestId('import-form');
    await form.getByTestId('import-checkpoint').setInputFiles(join(fixture, 'ckpt.pt'));
    await form.getByTestId('import-vocab').setInputFiles(join(fixture, 'vocab.txt'));
    await form.getByTestId('import-name').fill('My own copy');
    await form.locator('summary').click();
    await form.getByTestId('import-vision-heads').fill(String(FIXTURE_HEADS.vision));
    await form.getByTestId('import-text-heads').fill(String(FIXTURE_HEADS.text));
    await form.getByTestId('import-start').click();
    await explained(page, card.and(page.locator('[data-state="imported"]')).waitFor({ timeout: 120_000 }));
    expect(await card.getByTestId('get-checkpoint').count()).toBe(0);
    expect(await text(card.getByTestId('checkpoint-imported').textContent())).toMatch(/^Ready: you imported this very file \(its sha256 is the one this manifest names\)/);
  });
});
