import Handlebars from 'handlebars';

import { puppetString } from './puppet-string.js';
import { puppetValue } from './puppet-value.js';
import type { SitePpView } from './site-pp-view.js';

/** A compiled site.pp template: the view in, the manifest out. */
export type SitePpTemplate = (view: SitePpView) => string;

/**
 * Compiles the text of a site.pp template (templates/site.pp.hbs) with dockstack's helpers:
 * `puppetString` and `puppetValue` quote values for Puppet, nothing is HTML-escaped, and a field
 * the view lacks fails instead of rendering empty.
 */
export function compileSitePp(source: string): SitePpTemplate {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('puppetString', puppetString);
  handlebars.registerHelper('puppetValue', puppetValue);
  const template = handlebars.compile<SitePpView>(handlebars.parse(source), {
    noEscape: true,
    strict: true,
  });
  return (view) => template(view);
}
