// A setting kept across visits as JSON in localStorage: read with a check of its shape (storage
// another version wrote, or a user edited, falls back to the default), written whole.
export function loadSetting<T>(key: string, check: (v: unknown) => T | undefined, fallback: T): T {
  try {
    return check(JSON.parse(localStorage.getItem(key) ?? 'null')) ?? fallback;
  } catch {
    return fallback;
  }
}

export function saveSetting(key: string, value: unknown): void {
  localStorage.setItem(key, JSON.stringify(value));
}

/** A plain object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
