/** The label keys dockstack puts on every container it creates: they mark what it owns. */
export const LABELS = {
  /** `true` on every container dockstack created; a container without it is never touched. */
  managed: 'org.dockstack.managed',
  /** The environment that owns it; environments sharing a host leave each other's alone. */
  environment: 'org.dockstack.environment',
  service: 'org.dockstack.service',
  /** The container's name in the environment file. */
  container: 'org.dockstack.container',
  /** specHash() of the spec the container was created from. */
  specHash: 'org.dockstack.spec-hash',
  /** On a volume: the path it is mounted at in its container. */
  path: 'org.dockstack.path',
} as const;
