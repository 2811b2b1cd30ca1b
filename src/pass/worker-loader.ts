import { Worker } from 'node:worker_threads';

import { loadInline, type Loaded, type Loader } from './load-stage.js';

/** The module holding loadEnvironment, as this module finds it (built: .js; from source: .ts). */
const LOADER_MODULE = new URL(
  `../environment/load-environment${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
).href;

/** Run from source, the worker needs tsx to load TypeScript; built, it needs nothing. */
const TSX_API = import.meta.url.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;

/** The worker: validates one file and posts the result back (plain data: it is cloned). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx !== undefined) (await import(workerData.tsx)).register();
  const { loadEnvironment } = await import(workerData.module);
  const result = loadEnvironment(workerData.bytes, { file: workerData.file });
  parentPort.postMessage(
    result.ok ? { ok: true, env: result.env } : { ok: false, problems: result.problems },
  );
})();
`;

/** Files smaller than this are validated on the calling thread: a worker costs more. */
export const WORKER_THRESHOLD = 256 * 1024;

/**
 * A loader that validates a large file on a worker thread, so a process that also answers
 * requests (the daemon's /healthz) stays responsive while a big environment is checked. Each large
 * file gets a worker of its own that ends with it: an idle daemon holds no worker.
 */
export function workerLoader(threshold = WORKER_THRESHOLD): Loader {
  return (bytes, file) => {
    const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
    if (size < threshold) return loadInline(bytes, file);
    return new Promise<Loaded>((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { bytes, file, module: LOADER_MODULE, tsx: TSX_API },
      });
      worker.once('message', (loaded: Loaded) => {
        resolve(loaded);
        void worker.terminate();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`the validation worker exited with code ${String(code)}`));
      });
    });
  };
}

/**
 * A loader that remembers the last few results by text: the daemon checks the same head again at
 * every drift pass, and validates it once.
 */
export function cachingLoader(inner: Loader, size = 4): Loader {
  const cache = new Map<string, Promise<Loaded>>();
  return (bytes, file) => {
    if (typeof bytes !== 'string') return inner(bytes, file);
    const key = `${file}\u0000${bytes}`;
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const loaded = inner(bytes, file);
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
    if (cache.size > size) cache.delete(cache.keys().next().value ?? '');
    return loaded;
  };
}
