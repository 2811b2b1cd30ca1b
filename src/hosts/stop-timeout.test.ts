import { describe, expect, it } from 'vitest';

import { labelledStopTimeout, STOP_TIMEOUT_LABEL } from './stop-timeout.js';

describe('labelledStopTimeout', () => {
  it('reads whole seconds from 1 to 3600', () => {
    expect(labelledStopTimeout({ [STOP_TIMEOUT_LABEL]: '60' })).toEqual({ seconds: 60 });
    expect(labelledStopTimeout({ [STOP_TIMEOUT_LABEL]: ' 1 ' })).toEqual({ seconds: 1 });
    expect(labelledStopTimeout({ [STOP_TIMEOUT_LABEL]: '3600' })).toEqual({ seconds: 3600 });
  });

  it('says nothing of an image without the label', () => {
    expect(labelledStopTimeout({ 'org.dockstack.data': '/var/lib/mysql' })).toEqual({});
  });

  it.each(['0', '-5', '1.5', '60s', '', '3601', '1e3'])('names what is wrong with %j', (value) => {
    const read = labelledStopTimeout({ [STOP_TIMEOUT_LABEL]: value });
    expect(read.seconds).toBeUndefined();
    expect(read).toEqual({
      problem: `${STOP_TIMEOUT_LABEL}=${JSON.stringify(value)} is not whole seconds from 1 to 3600`,
    });
  });
});
