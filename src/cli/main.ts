#!/usr/bin/env -S node --max-semi-space-size=1
import { processOutput } from './output.js';
import { runCli } from './run-cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2), processOutput);
} catch (error) {
  process.stderr.write(
    `dockstack: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
