import { DEFAULT_ORDER } from '../src/environment/tier-order.js';

/**
 * An environment file of `containers` containers spread over `hosts` Docker hosts, spread evenly over
 * the seed's ten services, each with a static address, gateway and MAC: the largest input shape the
 * planner and renderers meet.
 */
export function syntheticEnvironment(containers: number, hosts: number): string {
  const lines = [
    'common:',
    '  dnsServer: 10.0.0.1',
    '  domain: bench.lab',
    '  puppetServer: puppet1',
    '  galera_password: "s3cret"',
    'registered_services: {}',
    'services:',
  ];
  const perService = Math.ceil(containers / DEFAULT_ORDER.length);
  let n = 0;
  for (const service of DEFAULT_ORDER) {
    lines.push(`  ${service}:`);
    for (let i = 1; i <= perService && n < containers; i++, n++) {
      const address = n + 1;
      const ip = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
      const mac = `02:00:00:${hex(address >> 16)}:${hex(address >> 8)}:${hex(address)}`;
      lines.push(
        `    ${service}${i}:`,
        `      host: h${(n % hosts) + 1}`,
        `      ipaddress: ${ip}/8`,
        '      gateway: 10.255.255.254',
        `      macAddress: ${mac}`,
      );
    }
  }
  lines.push('hosts:');
  for (let h = 1; h <= hosts; h++) lines.push(`  h${h}:`, `    docker: tcp://h${h}.bench.lab:2376`);
  lines.push('external:', '  compute:', '    compute1: {}');
  return `${lines.join('\n')}\n`;
}

function hex(n: number): string {
  return (n & 255).toString(16).padStart(2, '0');
}
