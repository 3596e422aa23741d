// A manifest's bytes from its URL, with the errors a user can act on: unreachable, an HTTP error,
// or an HTML page (a model card's URL pasted instead of the file's).
import { DownloadError, ManifestError } from '../errors.ts';

export async function fetchManifest(url: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchImpl(url, { cache: 'no-cache' });
  } catch (e) {
    throw new DownloadError(`${url} could not be fetched: ${(e as Error).message}`);
  }
  if (!res.ok) throw new DownloadError(`${url}: HTTP ${res.status} ${res.statusText}`.trim());
  const bytes = new Uint8Array(await res.arrayBuffer());
  if ((res.headers.get('content-type') ?? '').includes('text/html')) {
    throw new ManifestError(`${url} is an HTML page, not a model manifest (wrong URL?)`);
  }
  return bytes;
}
