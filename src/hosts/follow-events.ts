import type { Readable } from 'node:stream';

import { containerEventOf, type ContainerEvent, type EventsOptions } from './container-event.js';
import type { CallSpec, EngineCaller } from './engine-caller.js';
import { HostError } from './host-error.js';

/**
 * The container events of the engine behind `caller` from now on, filtered by label when asked.
 * Ends when `options.signal` aborts; fails with a HostError of kind `unreachable` when the
 * connection drops, the engine ends the stream, or the host is closed.
 */
export async function* followEvents(
  caller: EngineCaller,
  options: EventsOptions,
): AsyncGenerator<ContainerEvent, void, undefined> {
  const { signal } = options;
  const ended = (): boolean => signal.aborted;
  if (ended()) return;
  const spec: CallSpec = { method: 'events', action: 'follow container events', streaming: true };
  const filters = {
    type: ['container' as const],
    ...(options.labels === undefined
      ? {}
      : { label: Object.entries(options.labels).map(([key, value]) => `${key}=${value}`) }),
  };
  const stop = AbortSignal.any([signal, caller.closed]);
  let stream: Readable;
  try {
    const answer = await caller.call(spec, (docker, abortSignal) =>
      docker.getEvents({ filters, abortSignal: AbortSignal.any([abortSignal, stop]) }),
    );
    stream = answer as unknown as Readable;
  } catch (error) {
    if (ended()) return;
    throw error;
  }

  const decoder = new TextDecoder();
  let pending = '';
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const event = containerEventOf(line);
        if (event !== undefined) yield event;
      }
    }
  } catch (error) {
    if (ended()) return;
    if (caller.closed.aborted) throw caller.closed.reason as HostError;
    throw caller.hostError(error, spec);
  } finally {
    stream.destroy();
  }
  if (ended()) return;
  throw new HostError(
    caller.host,
    'unreachable',
    `Docker host ${caller.host} (${caller.endpointText}) ended its event stream`,
  );
}
