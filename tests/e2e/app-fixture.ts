// For a test file: the built app served by `vite preview` and one Debian chromium, started before
// the file's tests and closed after them.
import { afterAll, beforeAll } from 'vitest';
import type { PreviewServer } from 'vite';
import { launch, serveDist, type Browser } from '../../scripts/harness/chromium.ts';

export interface AppFixture {
  url: string;
  b: Browser;
}

export function useApp(webgpu = false, setup?: (app: AppFixture) => Promise<void>): AppFixture {
  const app = {} as AppFixture;
  let server: PreviewServer | undefined;
  beforeAll(async () => {
    ({ server, url: app.url } = await serveDist());
    app.b = await launch(webgpu);
    await setup?.(app);
  });
  afterAll(async () => {
    await app.b?.close();
    await server?.close();
  });
  return app;
}
