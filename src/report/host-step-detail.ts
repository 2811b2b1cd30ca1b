import type { HostStep } from '../plan/plan.js';

/** What a host step makes, in a few words: `10.0.0.0/16 gateway 10.0.0.100 mtu 1450`. */
export function hostStepDetail(step: HostStep): string {
  switch (step.action) {
    case 'network':
      return `${step.subnet} gateway ${step.gateway} mtu ${String(step.mtu)}`;
    case 'switch': {
      const parts = [`Open vSwitch bridge, mtu ${String(step.mtu)}`];
      if (step.gateway !== undefined) parts.push(`gateway ${step.gateway}`);
      if (step.stalePorts.length > 0)
        parts.push(
          `${String(step.stalePorts.length)} stale ${step.stalePorts.length === 1 ? 'port' : 'ports'} removed`,
        );
      return parts.join(', ');
    }
    case 'tunnel':
      return `to ${step.peers.map((p) => p.host).join(', ')}, vni ${String(step.vni)} from ${step.local}`;
  }
}
