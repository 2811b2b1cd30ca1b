import { posix } from 'node:path';

import type { Reconciliation } from '../apply/reconcile.js';
import { containerSpecs } from '../environment/container-spec.js';
import type { Environment } from '../environment/schema.js';
import { dnsmasqEntries } from '../render/dnsmasq-entries.js';
import { renderAddnHosts, renderDhcpHosts } from '../render/render-dnsmasq.js';
import { renderSitePp } from '../render/render-site-pp.js';
import { writeRegisteredServices } from '../render/write-registered-services.js';
import { TRAILERS } from './trailers.js';

export interface WriteBackInput {
  /** Path of the environment file in the repo. */
  envPath: string;
  /** Its text at the commit the write-back goes on top of. */
  envText: string;
  /** The environment that was applied. */
  env: Environment;
  /** What runs now, per service. */
  registered: Record<string, string[]>;
  appliedCommit: string;
  reconciliation: Reconciliation;
}

export interface WriteBack {
  /** Repo path -> content. */
  files: Record<string, string>;
  message: string;
  trailers: Record<string, string>;
}

/**
 * The bot's commit after a converge: `registered_services` (what runs) in the environment file,
 * the rendered files beside it, and a message that says what changed.
 */
export function renderWriteBack(input: WriteBackInput): WriteBack {
  const { result, unreachable } = input.reconciliation;
  const failed = result.steps.filter((s) => s.outcome === 'failed');
  const done = result.steps.length - failed.length;
  const counts = `${done} done, ${failed.length} failed, ${unreachable.length} hosts unreachable`;

  return {
    files: {
      [input.envPath]: writeRegisteredServices(input.envText, input.registered),
      ...renderedFiles(input.envPath, input.env),
    },
    message: commitMessage(input, counts),
    trailers: {
      [TRAILERS.applied]: input.appliedCommit,
      [TRAILERS.result]: result.converged ? 'converged' : 'failed',
      [TRAILERS.steps]: counts,
    },
  };
}

/**
 * The files rendered from the environment, by their path in the repo, beside the environment
 * file: `manifests/site.pp`, `dnsmasq/dhcp-hosts` and `dnsmasq/hosts`.
 */
export function renderedFiles(envPath: string, env: Environment): Record<string, string> {
  const dir = posix.dirname(envPath);
  const at = (path: string) => (dir === '.' ? path : posix.join(dir, path));
  const entries = dnsmasqEntries(containerSpecs(env));
  return {
    [at('manifests/site.pp')]: renderSitePp(env),
    [at('dnsmasq/dhcp-hosts')]: renderDhcpHosts(entries),
    [at('dnsmasq/hosts')]: renderAddnHosts(entries),
  };
}

function commitMessage(input: WriteBackInput, counts: string): string {
  const { result, unreachable } = input.reconciliation;
  const short = input.appliedCommit.slice(0, 12);
  const verdict = result.converged ? 'converged' : 'NOT converged';
  const lines = [`dockstack: ${verdict} at ${short}`, '', `${counts}.`];
  const byAction = new Map<string, string[]>();
  for (const step of result.steps) {
    const key = step.outcome === 'done' ? step.action : `${step.action} FAILED`;
    byAction.set(key, [...(byAction.get(key) ?? []), `${step.name} on ${step.host}`]);
  }
  if (byAction.size > 0) lines.push('');
  for (const [action, names] of byAction) lines.push(`${action}: ${names.join(', ')}`);
  for (const step of result.steps.filter((s) => s.outcome === 'failed')) {
    lines.push(`  ${step.name}: ${oneLine(step.error ?? 'failed')}`);
  }
  for (const host of unreachable) {
    lines.push(`unreachable: ${host.host} (${oneLine(host.error)})`);
  }
  const registered = Object.entries(input.registered).filter(([, names]) => names.length > 0);
  lines.push(
    '',
    'Running now:',
    ...registered.map(([service, names]) => `  ${service}: ${names.join(', ')}`),
  );
  return lines.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}
