/** A container as found on a Docker host, in dockstack's own terms. */
export interface ObservedContainer {
  host: string;
  /** Docker's name for it, without the leading '/'. */
  name: string;
  id: string;
  running: boolean;
  labels: Record<string, string>;
  /** The image it runs, as it was named when created (an image id when that name moved on). */
  image?: string;
  /** Its IPv4 addresses on its networks, when the engine reports any. */
  addresses?: string[];
  /** The networks it is on, with its IPv4 address and MAC there when the engine reports them. */
  networks?: { name: string; ipv4?: string; macAddress?: string }[];
  /** What its image's health check says, when it has one. */
  health?: Health;
}

export type Health = 'starting' | 'healthy' | 'unhealthy';
