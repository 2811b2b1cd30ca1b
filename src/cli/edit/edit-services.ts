import type { Document } from 'yaml';

import { didYouMean } from '../../environment/did-you-mean.js';
import { DEFAULT_ENV_FILE, loadEnvironment } from '../../environment/load-environment.js';
import { RFC1123_LABEL } from '../../environment/patterns.js';
import type { Problem } from '../../environment/problem.js';
import { parseEnvironmentDocument } from '../../environment/read-yaml.js';
import type { Container, Environment } from '../../environment/schema.js';
import { addContainer } from './add-container.js';
import { TextEditRefused, editSource, type EditSource } from './block-map-edits.js';
import type { ContainerEdit } from './container-edit.js';
import { removeContainer } from './remove-container.js';
import { setContainerState } from './set-container-state.js';

export interface EditOptions {
  /** The name problems are reported under; default environment.yaml. */
  file?: string;
}

export type EditResult =
  | {
      ok: true;
      /** The new text; the input itself when nothing changes (`changed` false). */
      text: string;
      changed: boolean;
      /** The container's service and settings: after the edit, or before it for a removal. */
      service: string;
      container: Container;
    }
  | {
      ok: false;
      /** What is wrong, in a sentence. */
      message: string;
      /** Problems at places in the file: the input's, or the edited text's when that is invalid. */
      problems: Problem[];
    };

/**
 * Applies `edit` to the environment file `text` and returns the new text, every byte outside the
 * edited entry kept: comments, key order, quoting, blank lines, line breaks. The input must be a
 * valid environment and so must the result, or the edit is refused with the problems found.
 * Pure: no I/O.
 */
export function editServices(
  text: string,
  edit: ContainerEdit,
  options: EditOptions = {},
): EditResult {
  const file = options.file ?? DEFAULT_ENV_FILE;
  const refuse = (message: string, problems: Problem[] = []): EditResult => ({
    ok: false,
    message,
    problems,
  });
  const invalid = inputProblem(edit);
  if (invalid !== undefined) return refuse(invalid);

  const before = loadEnvironment(text, { file });
  if (!before.ok) return refuse(`${file} is invalid already: fix it first`, before.problems);
  const found = findContainer(before.env, edit.name);
  if (edit.action === 'create' && found !== undefined) {
    return refuse(`container ${edit.name} exists already, in services.${found.service}`);
  }
  if (edit.action !== 'create' && found === undefined) {
    const known = Object.values(before.env.services).flatMap((c) => Object.keys(c ?? {}));
    const guess = didYouMean(edit.name, known);
    return refuse(
      `there is no container ${edit.name} in ${file}${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
    );
  }
  const service = edit.action === 'create' ? edit.service : (found?.service ?? '');

  let edited: string;
  try {
    edited = applyEdit(editSource(text), parseEnvironmentDocument(text), edit, service);
  } catch (error) {
    if (error instanceof TextEditRefused) return refuse(`cannot edit ${file}: ${error.message}`);
    throw error;
  }
  if (edited === text && found !== undefined) {
    return { ok: true, text, changed: false, service, container: found.container };
  }
  const after = loadEnvironment(edited, { file });
  if (!after.ok) return refuse(`the edited ${file} would be invalid`, after.problems);
  const container =
    edit.action === 'remove' ? found?.container : after.env.services[service]?.[edit.name];
  if (container === undefined) throw new Error(`${edit.name} vanished from the edited file`);
  return { ok: true, text: edited, changed: true, service, container };
}

function applyEdit(
  source: EditSource,
  doc: Document,
  edit: ContainerEdit,
  service: string,
): string {
  switch (edit.action) {
    case 'create':
      return addContainer(source, doc, service, edit.name, edit.container);
    case 'remove':
      return removeContainer(source, doc, service, edit.name);
    case 'start':
      return setContainerState(source, doc, service, edit.name, 'running');
    case 'stop':
      return setContainerState(source, doc, service, edit.name, 'stopped');
  }
}

const LABEL_RULE = "an RFC 1123 label: a-z, 0-9 and '-', at most 63, no '-' at either end";

/** What is wrong with the edit's own values, before the file is looked at. */
function inputProblem(edit: ContainerEdit): string | undefined {
  if (!RFC1123_LABEL.test(edit.name)) {
    return `container name ${JSON.stringify(edit.name)} refused: it must be ${LABEL_RULE}`;
  }
  if (edit.action !== 'create') return undefined;
  if (!RFC1123_LABEL.test(edit.service)) {
    return `service name ${JSON.stringify(edit.service)} refused: it must be ${LABEL_RULE}`;
  }
  for (const [field, value] of Object.entries(edit.container)) {
    // eslint-disable-next-line no-control-regex
    if (typeof value === 'string' && (value.trim() === '' || /[\u0000-\u001f\u007f]/.test(value))) {
      return `${field} ${JSON.stringify(value)} refused: one line of text, not empty`;
    }
  }
  return undefined;
}

function findContainer(
  env: Environment,
  name: string,
): { service: string; container: Container } | undefined {
  for (const [service, containers] of Object.entries(env.services)) {
    const container = containers?.[name];
    if (container !== undefined) return { service, container };
  }
  return undefined;
}
