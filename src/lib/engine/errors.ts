// One class per failure a user can meet. Each has a stable `name` (and `code`) because comlink only
// carries {name, message, stack} across the worker boundary: the client rebuilds the class from `name`
// (see rebuildError). Messages say what happened and what to do, in the user's words.

export type ErrorCode =
  | 'image-decode'
  | 'image-type'
  | 'image-too-large'
  | 'empty-prompt'
  | 'contract'
  | 'model-file'
  | 'storage-quota'
  | 'download'
  | 'manifest'
  | 'backend'
  | 'cancelled'
  | 'device-lost'
  | 'out-of-memory'
  | 'bad-request'
  | 'input';

export class PrefLensError extends Error {
  readonly code: ErrorCode = 'input';
  constructor(message: string) {
    super(message);
    this.name = 'PrefLensError';
  }
}

/** The bytes claim to be an image we support but do not decode. */
export class ImageDecodeError extends PrefLensError {
  override readonly code = 'image-decode';
  constructor(file: string, detail: string) {
    super(`"${file}" could not be decoded as an image: ${detail}`);
    this.name = 'ImageDecodeError';
  }
}

/** Not a PNG, JPEG or WebP (judged by the file's bytes, not its name). */
export class UnsupportedImageTypeError extends PrefLensError {
  override readonly code = 'image-type';
  constructor(file: string) {
    super(`"${file}" is not a PNG, JPEG or WebP image`);
    this.name = 'UnsupportedImageTypeError';
  }
}

export const MAX_IMAGE_SIDE = 8192;
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** Over 8192 px a side or 50 MB: refused before decoding so a huge file cannot exhaust memory. */
export class ImageTooLargeError extends PrefLensError {
  override readonly code = 'image-too-large';
  constructor(file: string, detail: string) {
    super(`"${file}" is too large (${detail}); the limit is ${MAX_IMAGE_SIDE} px a side and 50 MB`);
    this.name = 'ImageTooLargeError';
  }
}

export class EmptyPromptError extends PrefLensError {
  override readonly code = 'empty-prompt';
  constructor() {
    super('The prompt is empty: type what the images should show');
    this.name = 'EmptyPromptError';
  }
}

/** A loaded graph whose inputs/outputs differ from the contract the manifest promises. */
export class ContractError extends PrefLensError {
  override readonly code = 'contract';
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

/** A model file that is missing, truncated, corrupt or not an ONNX graph. */
export class ModelFileError extends PrefLensError {
  override readonly code = 'model-file';
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** A manifest (preflens.json) that is malformed. */
export class ManifestError extends PrefLensError {
  override readonly code = 'manifest';
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** The requested execution provider cannot run here (e.g. WebGPU forced with no adapter). */
export class BackendError extends PrefLensError {
  override readonly code = 'backend';
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

/** The user cancelled; results finished before the cancel are kept by the caller. */
export class CancelledError extends PrefLensError {
  override readonly code = 'cancelled';
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A request outside what the pipeline takes (N, steps or seed out of range). */
export class RequestError extends PrefLensError {
  override readonly code = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

/** The GPU device went away (driver reset, tab backgrounded, destroyed) and WASM could not take over. */
export class DeviceLostError extends PrefLensError {
  override readonly code = 'device-lost';
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLostError';
  }
}

/** A model that does not fit in the runtime's memory (32-bit WASM tops out at 4 GB). */
export class OutOfMemoryError extends PrefLensError {
  override readonly code = 'out-of-memory';
  constructor(message: string) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

/** Not enough storage for a download: nothing else is removed to make room. */
export class StorageQuotaError extends PrefLensError {
  override readonly code = 'storage-quota';
  constructor(message: string) {
    super(message);
    this.name = 'StorageQuotaError';
  }
}

/** A model file could not be fetched (network down, server error) even after retries. */
export class DownloadError extends PrefLensError {
  override readonly code = 'download';
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

const byName: Record<string, (message: string) => PrefLensError> = {
  ImageDecodeError: (m) => withMessage(new ImageDecodeError('', ''), m),
  UnsupportedImageTypeError: (m) => withMessage(new UnsupportedImageTypeError(''), m),
  ImageTooLargeError: (m) => withMessage(new ImageTooLargeError('', ''), m),
  EmptyPromptError: (m) => withMessage(new EmptyPromptError(), m),
  ContractError: (m) => new ContractError(m),
  ModelFileError: (m) => new ModelFileError(m),
  ManifestError: (m) => new ManifestError(m),
  BackendError: (m) => new BackendError(m),
  CancelledError: (m) => new CancelledError(m),
  RequestError: (m) => new RequestError(m),
  DeviceLostError: (m) => new DeviceLostError(m),
  OutOfMemoryError: (m) => new OutOfMemoryError(m),
  StorageQuotaError: (m) => new StorageQuotaError(m),
  DownloadError: (m) => new DownloadError(m),
  PrefLensError: (m) => new PrefLensError(m),
};

function withMessage<E extends Error>(e: E, message: string): E {
  e.message = message;
  return e;
}

/** Rebuild the engine's error class from what comlink carried ({name, message}). */
export function rebuildError(e: unknown): Error {
  if (!(e instanceof Error) && (typeof e !== 'object' || e === null)) return new Error(String(e));
  const { name, message } = e as { name?: string; message?: string };
  const make = name ? byName[name] : undefined;
  if (!make) return e instanceof Error ? e : new Error(String(message));
  const rebuilt = make(message ?? '');
  if (e instanceof Error && e.stack) rebuilt.stack = e.stack;
  return rebuilt;
}
