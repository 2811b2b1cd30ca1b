import type Docker from 'dockerode';

/** One raw request through a dockerode client's modem (path, method, body, status codes). */
export type DialOptions = Parameters<Docker['modem']['dial']>[0];

/**
 * Sends one request through dockerode's modem, for the calls whose dockerode method drops the
 * abort signal or is not typed to take it. Resolves with the parsed answer; rejects with the
 * modem's error, which carries the engine's status code and message.
 */
export function dialEngine(docker: Docker, options: DialOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(options, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}
