import type { ContainerHook } from '../apply/executor.js';
import type { ContainerSpec } from '../environment/container-spec.js';
import type { DockerHost, ImageFacts } from '../hosts/docker-host.js';
import { HostError } from '../hosts/host-error.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { AGENT_LABEL, AGENT_LABEL_KICK } from './kick-agents.js';
import { servesPuppet } from './puppet-code.js';

/** Where an agent keeps its certificate (images/README.md: the agents' SSL folder, a volume). */
export const AGENT_SSL_DIR = '/var/lib/puppet/ssl';

/** The puppet server's command that forgets a node's certificate (images/README.md). */
export const FORGET_COMMAND = ['dockstack-service', 'forget'] as const;

/**
 * Keeps an agent's identity whole across recreations. An agent's key and certificate live in its
 * SSL folder, a volume that outlives the container; when that volume is gone (a host lost with its
 * data) the new agent makes a new key, and the certificate authority still holding the old
 * certificate for its name would refuse it for good. So before a container of an agent image
 * starts without a certificate of its own, every puppet server of its environment forgets the
 * name (revoked and cleaned on its CA), and the agent's first run is signed afresh.
 */
export function agentIdentityGuard(
  hosts: ReadonlyMap<string, DockerHost>,
): Required<Pick<ContainerHook, 'beforeStart'>> {
  return {
    async beforeStart(host: DockerHost, id: string, spec: ContainerSpec, image: ImageFacts) {
      if (image.labels[AGENT_LABEL] !== AGENT_LABEL_KICK) return;
      const certname = `${spec.hostname}.${spec.domain}`;
      if (await host.pathExists(id, `${AGENT_SSL_DIR}/certs/${certname}.pem`)) return;
      await forget(hosts, spec.environment, certname);
    },
  };
}

/**
 * Every running puppet server of `environment` forgets `certname`; one that cannot fails it. A
 * host that does not answer is passed over: its steps fail on their own.
 */
async function forget(
  hosts: ReadonlyMap<string, DockerHost>,
  environment: string,
  certname: string,
): Promise<void> {
  const servers = await Promise.all(
    [...hosts.values()].map(async (host) => {
      const found = await host.listContainers().catch(() => []);
      return found
        .filter((c) => servesPuppet(c) && c.labels[LABELS.environment] === environment)
        .map((c) => ({ host, id: c.id, name: c.name }));
    }),
  );
  for (const server of servers.flat()) {
    const run = await server.host.exec(server.id, [...FORGET_COMMAND, certname], {
      deadlineMs: 120_000,
    });
    if (run.exitCode !== 0) {
      const said = `${run.stderr}\n${run.stdout}`.trim().split('\n').at(-1) ?? '';
      throw new HostError(
        server.host.name,
        'engine',
        `the puppet server ${server.name} could not forget the certificate of ${certname} ` +
          `(exit ${String(run.exitCode)}${said === '' ? '' : `: ${said}`})`,
      );
    }
  }
}
