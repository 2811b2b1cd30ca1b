import { committedText } from '../git/committed-file.js';
import type { Environment } from '../environment/schema.js';
import { secretsPath } from '../secrets/environment-secrets.js';
import type { LoadStage } from './load-stage.js';

/**
 * The environment of `file` as committed at HEAD in the git working tree it lies in, with the
 * secrets file committed beside it; undefined outside a working tree, or when it is invalid.
 */
export async function committedEnvironment(
  file: string,
  load: LoadStage,
): Promise<Environment | undefined> {
  const text = committedText(file);
  if (text === undefined) return undefined;
  const loaded = await load.text(text, file, committedText(secretsPath(file)));
  return loaded.ok ? loaded.env : undefined;
}
