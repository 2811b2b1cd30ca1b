#!/usr/bin/env node
// Entry point of the installed `dockstack` command: runs the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('dockstack: not built yet; run `npm run build` in the dockstack checkout\n');
  process.exit(1);
}
await import(main.href);
