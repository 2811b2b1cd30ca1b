import type { CodeServed } from '../configure/configure-executor.js';
import {
  uploadPuppetCode,
  type CodeMemory,
  type PuppetCode,
  type UploadedCode,
} from '../configure/puppet-code.js';
import type { DockerHost } from '../hosts/docker-host.js';
import type { ObservedContainer } from '../hosts/observed-container.js';
import { LABELS } from '../hosts/ownership-labels.js';
import { isManaged } from '../plan/observed.js';
import type { PlanTier } from '../plan/plan.js';
import { DNS_SERVICE } from '../network/address-environment.js';
import {
  serveDns,
  servesDnsmasq,
  type DnsData,
  type DnsMemory,
  type ServedDns,
} from '../network/serve-dns.js';
import type { Clock } from '../util/clock.js';
import { errorMessage } from '../util/error-message.js';
import type { Log } from '../util/log.js';
import { observeStage } from './observe-stage.js';

export interface ServingInput {
  hosts: ReadonlyMap<string, DockerHost>;
  environment: string;
  /** The dnsmasq data of the applied commit, rendered when first asked for. */
  dnsData: () => DnsData;
  /** The Puppet code of the applied commit, made when first asked for. */
  code: () => PuppetCode;
  /** What the dns containers and the puppet servers were given by earlier passes. */
  dnsMemory: DnsMemory;
  codeMemory: CodeMemory;
  /** Whether this pass's plan makes or starts a dns container (served as it is then). */
  dnsChanges: boolean;
  /** The containers as the pass observed them before the apply. */
  observed: readonly ObservedContainer[];
  clock: Clock;
  log: Log;
}

/**
 * The serving stage: what the environment's serving containers hand out, kept current through
 * the pass. The dns containers answer every name and MAC of the applied commit before the first
 * container asks for an address by DHCP and before each tier starts; the puppet servers serve
 * the commit's code before each tier whose agents run (a first run, or a kick), and after the
 * apply. Each container is given each version once (the memories).
 */
export class Serving implements CodeServed {
  private early: Promise<void> | undefined;
  /** What the dns containers were given during the pass, by container. */
  private readonly dns = new Map<string, ServedDns>();
  private readonly uploads: UploadedCode[] = [];
  /** The last upload that failed, per puppet server; cleared by a later one that worked. */
  private readonly failedUploads = new Map<string, UploadedCode>();

  constructor(private readonly input: ServingInput) {}

  /**
   * Before the first container asks for an address by DHCP: the dns containers (up by then,
   * their tier comes first) are given every MAC; once per pass.
   */
  beforeDhcp(): Promise<void> {
    this.early ??= (async () => {
      const found = this.input.dnsChanges
        ? (await observeStage(this.input.hosts, this.input.clock)).observed
        : this.input.observed;
      this.noteDns(await this.serveDns(this.own(found)));
    })();
    return this.early;
  }

  /**
   * Before a tier starts: the dns containers up by then answer every name of this commit and
   * the puppet servers serve its code; its agents' first runs and kicks need both. A failure is
   * logged here; a kick then fails saying why, and the stages after the apply try again.
   */
  async beforeTier(tier: PlanTier): Promise<void> {
    if (tier.phase === 'deploy' && tier.service === DNS_SERVICE) return;
    try {
      const found = this.own((await observeStage(this.input.hosts, this.input.clock)).observed);
      const [served] = await Promise.all([this.serveDns(found), this.uploadCode(found)]);
      this.noteDns(served);
    } catch (error) {
      this.input.log.warn(
        { tier: tier.service, error: errorMessage(error) },
        'names or code not served',
      );
    }
  }

  /** After the apply, to the containers that run now: the names, and the code. */
  async afterApply(observed: readonly ObservedContainer[]): Promise<void> {
    const managed = observed.filter(isManaged);
    if (managed.some(servesDnsmasq)) this.noteDns(await this.serveDns(managed));
    await this.uploadCode(this.own(observed));
  }

  /** The dns containers that run in `observed`, as last served by this pass. */
  servedDns(observed: readonly ObservedContainer[]): ServedDns[] {
    const running = new Set(
      observed
        .filter(isManaged)
        .filter(servesDnsmasq)
        .map((c) => `${c.host}\u0000${c.id}`),
    );
    return [...this.dns].filter(([key]) => running.has(key)).map(([, s]) => s);
  }

  /** The puppet servers given code by this pass, and how each upload went. */
  uploaded(): UploadedCode[] {
    return [...this.uploads];
  }

  problem(): string | undefined {
    const [failed] = this.failedUploads.values();
    if (failed === undefined) return undefined;
    return `the puppet server ${failed.name} on ${failed.host} did not get the code: ${failed.error ?? 'failed'}`;
  }

  private serveDns(containers: readonly ObservedContainer[]): Promise<ServedDns[]> {
    return serveDns(this.input.hosts, containers, this.input.dnsData(), this.input.dnsMemory);
  }

  private async uploadCode(containers: readonly ObservedContainer[]): Promise<void> {
    const done = await uploadPuppetCode(
      this.input.hosts,
      containers,
      this.input.code(),
      this.input.codeMemory,
    );
    for (const upload of done) {
      this.uploads.push(upload);
      const key = `${upload.host}\u0000${upload.id}`;
      if (upload.outcome === 'failed') this.failedUploads.set(key, upload);
      else this.failedUploads.delete(key);
    }
  }

  private noteDns(served: readonly ServedDns[]): void {
    for (const s of served) this.dns.set(`${s.host}\u0000${s.id}`, s);
  }

  /** The containers of this environment: others sharing a host are left alone. */
  private own(observed: readonly ObservedContainer[]): ObservedContainer[] {
    return observed.filter(
      (c) => isManaged(c) && c.labels[LABELS.environment] === this.input.environment,
    );
  }
}
