import { z } from 'zod';

import { Environment } from './schema.js';

/** Where the generated JSON Schema is committed, relative to the repository root. */
export const JSON_SCHEMA_FILES = [
  'schema/environment.schema.json',
  'env-repo-example/environment.schema.json',
];

/** The environment file's JSON Schema, generated from the zod schema, as committed text. */
export function environmentJsonSchema(): string {
  const schema = {
    ...z.toJSONSchema(Environment, { io: 'input', target: 'draft-2020-12' }),
    title: 'dockstack environment',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
