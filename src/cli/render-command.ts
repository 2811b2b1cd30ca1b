import { containerSpecs } from '../environment/container-spec.js';
import { registeredServices, writeRegisteredServices } from '../render/registered-services.js';
import { loadRenderer, RENDERED_PATHS } from '../render/renderer.js';
import { EXIT, type ExitCode } from './exit-error.js';
import type { Output } from './output.js';
import { readEnvironment, reportProblems } from './read-environment.js';

export const RENDER_TARGETS = [
  'site.pp',
  'dnsmasq-dhcp-hosts',
  'dnsmasq-hosts',
  'registered-services',
] as const;

/**
 * `dockstack render WHAT`: one of the files dockstack writes back, rendered from the environment
 * as if every container ran as the file asks, to stdout.
 */
export async function renderCommand(
  what: string,
  options: { env: string; ageIdentityFile?: string },
  out: Output,
): Promise<ExitCode> {
  const loaded = await readEnvironment(options.env, options.ageIdentityFile);
  if (!loaded.ok) return reportProblems(loaded.problems, out);
  const specs = containerSpecs(loaded.env);
  const files = () => loadRenderer().files('environment.yaml', loaded.env);
  switch (what) {
    case 'site.pp':
      out.stdout(files()[RENDERED_PATHS.sitePp] ?? '');
      break;
    case 'dnsmasq-dhcp-hosts':
      out.stdout(files()[RENDERED_PATHS.dhcpHosts] ?? '');
      break;
    case 'dnsmasq-hosts':
      out.stdout(files()[RENDERED_PATHS.addnHosts] ?? '');
      break;
    case 'registered-services':
      out.stdout(
        writeRegisteredServices(
          loaded.text,
          registeredServices(specs, Object.keys(loaded.env.services)),
        ),
      );
      break;
    default:
      out.stderr(
        `dockstack: nothing to render called '${what}'; choose one of ${RENDER_TARGETS.join(', ')}\n`,
      );
      return EXIT.invalid;
  }
  return EXIT.ok;
}
