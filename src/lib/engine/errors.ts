// One class per failure a user can meet, and the one table of them. Each has a stable `name`
// (class names do not survive minification) and a `hint`: what the user can do about it, shown
// under the message. Messages say what happened, in the user's words. Errors cross the worker
// boundary as {name, message, stack, ...their own data} (worker/error-transfer.ts) and are rebuilt
// into their class here (rebuildError), so `instanceof` and data fields work on both sides.

export class PrefLensError extends Error {
  /** What the user can do about this kind of error (none for the generic class). */
  static hint: string | undefined;
  constructor(message: string) {
    super(message);
    this.name = 'PrefLensError';
  }
  get hint(): string | undefined {
    return (this.constructor as typeof PrefLensError).hint;
  }
}

/** The base of an error class that is only a message: its stable name and its hint. */
function messageError(name: string, hint?: string) {
  return class extends PrefLensError {
    static override hint = hint;
    constructor(message: string) {
      super(message);
      this.name = name;
    }
  };
}

/** The bytes claim to be an image we support but do not decode. */
export class ImageDecodeError extends PrefLensError {
  constructor(file: string, detail: string) {
    super(`"${file}" could not be decoded as an image: ${detail}`);
    this.name = 'ImageDecodeError';
  }
}

/** Not a PNG, JPEG or WebP (judged by the file's bytes, not its name). */
export class UnsupportedImageTypeError extends PrefLensError {
  constructor(file: string) {
    super(`"${file}" is not a PNG, JPEG or WebP image`);
    this.name = 'UnsupportedImageTypeError';
  }
}

/** An image path that cannot be read (missing, a folder, no permission): the command line's inputs. */
export class ImageFileError extends messageError('ImageFileError', 'Check the path; the other images were scored.') {}

export const MAX_IMAGE_SIDE = 8192;
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** Over 8192 px a side or 50 MB: refused before decoding so a huge file cannot exhaust memory. */
export class ImageTooLargeError extends PrefLensError {
  constructor(file: string, detail: string) {
    super(`"${file}" is too large (${detail}); the limit is ${MAX_IMAGE_SIDE} px a side and 50 MB`);
    this.name = 'ImageTooLargeError';
  }
}

export class EmptyPromptError extends PrefLensError {
  static override hint = 'Type a prompt first.';
  constructor() {
    super('The prompt is empty: type what the images should show');
    this.name = 'EmptyPromptError';
  }
}

/** A loaded graph whose inputs/outputs differ from the contract the manifest promises. */
export class ContractError extends messageError('ContractError',
  'This graph does not take VP-Score inputs. Export it with the VP-Score contract (see README).') {}

/** A model file that is missing, truncated, corrupt or not an ONNX graph. */
export class ModelFileError extends messageError('ModelFileError',
  'Re-export or re-download the model file; the built-in model is still available.') {}

/** A manifest (preflens.json) that is malformed. */
export class ManifestError extends messageError('ManifestError',
  'Fix the model manifest (preflens.json), or pick a variant this device can run.') {}

/** The requested execution provider cannot run here (e.g. WebGPU forced with no adapter). */
export class BackendError extends messageError('BackendError',
  'Choose another backend in the header.') {}

/** The user cancelled; results finished before the cancel are kept by the caller. */
export class CancelledError extends PrefLensError {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A request outside what the engine takes (N, steps or seed out of range; an import without a name or with std ≤ 0). */
export class RequestError extends messageError('RequestError',
  'Change the settings and try again.') {}

/**
 * The GPU device went away (driver reset, tab backgrounded, destroyed). Carries the work of the
 * call it ended: the item indices with a result (`finished`, the results themselves) and without
 * (`unfinished`), so the worker client can redo exactly the rest on WASM.
 */
export class DeviceLostError<T = unknown> extends PrefLensError {
  static override hint = 'The GPU stopped responding; reload the page or choose WASM.';
  constructor(
    /** What WebGPU said (device.lost's message or reason). */
    readonly reason: string,
    readonly unfinished: number[] = [],
    readonly finished: T[] = [],
  ) {
    super(`the GPU device was lost: ${reason}`);
    this.name = 'DeviceLostError';
  }
}

/**
 * A model load that did not finish within its bound (worker/load-guard.ts) even after a retry in a
 * fresh worker: onnxruntime stopped without an error. The engine was restarted without that model.
 */
export class LoadTimeoutError extends PrefLensError {
  static override hint = 'The other models are still loaded: pick another model, or reload the page to try again.';
  constructor(
    /** The last file the load reported before it went quiet. */
    readonly file: string,
    readonly boundMs: number,
  ) {
    super(`loading the model stopped after ${file.split('/').pop()}: nothing happened for ${Math.round(boundMs / 1000)} s`);
    this.name = 'LoadTimeoutError';
  }
}

/** A call the engine was running when the client restarted it (a load that hung): nothing of it is kept. */
export class EngineRestartedError extends messageError('EngineRestartedError',
  'Start it again: a download resumes where it stopped.') {}

/** A model that does not fit in the runtime's memory (32-bit WASM tops out at 4 GB). */
export class OutOfMemoryError extends messageError('OutOfMemoryError',
  'Pick a quantized variant of the model (see README: converting a model).') {}

/** Not enough storage for a download: nothing else is removed to make room. */
export class StorageQuotaError extends messageError('StorageQuotaError',
  'Delete a downloaded model in Models, or free disk space, then download again.') {}

/** A model file could not be fetched (network down, server error) even after retries. */
export class DownloadError extends messageError('DownloadError',
  'Check the connection and press Download again: it resumes where it stopped.') {}

/** The model is not something the converter can (or should) rewrite. */
export class ConvertError extends messageError('ConvertError') {}

/** A checkpoint (or its vocab.txt) that is not one, is damaged, or holds more than tensors. */
export class CheckpointError extends messageError('CheckpointError',
  'Pick an ImageReward-format checkpoint (.pt from torch.save, or .safetensors) and bert-base-uncased\'s vocab.txt; nothing was imported.') {}

/** Every class the engine throws, keyed by its `name` (tests/engine/errors.test.ts checks the keys). */
type ErrorClass = abstract new (...args: never[]) => PrefLensError;

export const ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  PrefLensError, ImageDecodeError, UnsupportedImageTypeError, ImageFileError, ImageTooLargeError, EmptyPromptError, ContractError,
  ModelFileError, ManifestError, BackendError, CancelledError, RequestError, DeviceLostError, OutOfMemoryError,
  StorageQuotaError, DownloadError, ConvertError, CheckpointError, LoadTimeoutError, EngineRestartedError,
};

/** An error as it crosses a message port: its name, message, stack and own data fields. */
export interface CarriedError {
  name?: string;
  message?: string;
  stack?: string;
  [field: string]: unknown;
}

/** Rebuild the engine's error class (with its data fields) from what crossed the boundary. */
export function rebuildError(e: unknown): Error {
  if (e instanceof PrefLensError) return e;
  if (typeof e !== 'object' || e === null) return new Error(String(e));
  const { name, message, stack, ...data } = e as CarriedError;
  const Class = name && Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name] : undefined;
  if (!Class) return e instanceof Error ? e : Object.assign(new Error(String(message)), name ? { name } : {});
  // The class's prototype without its constructor, whose arguments differ per class (a file name,
  // a reason…): the message and data fields that crossed are set as they were.
  const rebuilt = Reflect.construct(PrefLensError, [message ?? ''], Class) as PrefLensError;
  Object.assign(rebuilt, data, { name });
  if (stack) rebuilt.stack = stack;
  return rebuilt;
}
