import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { cachingLoader, workerLoader } from './worker-loader.js';
import type { Loader } from './load-stage.js';

function bigEnvironment(containers: number): string {
  const webui: Record<string, { host: string }> = {};
  for (let i = 0; i < containers; i++) webui[`webui${String(i)}`] = { host: 'h1' };
  return stringify({ common: { dnsServer: '10.0.0.1', domain: 'endor.lab' }, services: { webui } });
}

describe('workerLoader', () => {
  it('validates a large file on a worker thread, with the same result as inline', async () => {
    const text = bigEnvironment(20_000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const loaded = await workerLoader()(text, 'environment.yaml');
    clearInterval(ticker);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(Object.keys(loaded.env.services.webui ?? {})).toHaveLength(20_000);
    // The event loop went on while the worker validated.
    expect(ticks).toBeGreaterThan(2);
  });

  it('reports the problems of a large invalid file with their positions', async () => {
    const text = `${bigEnvironment(20_000)}bogus: 1\n`;
    const loaded = await workerLoader()(text, 'env.yaml');
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems[0]).toMatchObject({ file: 'env.yaml', col: 1 });
  });
});

describe('cachingLoader', () => {
  it('validates a text once while it stays among the last few', async () => {
    const calls: string[] = [];
    const inner: Loader = (bytes) => {
      calls.push(String(bytes));
      return Promise.resolve({ ok: false, problems: [] });
    };
    const load = cachingLoader(inner, 2);
    await load('a', 'f');
    await load('a', 'f');
    await load('b', 'f');
    await load('c', 'f');
    await load('a', 'f');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
