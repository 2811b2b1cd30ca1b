import type { Container } from '../../environment/schema.js';
import type { ContainerEdit } from './container-edit.js';

/** The default commit subject: `Create webui2 (webui) on 192.168.99.2`. */
export function editSubject(edit: ContainerEdit, service: string, container: Container): string {
  const what = `${edit.name} (${service})`;
  switch (edit.action) {
    case 'create':
      return `Create ${what} on ${container.host}`;
    case 'remove':
      return `Remove ${what} from ${container.host}`;
    case 'start':
      return `Start ${what} on ${container.host}`;
    case 'stop':
      return `Stop ${what} on ${container.host}`;
  }
}

/** The pull request's description: what the change does, and what happens next. */
export function pullRequestBody(
  edit: ContainerEdit,
  service: string,
  container: Container,
  envPath: string,
): string {
  const image =
    container.digest === undefined
      ? `${service}:${container.tag ?? 'latest'}`
      : `${service}@${container.digest}`;
  const address = [
    container.ipaddress === undefined ? undefined : `address \`${container.ipaddress}\``,
    container.gateway === undefined ? undefined : `gateway \`${container.gateway}\``,
    container.macAddress === undefined ? undefined : `MAC \`${container.macAddress}\``,
  ].filter((part) => part !== undefined);
  const settings = [
    `- service \`${service}\`, image \`${image}\``,
    `- Docker host \`${container.host}\``,
    ...(address.length === 0 ? [] : [`- ${address.join(', ')}`]),
  ];
  const effect = {
    create: `adds the container \`${edit.name}\`: it is created and started`,
    remove: `removes the container \`${edit.name}\`: it is stopped and removed from its host`,
    start: `starts the container \`${edit.name}\` again (it loses \`state: stopped\`)`,
    stop: `stops the container \`${edit.name}\` (\`state: stopped\`); it stays on its host`,
  }[edit.action];
  return [
    `This pull request ${effect}.`,
    '',
    ...settings,
    '',
    `It changes only \`${envPath}\`. dockstack posts the plan for it on this pull request; once it is merged, dockstack applies it to the hosts.`,
    '',
    `<sub>Opened with \`dockstack ${edit.action} ${edit.name}\`.</sub>`,
    '',
  ].join('\n');
}
