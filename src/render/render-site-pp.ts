import { readFileSync } from 'node:fs';

import Handlebars from 'handlebars';

import type { Environment } from '../environment/schema.js';
import { loadClassMap, type ClassMap } from './class-map.js';
import { puppetString } from './puppet-string.js';
import { puppetValue } from './puppet-value.js';
import { sitePpView } from './site-pp-view.js';
import { templateUrl } from './templates-dir.js';

const handlebars = Handlebars.create();
handlebars.registerHelper('puppetString', puppetString);
handlebars.registerHelper('puppetValue', puppetValue);

const template = handlebars.compile(
  handlebars.parse(readFileSync(templateUrl('site.pp.hbs'), 'utf8')),
  { noEscape: true, strict: true },
);

/** The class map shipped in templates/classes.yaml, read and validated once. */
export const DEFAULT_CLASS_MAP: ClassMap = loadClassMap(templateUrl('classes.yaml'));

/**
 * manifests/site.pp for the environment: the non-secret `common` values and the member lists as
 * top-scope hashes (`$dockstack_common`, `$dockstack_members`), then one node block per container
 * and external node whose service or role has classes (see `sitePpView` for who gets what).
 */
export function renderSitePp(env: Environment, classes: ClassMap = DEFAULT_CLASS_MAP): string {
  return template(sitePpView(env, classes));
}
