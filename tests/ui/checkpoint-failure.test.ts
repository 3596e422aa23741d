// A failed "Get" in the checkpoint card's own words: what happened to the download, and what the
// button does if pressed again (never a silent second download of a file that failed its check).
import { describe, expect, it } from 'vitest';
import { CheckpointError, DownloadError, ModelFileError, PrefLensError, StorageQuotaError } from '../../src/lib/engine/errors.ts';
import type { CheckpointStatus } from '../../src/lib/engine/families/checkpoint-get.ts';
import { getFailureWords } from '../../src/lib/ui/checkpoint-failure.ts';

const HOST = 'https://models.example/r/';
const card = (ckptPresent: number, vocabPresent = 1000): CheckpointStatus => ({
  manifest: { kind: 'vp-score-checkpoint', id: 'x', name: 'X reward', licence: 'MIT', homepage: 'https://models.example',
    checkpoint: { file: `${HOST}x.pt`, bytes: 2e9, sha256: 'a'.repeat(64) }, vocab: { file: `${HOST}vocab.txt`, bytes: 1000, sha256: 'b'.repeat(64) } },
  familyUrl: 'preflens-import://local/x/preflens.json', imported: false,
  files: [
    { url: `${HOST}x.pt`, name: 'x.pt', bytes: 2e9, present: ckptPresent, state: ckptPresent === 2e9 ? 'cached' : ckptPresent ? 'partial' : 'missing' },
    { url: `${HOST}vocab.txt`, name: 'vocab.txt', bytes: 1000, present: vocabPresent, state: vocabPresent === 1000 ? 'cached' : 'missing' },
  ],
});
const at = <E extends PrefLensError>(e: E, getStep?: 'download' | 'convert') => Object.assign(e, getStep ? { getStep } : {});

describe('the words of a failed Get', () => {
  it('a file that failed its sha256 or size check: removed, and the button says it downloads the whole file again', () => {
    for (const m of ['x.pt downloaded from … has sha256 …', 'x.pt: the server has only 10 bytes, the manifest says 2000000000']) {
      const w = getFailureWords(at(new ModelFileError(m), 'download'), card(0));
      expect(w.hint).toMatch(/models\.example sent is not the one the manifest names .* removed/);
      expect(w.retry).toBe('Download again (2.00 GB)');
    }
  });

  it('a 404 says the address is wrong; a dropped or absent connection says the bytes are kept and it resumes', () => {
    expect(getFailureWords(at(new DownloadError('x.pt: … answered HTTP 404 Not Found'), 'download'), card(0)))
      .toMatchObject({ hint: /no file at the address the manifest names/, retry: /^Try again/ });
    const dropped = getFailureWords(at(new DownloadError('x.pt: download stopped at 5 of 9 bytes after 6 attempts'), 'download'), card(5e8));
    expect(dropped.hint).toMatch(/the 500.0 MB already here are kept and the download resumes/);
    expect(dropped.retry).toBeUndefined(); // the card's own "Resume: get X (1.5 GB left)"
    // Offline before anything started: the manifest could not be fetched.
    expect(getFailureWords(new DownloadError('… could not be fetched: Failed to fetch'), card(0)).hint).toMatch(/^Nothing was downloaded/);
  });

  it('a file that is no checkpoint: removed unless kept, and getting it again would bring the same file', () => {
    const removed = getFailureWords(at(new CheckpointError('x.pt is neither…'), 'convert'), card(0, 0));
    expect(removed).toMatchObject({ hint: /not a usable checkpoint.*the download was removed.*the manifest names the wrong one/, retry: 'Download again (2.00 GB)' });
    const kept = getFailureWords(at(new CheckpointError('x.pt is neither…'), 'convert'), card(2e9));
    expect(kept.hint).toMatch(/the download is kept, as you asked/);
    expect(kept.retry).toBeUndefined();
  });

  it('no hint speaks of another form ("press Download", "pick a variant", "in Models")', () => {
    const errors = [at(new ModelFileError('m'), 'download'), at(new DownloadError('d'), 'download'), at(new CheckpointError('c'), 'convert'),
      at(new PrefLensError('p'), 'convert'), new StorageQuotaError('q'), new DownloadError('manifest')];
    for (const e of errors) expect(getFailureWords(e, card(0)).hint).not.toMatch(/press Download|pick a variant|in Models/i);
  });
});
