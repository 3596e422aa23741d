/** Where a command's output goes: process.stdout/stderr, or a capture in tests. */
export interface Sink {
  write(text: string): unknown;
}
