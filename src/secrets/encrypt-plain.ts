import type { Problem } from '../environment/problem.js';
import { yamlProblem } from '../environment/yaml-problem.js';
import { LineCounter } from 'yaml';

import { newDataKey, wrapDataKey } from './data-key.js';
import { withDefaultRule, type EncryptionRules } from './encryption-rules.js';
import { parseSopsDocument } from './read-sops-file.js';
import { sealDocument } from './seal-document.js';
import { sopsTime } from './sops-time.js';
import { refusalProblems } from './sops-tree.js';

export interface EncryptPlain {
  text: string;
  file: string;
  recipients: readonly string[];
  rules: EncryptionRules;
  now: Date;
}

/**
 * A plain YAML file encrypted as sops encrypts it: a new data key, encrypted to each age
 * recipient; every value (but those the rules leave plain) and every comment encrypted; the MAC.
 * Problems name places, never values.
 */
export async function encryptPlain(
  input: EncryptPlain,
): Promise<{ ok: true; text: string } | { ok: false; problems: Problem[] }> {
  const lineCounter = new LineCounter();
  const doc = parseSopsDocument(input.text, lineCounter);
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) {
    return { ok: false, problems: errors.map((e) => yamlProblem(input.file, doc, lineCounter, e)) };
  }
  const key = newDataKey();
  const sealed = sealDocument(doc, {
    key,
    rules: withDefaultRule(input.rules),
    recipients: await wrapDataKey(key, input.recipients),
    lastModified: sopsTime(input.now),
  });
  if (sealed.ok) return sealed;
  return {
    ok: false,
    problems: refusalProblems(input.file, (offset) => lineCounter.linePos(offset), sealed.refusals),
  };
}
