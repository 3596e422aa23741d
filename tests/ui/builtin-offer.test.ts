import { describe, expect, it } from 'vitest';
import { offersBuiltin } from '../../src/lib/ui/builtin-offer.ts';

describe('offersBuiltin', () => {
  it('hides the built-in button while the built-in model is the one in use', () => {
    expect(offersBuiltin(true, 'built-in')).toBe(false);
  });
  it('offers it when another model is in use, or none is', () => {
    expect(offersBuiltin(true, 'folder vp-tiny-wide')).toBe(true);
    expect(offersBuiltin(true, 'imported ImageReward (this device)')).toBe(true);
    expect(offersBuiltin(false, '')).toBe(true);
    expect(offersBuiltin(false, 'built-in')).toBe(true);
  });
});
