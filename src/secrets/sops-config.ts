import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { parse } from 'yaml';
import { z } from 'zod';

import { ruleCount, type EncryptionRules } from './encryption-rules.js';

export const SOPS_CONFIG = '.sops.yaml';

const Keys = z
  .union([z.string(), z.array(z.string())])
  .nullable()
  .optional();

const CreationRule = z.looseObject({
  path_regex: z.string().optional(),
  age: Keys,
  key_groups: z.array(z.looseObject({ age: z.array(z.string()).nullable().optional() })).optional(),
  unencrypted_suffix: z.string().optional(),
  encrypted_suffix: z.string().optional(),
  unencrypted_regex: z.string().optional(),
  encrypted_regex: z.string().optional(),
});

const SopsConfigFile = z.looseObject({
  creation_rules: z.array(CreationRule).nullable().optional(),
});

/** What `.sops.yaml` says for one file: its age recipients and encryption rules. */
export interface CreationRule {
  /** The `.sops.yaml` the rule comes from. */
  config: string;
  recipients: string[];
  rules: EncryptionRules;
}

/** The rule for a file, none (no `.sops.yaml`, or no rule matches), or why it cannot be used. */
export type RuleLookup = { found: true; rule: CreationRule } | { found: false; reason?: string };

/**
 * The `.sops.yaml` nearest to `file`: in its folder or a folder above it, as sops looks for it
 * (sops starts from the working directory; dockstack from the file, so that a repo's rules
 * apply wherever it is run from).
 */
export function findSopsConfig(file: string): string | undefined {
  let dir = dirname(resolve(file));
  for (let depth = 0; depth < 100; depth++) {
    const candidate = join(dir, SOPS_CONFIG);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/**
 * The creation rule of `.sops.yaml` for `file`, as sops picks it: the first rule whose
 * `path_regex` matches the file's path relative to the config's folder, or that has none. Its age
 * recipients come from `age` (a list, or one string of comma-separated keys) or from a single key
 * group; rules naming other key types or several key groups are refused.
 */
export function creationRuleFor(file: string, config = findSopsConfig(file)): RuleLookup {
  if (config === undefined) return { found: false };
  let raw: unknown;
  try {
    raw = parse(readFileSync(config, 'utf8'));
  } catch (error) {
    return { found: false, reason: `${config} is not valid YAML (${firstLine(error)})` };
  }
  const parsed = SopsConfigFile.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      found: false,
      reason: `${config}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not a sops configuration'}`,
    };
  }
  const path = relative(dirname(resolve(config)), resolve(file));
  for (const [index, rule] of (parsed.data.creation_rules ?? []).entries()) {
    if (rule.path_regex !== undefined && rule.path_regex !== '') {
      let regex: RegExp;
      try {
        regex = new RegExp(rule.path_regex);
      } catch {
        return {
          found: false,
          reason: `${config}: creation_rules.${index}.path_regex is not a valid regular expression`,
        };
      }
      if (!regex.test(path)) continue;
    }
    return toRule(config, index, rule);
  }
  return { found: false, reason: `no creation rule of ${config} matches ${path}` };
}

function toRule(config: string, index: number, rule: z.infer<typeof CreationRule>): RuleLookup {
  const where = `${config}: creation_rules.${index}`;
  const others = ['pgp', 'kms', 'gcp_kms', 'azure_keyvault', 'hc_vault_transit_uri'].filter(
    (field) => rule[field] !== undefined && rule[field] !== null && rule[field] !== '',
  );
  if (others.length > 0) {
    return {
      found: false,
      reason: `${where} names ${others.join(', ')} keys: dockstack encrypts to age recipients only`,
    };
  }
  const groups = rule.key_groups ?? [];
  if (groups.length > 1) {
    return {
      found: false,
      reason: `${where} has ${groups.length} key groups (Shamir's scheme): dockstack writes one group of age recipients`,
    };
  }
  const listed = (keys: string | string[] | null | undefined) =>
    (typeof keys === 'string' ? keys.split(',') : (keys ?? []))
      .map((k) => k.trim())
      .filter((k) => k !== '');
  const recipients = [...new Set([...listed(rule.age), ...listed(groups[0]?.age)])];
  if (recipients.length === 0) {
    return { found: false, reason: `${where} names no age recipient` };
  }
  const rules: EncryptionRules = {
    ...(rule.unencrypted_suffix === undefined
      ? {}
      : { unencryptedSuffix: rule.unencrypted_suffix }),
    ...(rule.encrypted_suffix === undefined ? {} : { encryptedSuffix: rule.encrypted_suffix }),
    ...(rule.unencrypted_regex === undefined ? {} : { unencryptedRegex: rule.unencrypted_regex }),
    ...(rule.encrypted_regex === undefined ? {} : { encryptedRegex: rule.encrypted_regex }),
  };
  if (ruleCount(rules) > 1) {
    return {
      found: false,
      reason: `${where} sets more than one of unencrypted_suffix, encrypted_suffix, unencrypted_regex and encrypted_regex`,
    };
  }
  return { found: true, rule: { config, recipients, rules } };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
