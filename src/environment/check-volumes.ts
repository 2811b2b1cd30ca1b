import { didYouMean } from './did-you-mean.js';
import type { Path } from './locate.js';
import type { Environment } from './schema.js';
import type { SemanticIssue } from './semantic-issue.js';
import { quoteText } from './show-value.js';
import { mountPathProblem, parseVolumeEntry } from './volume-entry.js';

/**
 * The problems of the `volumes:` lists (the top level's, by service, and each container's): a
 * path that is not absolute and plain, a service the file does not have, a path mounted twice in
 * one list.
 */
export function checkVolumes(env: Environment): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const services = Object.keys(env.services);
  for (const [service, entries] of Object.entries(env.volumes ?? {})) {
    if (!Object.hasOwn(env.services, service)) {
      const guess = didYouMean(service, services);
      issues.push({
        path: ['volumes', service],
        target: 'key',
        message: `volumes names the service ${quoteText(service)}, which services does not have`,
        hint:
          guess === undefined
            ? 'name a service of services:, or remove the entry'
            : `did you mean '${guess}'?`,
      });
    }
    issues.push(...checkList(entries, ['volumes', service]));
  }
  for (const [service, containers] of Object.entries(env.services)) {
    for (const [name, container] of Object.entries(containers ?? {})) {
      issues.push(...checkList(container.volumes ?? [], ['services', service, name, 'volumes']));
    }
  }
  return issues;
}

function checkList(entries: readonly string[], at: Path): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const targets = new Set<string>();
  entries.forEach((entry, index) => {
    const request = parseVolumeEntry(entry);
    if (request === undefined) return;
    const paths =
      request.type === 'bind'
        ? [
            ['host folder', request.source],
            ['path', request.target],
          ]
        : [['path', request.target]];
    for (const [what = '', path = ''] of paths) {
      const problem = mountPathProblem(path);
      if (problem === undefined) continue;
      issues.push({
        path: [...at, index],
        target: 'value',
        message: `the ${what} ${quoteText(path)} ${problem}`,
        hint: 'write an absolute path the plain way, such as /var/lib/mysql',
      });
    }
    if (targets.has(request.target)) {
      issues.push({
        path: [...at, index],
        target: 'value',
        message: `${quoteText(request.target)} is mounted twice in this list`,
        hint: 'keep one entry per path',
      });
    }
    targets.add(request.target);
  });
  return issues;
}
