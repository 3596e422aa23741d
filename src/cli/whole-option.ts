// Whole-number options of the commands (--threads, --batch): a value outside its range is refused
// with the option's name, never clamped or passed on (`--threads 999` once grew to 8 GB of memory).
export const OPTION_RANGES = { threads: [1, 16], batch: [1, 64] } as const;

export function wholeOption(name: keyof typeof OPTION_RANGES, raw: string | undefined): { value?: number } | { error: string } {
  if (raw === undefined) return {};
  const [min, max] = OPTION_RANGES[name];
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) return { error: `--${name} must be a whole number from ${min} to ${max}, got "${raw}"` };
  return { value: n };
}
