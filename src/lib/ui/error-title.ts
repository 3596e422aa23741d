// The heading of an error banner: what happened, in words, not the error's class name.
const TITLES: Record<string, string> = {
  ImageDecodeError: 'An image could not be decoded',
  UnsupportedImageTypeError: 'Not a PNG, JPEG or WebP image',
  ImageFileError: 'An image file could not be read',
  ImageTooLargeError: 'Image too large',
  EmptyPromptError: 'No prompt',
  ContractError: 'This model does not fit PrefLens',
  ModelFileError: 'Model file problem',
  ManifestError: 'Model manifest problem',
  BackendError: 'Backend not available',
  CancelledError: 'Cancelled',
  RequestError: 'Invalid request',
  DeviceLostError: 'GPU device lost',
  OutOfMemoryError: 'Out of memory',
  StorageQuotaError: 'Storage full',
  DownloadError: 'Download failed',
  ConvertError: 'Conversion failed',
  CheckpointError: 'Not a usable checkpoint',
  LoadTimeoutError: 'The model did not finish loading',
  EngineRestartedError: 'Stopped: the engine was restarted',
  PromptSetError: 'Prompt file problem',
  PairsFileError: 'Pairs file problem',
};

export function errorTitle(e: Error): string {
  return TITLES[e.name] ?? 'Something went wrong';
}

/** For the test that every engine error class has a title. */
export const TITLED = Object.keys(TITLES);
