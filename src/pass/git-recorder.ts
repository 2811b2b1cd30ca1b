import { writeRegisteredServices } from '../render/registered-services.js';
import type { PassRepo } from './pass-repo.js';
import type { PassRecord, Recorder } from './record-stage.js';

/**
 * Records in the env repo as one bot commit on the followed branch: the rendered files as they
 * are, and `registered_services` rewritten in place in the environment file as it is at the
 * branch's head then (a push that loses a race is made again on the new head; only that rewrite
 * is done again).
 */
export function gitRecorder(repo: PassRepo): Recorder {
  return {
    record: (record: PassRecord) =>
      repo.writeBack(async (head) => {
        const text =
          head === record.base.commit
            ? record.base.text
            : ((await repo.readFile(head, record.envPath)) ?? '');
        return {
          files: {
            ...record.files,
            [record.envPath]: writeRegisteredServices(text, record.registered),
          },
          message: record.message,
          trailers: record.trailers,
          ...(record.always === true ? { always: true } : {}),
        };
      }, record.base.commit),
  };
}
