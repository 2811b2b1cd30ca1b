/**
 * The image of the short-lived helper containers that do host-level network work (tunnels): see
 * images/README.md, `dockstack-helper`. `images/build.sh --network` puts it on a host.
 */
export const HELPER_IMAGE = 'dockstack-helper:latest';
