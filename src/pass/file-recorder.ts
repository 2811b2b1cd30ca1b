import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import { besideEnv, RENDERED_PATHS } from '../render/renderer.js';
import { readTextIfAny } from '../util/read-text-if-any.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { PassRecord, Recorder } from './record-stage.js';

/** The rendered files a pass keeps beside an environment file on disk: the dnsmasq data. */
const KEPT = [RENDERED_PATHS.dhcpHosts, RENDERED_PATHS.addnHosts, RENDERED_PATHS.leases] as const;

/**
 * Records beside the environment file on disk, as the daemon does in the repo: the address record
 * (`dnsmasq/dhcp-hosts`, and `dnsmasq/leases` once a name has left the file) and
 * `dnsmasq/hosts`, each replaced whole (written aside, then renamed)
 * and only when it changed (an environment without addresses writes none). The environment file
 * itself is left as it is. Returns the paths
 * written, joined, or undefined when nothing changed.
 */
export function fileRecorder(): Recorder {
  return {
    record: (record: PassRecord) => {
      const written: string[] = [];
      const addressed = hasEntries(record.files[besideEnv(record.envPath, KEPT[0])] ?? '');
      for (const kept of KEPT) {
        const path = besideEnv(record.envPath, kept);
        const content = record.files[path];
        const before = readTextIfAny(path);
        if (content === undefined || before === content) continue;
        // An environment without addresses leaves no empty files behind.
        if (before === undefined && !addressed) continue;
        mkdirSync(dirname(path), { recursive: true });
        writeFileAtomic(path, content);
        written.push(path);
      }
      return Promise.resolve(written.length === 0 ? undefined : written.join(', '));
    },
  };
}

function hasEntries(content: string): boolean {
  return content.split('\n').some((line) => line.trim() !== '' && !line.startsWith('#'));
}
