/**
 * Loads uWebSockets.js and refuses to run on its JavaScript fallback. The package we install (an npm alias of
 * an unofficial build of uWS v20.30) silently falls back to a slow Node.js shim when the native binary cannot
 * load; an edge server that quietly runs at a fraction of its capacity is worse than one that does not start.
 */
import { createRequire } from 'node:module';
import type * as UWS from 'uWebSockets.js';

const require = createRequire(import.meta.url);

export class NativeUwsUnavailableError extends Error {
  constructor(reason: string) {
    super(`uWebSockets.js native binary did not load (${reason}); refusing to start on the JavaScript fallback. ` +
      `Check the Node.js version (ABI ${process.versions.modules}) and platform (${process.platform}-${process.arch}).`);
  }
}

export function loadNativeUws(): typeof UWS {
  if (/^(1|true)$/i.test(process.env.UWS_USE_FALLBACK ?? '')) throw new NativeUwsUnavailableError('UWS_USE_FALLBACK is set');
  const entry = require.resolve('uWebSockets.js');
  const binary = require.resolve(`uWebSockets.js/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`, { paths: [entry] });
  let native: typeof UWS;
  try {
    native = require(binary) as typeof UWS;
  } catch (e) {
    throw new NativeUwsUnavailableError((e as Error).message.split('\n')[0]);
  }
  // the fallback lacks the native-only exports
  if (typeof native.App !== 'function' || typeof (native as unknown as { getParts?: unknown }).getParts !== 'function') {
    throw new NativeUwsUnavailableError('the loaded module is not the native addon');
  }
  return native;
}
