import { EndpointError } from '../hosts/host-endpoint.js';
import type { ConnectHosts, PassDeps } from '../pass/run-pass.js';
import { loadRenderer } from '../render/renderer.js';
import { commandAgeKeys } from './age-keys.js';
import { EXIT, ExitError } from './exit-error.js';

/**
 * What a command's pass is built from: the hosts connected with `connect`, where a host whose
 * endpoint cannot be worked out is invalid input (exit 2), the shipped templates, and the age
 * identities that open the secrets file (`--age-identity-file`, then where sops looks).
 */
export function commandPassDeps(
  connect: ConnectHosts,
  extra: Pick<PassDeps, 'apply'> = {},
  ageIdentityFile?: string,
): PassDeps {
  return {
    connect: (env) => {
      try {
        return connect(env);
      } catch (error) {
        if (error instanceof EndpointError) throw new ExitError(EXIT.invalid, error.message);
        throw error;
      }
    },
    renderer: loadRenderer(),
    ageKeys: commandAgeKeys(ageIdentityFile),
    ...extra,
  };
}
