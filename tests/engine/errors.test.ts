import { describe, expect, it } from 'vitest';
import {
  ContractError, DeviceLostError, EmptyPromptError, ERROR_CLASSES, ImageTooLargeError, PrefLensError, rebuildError, RequestError,
} from '../../src/lib/engine/errors.ts';

describe('rebuildError', () => {
  it('rebuilds each class from what comlink carries (name + message)', () => {
    for (const e of [new ContractError('bad input'), new ImageTooLargeError('a.png', '9000 px'), new EmptyPromptError(),
      new RequestError('n out of range'), new DeviceLostError('gone')]) {
      const carried = structuredClone({ name: e.name, message: e.message });
      const back = rebuildError(carried);
      expect(back).toBeInstanceOf(e.constructor);
      expect(back.message).toBe(e.message);
      expect(back.name).toBe(e.name);
    }
  });
  it('keeps unknown errors as plain errors', () => {
    const back = rebuildError({ name: 'TypeError', message: 'x' });
    expect(back.message).toBe('x');
  });
});

describe('the error table', () => {
  it('names every class by the name its errors carry, and rebuilds each from that name', () => {
    for (const [key, Class] of Object.entries(ERROR_CLASSES)) {
      const made = new (Class as unknown as new (a: string, b: string) => PrefLensError)('x', 'y');
      expect(made.name, key).toBe(key);
      const back = rebuildError(structuredClone({ name: key, message: made.message }));
      expect(back, key).toBeInstanceOf(Class);
      expect((back as PrefLensError).hint, key).toBe(made.hint);
    }
  });

  it('keeps a DeviceLostError\'s data (reason, unfinished, finished) across a structured clone', () => {
    const e = new DeviceLostError('driver reset', [2, 3], [{ index: 0 }, { index: 1 }]);
    const back = rebuildError(structuredClone({ ...e, name: e.name, message: e.message })) as DeviceLostError;
    expect(back).toBeInstanceOf(DeviceLostError);
    expect([back.message, back.reason, back.unfinished, back.finished]).toEqual(
      ['the GPU device was lost: driver reset', 'driver reset', [2, 3], [{ index: 0 }, { index: 1 }]]);
  });
});
