import { describe, expect, it } from 'vitest';
import {
  ContractError, DeviceLostError, EmptyPromptError, ImageTooLargeError, rebuildError, RequestError,
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
