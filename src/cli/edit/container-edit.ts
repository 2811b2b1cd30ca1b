/** The settings `dockstack create` writes for a new container, in this order. */
export interface NewContainer {
  host: string;
  ipaddress?: string;
  gateway?: string;
  macAddress?: string;
  tag?: string;
}

/** One change to the `services` section: the original Dockstack client's four actions. */
export type ContainerEdit =
  | { action: 'create'; name: string; service: string; container: NewContainer }
  | { action: 'remove' | 'start' | 'stop'; name: string };

export type EditAction = ContainerEdit['action'];

export const EDIT_ACTIONS: readonly EditAction[] = ['create', 'remove', 'start', 'stop'];
