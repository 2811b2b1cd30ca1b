import { loadEnvironment } from '../environment/load-environment.js';
import type { Problem } from '../environment/problem.js';
import { readYaml } from '../environment/read-yaml.js';
import { isSecretKey, PUBLIC_COMMON_KEYS } from '../environment/schema.js';
import { secretsPath } from './environment-secrets.js';

/**
 * The secrets an environment file gives in plain text (the seed's way, still valid), each as a
 * warning at its place that names it and says how to move it into the secrets file. For a repo
 * that encrypts its secrets with sops; never names a value.
 */
export function plainSecretWarnings(text: string, file: string): Problem[] {
  const loaded = loadEnvironment(text, { file });
  const read = readYaml(text, file);
  if (!loaded.ok || !('locator' in read)) return [];
  const { common } = loaded.env;
  const publicParameters = new Set(common.public_parameters ?? []);
  const paths: string[][] = [
    ...Object.keys(common)
      .filter((key) => key !== 'parameters' && isSecretKey(key, PUBLIC_COMMON_KEYS))
      .map((key) => ['common', key]),
    ...Object.keys(common.parameters ?? {})
      .filter((key) => isSecretKey(key, publicParameters))
      .map((key) => ['common', 'parameters', key]),
  ];
  const secrets = secretsPath(file);
  return paths.map((path) => {
    const name = path.join('.');
    return {
      file,
      ...read.locator.position(path, 'key'),
      message: `${name} is in plain text, and the repo encrypts its secrets with sops (.sops.yaml)`,
      hint: `move it: dockstack secrets set ${secrets} ${name} < value, then remove it here`,
    };
  });
}
