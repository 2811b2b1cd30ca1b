/**
 * Validation at its worst case, and the daemon while it validates: an environment file of 100,000
 * services, each missing from the tier order (3.5 MB, under the size cap, 100,000 problems found):
 * - `validate`: loadEnvironment of that text, median of 3 (target: under 10 s);
 * - the daemon: `dockstack daemon` (from source) follows a local env repo; that file is pushed and
 *   the daemon polls it; /healthz is asked every 20 ms from the end of the push until the daemon
 *   has finished the commit (it is reported invalid); the slowest answer (target: under 100 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadEnvironment } from '../src/environment/load-environment.js';
import { startDaemon, waitFor } from '../test/daemon/daemon-process.js';
import { createRemote } from '../test/git/git-fixture.js';

const SERVICES = 100_000;
const TARGET_VALIDATE_MS = 10_000;
const TARGET_HEALTHZ_MS = 100;
const PROBE_EVERY_MS = 20;

/** `count` services of one container each, none of them in the tier order. */
function manyServices(count: number): string {
  const lines = ['common:', '  dnsServer: 10.0.0.1', '  domain: big.lab', 'services:'];
  for (let i = 0; i < count; i++)
    lines.push(`  s${String(i)}:`, `    c${String(i)}:`, '      host: h1');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const text = manyServices(SERVICES);
  const runs: number[] = [];
  let problems = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const result = loadEnvironment(text);
    runs.push(performance.now() - started);
    problems = result.ok ? 0 : result.problems.length;
  }
  const validateMs = [...runs].sort((a, b) => a - b)[1] ?? Number.NaN;

  const dir = mkdtempSync(join(tmpdir(), 'dockstack-bench-validation-'));
  const remote = createRemote(dir, {
    'environment.yaml': 'common:\n  dnsServer: 10.0.0.1\n  domain: big.lab\nservices: {}\n',
  });
  const daemon = await startDaemon([
    '--repo',
    remote.fileUrl,
    '--workdir',
    join(dir, 'work'),
    '--interval',
    '1',
    '--drift-interval',
    '0',
  ]);
  const status = async () =>
    (await (await fetch(`${daemon.base}/api/status`)).json()) as {
      lastPass: { outcome: string } | null;
      problems?: unknown[] | null;
    };
  try {
    await waitFor('the first commit', async () =>
      (await status()).lastPass === null ? undefined : true,
    );
    remote.push({ 'environment.yaml': text }, `${String(SERVICES)} services`);
    let slowest = 0;
    let asked = 0;
    const done = waitFor(
      'the commit of 100,000 services reported invalid',
      async () => ((await status()).lastPass?.outcome === 'invalid' ? true : undefined),
      300_000,
    );
    const state = { finished: false };
    void done.finally(() => {
      state.finished = true;
    });
    while (!state.finished) {
      const started = performance.now();
      const answer = await fetch(`${daemon.base}/healthz`);
      await answer.arrayBuffer();
      slowest = Math.max(slowest, performance.now() - started);
      asked++;
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
    await done;
    console.log(
      `${String(SERVICES)} services missing from the tier order (${(text.length / 1e6).toFixed(1)} MB), ${String(problems)} problems reported`,
    );
    console.log(
      `  validate, median of 3          ${(validateMs / 1000).toFixed(2)} s   (target < ${String(TARGET_VALIDATE_MS / 1000)} s)`,
    );
    console.log(
      `  /healthz while the daemon validates it, slowest of ${String(asked)}: ${slowest.toFixed(0)} ms   (target < ${String(TARGET_HEALTHZ_MS)} ms)`,
    );
  } finally {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
