// A converter pass written as a generator that yields after each weight it converts. `runSteps`
// runs it straight through (`preflens convert`, the in-memory conversion); the browser's streamed
// import runs it with `runStepsCancellable`, which gives the event loop a turn between weights:
// the worker is single-threaded and a pass takes about 35 s at full size, so without that turn the
// cancel message from the page would only be read once the pass had ended.
import { CancelledError } from '../errors.ts';

export type Steps<T> = Generator<void, T, void>;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps, a task boundary after each; stops before the next one once `signal` is aborted. */
export async function runStepsCancellable<T>(steps: Steps<T>, signal: AbortSignal | undefined, message: string): Promise<T> {
  for (;;) {
    if (signal?.aborted) throw new CancelledError(message);
    const r = steps.next();
    if (r.done) return r.value;
    await nextTask();
  }
}

/**
 * A macrotask, not a microtask: the page's cancel arrives as a message event, which waits for the
 * next task. A MessageChannel message rather than setTimeout(0): nested timeouts are held to 4 ms
 * each in browsers, seconds over the hundreds of weights of a full-size pass.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
