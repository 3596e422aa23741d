// Error banners are headed in words: every error class the engine throws has a title, and the
// eval files' hints only point at a line when one is named.
import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from '../../src/lib/engine/errors.ts';
import { PairsFileError } from '../../src/lib/eval/pairs.ts';
import { PromptSetError } from '../../src/lib/eval/prompt-set.ts';
import { errorTitle, TITLED } from '../../src/lib/ui/error-title.ts';

describe('error banner titles and hints', () => {
  it('every engine error class and the eval file errors have a title; an unknown error is "Something went wrong"', () => {
    const missing = Object.keys(ERROR_CLASSES).filter((k) => k !== 'PrefLensError' && !TITLED.includes(k));
    expect(missing).toEqual([]);
    expect(errorTitle(new PromptSetError('x.csv: empty'))).toBe('Prompt file problem');
    expect(errorTitle(new TypeError('boom'))).toBe('Something went wrong');
  });

  it('says "fix that line" only when a line is named', () => {
    expect(new PromptSetError('x.csv: the file is empty').hint).not.toMatch(/line named|Fix that line/);
    expect(new PromptSetError('x.jsonl line 3: no prompt', 3).hint).toMatch(/^Fix that line/);
    expect(new PairsFileError(0, 'the file is empty').hint).toMatch(/^A pairs file has/);
    expect(new PairsFileError(2, 'bad preferred').hint).toMatch(/^Fix that line/);
  });
});
