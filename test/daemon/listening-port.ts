import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Collects a daemon process's log lines into `logs` (the last `keep` of them) and resolves with
 * the port of its "dockstack daemon listening" line; rejects, with the last lines, when it exits
 * first or does not listen within 20 s.
 */
export function listeningPort(
  child: ChildProcessByStdio<null, null, Readable>,
  logs: string[],
  keep = Number.POSITIVE_INFINITY,
): Promise<number> {
  const tail = () => logs.slice(-20).join('\n');
  let partial = '';
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the daemon did not listen within 20 s:\n${tail()}`));
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        if (logs.length > keep) logs.shift();
        const match = /"port":(\d+).*"msg":"dockstack daemon listening"/.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited with ${String(code)}:\n${tail()}`));
    });
  });
}
