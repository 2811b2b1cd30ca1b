/** A volume dockstack made, as found on a Docker host. */
export interface ObservedVolume {
  host: string;
  name: string;
  labels: Record<string, string>;
}
