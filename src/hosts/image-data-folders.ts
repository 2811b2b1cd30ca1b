import { mountPathProblem } from '../environment/volume-entry.js';
import { HostError } from './host-error.js';

/**
 * The image label that names the folders whose content must outlive a container (a database's
 * data, a certificate authority, an agent's certificate), space-separated absolute paths:
 * `org.dockstack.data=/var/lib/mysql /var/lib/puppet/ssl`. See images/README.md.
 */
export const DATA_LABEL = 'org.dockstack.data';

/** What the engine says of an image (the fields read here). */
export interface ImageAnswer {
  Config?: { Labels?: Record<string, string> | null; Volumes?: Record<string, unknown> | null };
}

/**
 * The data folders `image` declares: those of its DATA_LABEL, then those of its `VOLUME`
 * instructions, each once. A folder that is not an absolute, plain path is the image's mistake,
 * reported as such: nothing is mounted on a guess.
 */
export function imageDataFolders(host: string, reference: string, image: ImageAnswer): string[] {
  const labelled = (image.Config?.Labels?.[DATA_LABEL] ?? '').split(/\s+/).filter((f) => f !== '');
  const declared = Object.keys(image.Config?.Volumes ?? {});
  const folders = [...new Set([...labelled, ...declared])];
  for (const folder of folders) {
    const problem = folder.startsWith('/') ? mountPathProblem(folder) : 'is not absolute';
    if (problem !== undefined) {
      throw new HostError(
        host,
        'engine',
        `the image ${reference} on ${host} declares the data folder ${JSON.stringify(folder)}, which ${problem}: fix the image's ${DATA_LABEL} label or VOLUME`,
      );
    }
  }
  return folders;
}
