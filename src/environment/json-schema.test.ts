import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { environmentJsonSchema, JSON_SCHEMA_FILES } from './json-schema.js';

const root = new URL('../../', import.meta.url);

describe('environmentJsonSchema', () => {
  it.each(JSON_SCHEMA_FILES)(
    'matches the committed %s (run `npm run schema` after changing the schema)',
    (file) => {
      expect(readFileSync(new URL(file, root), 'utf8')).toBe(environmentJsonSchema());
    },
  );

  it('is referenced by the example environment so editors can complete it', () => {
    const example = readFileSync(new URL('env-repo-example/environment.yaml', root), 'utf8');
    expect(example.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./environment.schema.json',
    );
  });

  it('describes the seed fields and the extensions', () => {
    const schema = JSON.parse(environmentJsonSchema()) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual([
      'name',
      'common',
      'registered_services',
      'services',
      'hosts',
      'order',
      'external',
      'registry',
      'network',
      'volumes',
    ]);
    expect(schema.required).toEqual(['common', 'services']);
  });
});
