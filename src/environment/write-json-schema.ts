/** Regenerates the committed JSON Schema files from the zod schema: `npm run schema`. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeFileAtomic } from '../util/write-file-atomic.js';
import { environmentJsonSchema, JSON_SCHEMA_FILES } from './json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const text = environmentJsonSchema();
for (const file of JSON_SCHEMA_FILES) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileAtomic(join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
