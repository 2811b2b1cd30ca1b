import type { z } from 'zod';

import type { Path } from './locate.js';

/** The keys an object schema accepts at `path` below `schema` (for did-you-mean hints). */
export function schemaKeysAt(schema: z.core.$ZodType, path: Path): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    current = unwrap(current);
    if (current === undefined) return [];
    const def = current._zod.def;
    if (def.type === 'object') {
      current = (def as z.core.$ZodObjectDef).shape[String(segment)];
    } else if (def.type === 'record') {
      current = (def as z.core.$ZodRecordDef).valueType;
    } else if (def.type === 'array') {
      current = (def as z.core.$ZodArrayDef).element;
    } else {
      return [];
    }
  }
  current = unwrap(current);
  if (current?._zod.def.type !== 'object') return [];
  return Object.keys((current._zod.def as z.core.$ZodObjectDef).shape);
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let s = schema;
  while (s !== undefined) {
    const def = s._zod.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
      s = (def as z.core.$ZodOptionalDef).innerType;
    } else {
      return s;
    }
  }
  return s;
}
