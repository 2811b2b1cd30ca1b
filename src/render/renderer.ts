import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { containerSpecs, type ContainerSpec } from '../environment/container-spec.js';
import { RFC1123_LABEL } from '../environment/patterns.js';
import type { Environment } from '../environment/schema.js';
import { besideEnv } from './beside-env.js';
import { classInputsOf, type ClassInputsMap } from './class-inputs.js';
import { parseClassMap, type ClassMap } from './class-map.js';
import { dnsmasqEntries } from './dnsmasq-entries.js';
import { PUPPET_MODULES_DIR, readModuleFiles, type ModuleFiles } from './puppet-modules.js';
import { renderAddnHosts, renderDhcpHosts } from './render-dnsmasq.js';
import { renderLeases, type Lease } from './render-leases.js';
import { compileSitePp, type SitePpTemplate } from './render-site-pp.js';
import { sitePpView } from './site-pp-view.js';
import { TEMPLATES_DIR } from './templates-dir.js';

/** The repo paths of the rendered files, relative to the folder of the environment file. */
export const RENDERED_PATHS = {
  sitePp: 'manifests/site.pp',
  dhcpHosts: 'dnsmasq/dhcp-hosts',
  addnHosts: 'dnsmasq/hosts',
  leases: 'dnsmasq/leases',
} as const;

/** Where the address record of the environment file at `envPath` is: its dhcp-hosts file. */
export function recordPath(envPath: string): string {
  return besideEnv(envPath, RENDERED_PATHS.dhcpHosts);
}

/** Where the leases of the names that left the environment file at `envPath` are kept. */
export function leasesPath(envPath: string): string {
  return besideEnv(envPath, RENDERED_PATHS.leases);
}

export { besideEnv };

/** Renders the files dockstack writes back, from templates compiled once. */
export interface Renderer {
  /** The Puppet classes of each service (templates/classes.yaml). */
  readonly classes: ClassMap;
  /** The Puppet modules the puppet servers are given (dockstack's `puppet/modules` unless set). */
  readonly modules: ModuleFiles;
  /** What each class of `modules` reads of the manifest's data; one not in it, everything. */
  readonly inputs: ClassInputsMap;
  /** manifests/site.pp for the environment. */
  sitePp(env: Environment): string;
  /**
   * Every rendered file, by its path in the repo beside the environment file at `envPath`:
   * `manifests/site.pp`, `dnsmasq/dhcp-hosts` and `dnsmasq/hosts`, and `dnsmasq/leases` when
   * `leases` are given. The dnsmasq files list `specs` (the containers with their addresses; the
   * file's own when not given) and the VIP; the names that left the file are in the leases only.
   */
  files(
    envPath: string,
    env: Environment,
    specs?: readonly ContainerSpec[],
    leases?: ReadonlyMap<string, Lease>,
  ): Record<string, string>;
}

export interface RendererSources {
  /** The text of the site.pp template. */
  sitePp: string;
  classes: ClassMap;
  /** The Puppet modules; without them, every class reads everything (see class-inputs.ts). */
  modules?: ModuleFiles;
}

/** A renderer from template sources already read: compiles once, reads nothing. */
export function createRenderer(sources: RendererSources): Renderer {
  const template: SitePpTemplate = compileSitePp(sources.sitePp);
  const { classes } = sources;
  const sitePp = (env: Environment) => template(sitePpView(env, classes));
  return {
    classes,
    modules: sources.modules ?? new Map(),
    inputs: classInputsOf(sources.modules ?? new Map()),
    sitePp,
    files(envPath, env, specs = containerSpecs(env), leases) {
      const at = (path: string) => besideEnv(envPath, path);
      const entries = dnsmasqEntries(specs);
      const { vip, vip_name: vipName, domain } = env.common;
      const named = vipName !== undefined && RFC1123_LABEL.test(vipName);
      if (vip !== undefined && named && !entries.some((e) => e.name === vipName)) {
        entries.push({ name: vipName, fqdn: `${vipName}.${domain}`, ip: vip });
      }
      return {
        [at(RENDERED_PATHS.sitePp)]: sitePp(env),
        [at(RENDERED_PATHS.dhcpHosts)]: renderDhcpHosts(entries),
        [at(RENDERED_PATHS.addnHosts)]: renderAddnHosts(entries),
        ...(leases === undefined ? {} : { [at(RENDERED_PATHS.leases)]: renderLeases(leases) }),
      };
    },
  };
}

export interface LoadRendererOptions {
  /** The templates folder; the one shipped with dockstack unless given. */
  dir?: URL;
  /** Classes to use instead of the folder's classes.yaml. */
  classes?: ClassMap;
  /** The Puppet modules the classes come from; the ones shipped with dockstack unless given. */
  modulesDir?: string;
}

/**
 * Reads the templates folder (site.pp.hbs and classes.yaml, validated) and what the Puppet
 * modules' classes read, and builds the renderer: called once when a command or the daemon starts.
 */
export function loadRenderer(options: LoadRendererOptions = {}): Renderer {
  const dir = options.dir ?? TEMPLATES_DIR;
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const classes =
    options.classes ??
    parseClassMap(read('classes.yaml'), fileURLToPath(new URL('classes.yaml', dir)));
  return createRenderer({
    sitePp: read('site.pp.hbs'),
    classes,
    modules: readModuleFiles(options.modulesDir ?? PUPPET_MODULES_DIR),
  });
}

/**
 * `renderer` with what the classes of `modules` read, when the env repo brings modules of its own
 * (they are what the puppet servers serve then); `renderer` itself otherwise.
 */
export function withModules(renderer: Renderer, modules: ModuleFiles | undefined): Renderer {
  return modules === undefined
    ? renderer
    : { ...renderer, modules, inputs: classInputsOf(modules) };
}
