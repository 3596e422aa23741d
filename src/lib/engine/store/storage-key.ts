// A stored file's name in the storage (OPFS): the first 40 hex digits of the sha256 of its record's
// key (URL and length, records.ts; the URL alone for documents and older records) — OPFS names
// cannot hold '/'.
export async function keyOf(id: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(id));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 40);
}
