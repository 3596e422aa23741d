// Noticing that ort's GPU device is gone. WebGPU reports it through `device.lost` (a promise that
// resolves once, with a reason); ort-web itself does not: a run on a destroyed device never settles
// (measured in Chromium/SwiftShader) and leaves that ort instance unable to run anything else
// ("Session already started"). So runs in flight are failed by ort-session.ts, the engine stops
// with DeviceLostError, and the client restarts the worker on WASM (worker/client.ts).
import { failGpuRunsWhen, webgpuDevice } from './ort-session.ts';

/**
 * Calls `onLost(message)` when ort's WebGPU device is lost, and makes WebGPU runs fail then instead
 * of hanging; false if there is no device.
 */
export async function watchDeviceLoss(onLost: (message: string) => void): Promise<boolean> {
  const device = await webgpuDevice();
  if (!device) return false;
  const lost = device.lost.then((l) => l.message || l.reason || 'unknown reason');
  failGpuRunsWhen(lost);
  void lost.then(onLost);
  return true;
}

/** Destroy ort's device (test hook: what a driver reset looks like to the page). */
export async function destroyDevice(): Promise<boolean> {
  const device = await webgpuDevice();
  device?.destroy();
  return !!device;
}
