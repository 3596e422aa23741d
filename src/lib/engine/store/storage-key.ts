// A stored file's name in the storage (OPFS): the first 40 hex digits of the sha256 of its URL —
// OPFS names cannot hold '/', and one URL is one stored file whichever family names it.
export async function keyOf(url: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(url));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, 40);
}
