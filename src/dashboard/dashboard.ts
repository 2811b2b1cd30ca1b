import { readFileSync } from 'node:fs';

import Handlebars from 'handlebars';

import { TEMPLATES_DIR } from '../render/templates-dir.js';
import type { Asset, DashboardPages } from '../daemon/dashboard-pages.js';
import { dashboardView } from './dashboard-view.js';

/** Compiles the dashboard's templates (templates/dashboard) once. */
export function loadDashboard(dir: URL = new URL('dashboard/', TEMPLATES_DIR)): DashboardPages {
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const handlebars = Handlebars.create();
  handlebars.registerHelper('isReachable', (reach: unknown) => reach === 'reachable');
  handlebars.registerHelper('same', (a: unknown, b: unknown) => a === b);
  // ISO 8601 wall times, shown to the second in UTC (the datetime attribute keeps the whole).
  handlebars.registerHelper('when', (iso: unknown) =>
    typeof iso === 'string'
      ? iso.replace('T', ' ').replace(/(:\d\d)(\.\d+)?(Z|[+-]00:00)$/, '$1 UTC')
      : '',
  );
  const compile = (name: string) =>
    handlebars.compile(read(name), { strict: false, preventIndent: true });
  handlebars.registerPartial('sha', compile('sha.hbs'));
  const body = compile('body.hbs');
  handlebars.registerPartial('body', body);
  const page = compile('page.hbs');
  const login = compile('login.hbs');
  const asset = (name: string, type: string): [string, Asset] => [
    `/${name}`,
    { type, body: readFileSync(new URL(name, dir)) },
  ];
  return {
    page: (input, version) => page({ ...dashboardView(input), version }),
    content: (input, version) => body({ ...dashboardView(input), version }),
    login: (wrong) => login({ wrong }),
    assets: new Map([
      asset('dashboard.css', 'text/css; charset=utf-8'),
      asset('dashboard.js', 'text/javascript; charset=utf-8'),
    ]),
  };
}
