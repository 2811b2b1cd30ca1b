/** The original client's `--action create --name webui2`, as the seed's example places it. */
export const CREATE_WEBUI2 = [
  'create',
  'webui2',
  '--service',
  'webui',
  '--host',
  '192.168.99.2',
] as const;
