import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { areasPerRequest, sampleDurations } from '../../tools/bench/profile';

/** A `.cpuprofile` node. */
function node(id: number, functionName: string, url: string, children: number[] = []): object {
  return { id, hitCount: 0, callFrame: { functionName, url, lineNumber: 0, scriptId: '0', columnNumber: 0 }, children };
}

describe('bench profile reading (tools/bench/profile.ts)', () => {
  it("gives each sample the time until the next one, so the profiler's start-up gap counts for nothing", () => {
    expect(sampleDurations({ samples: [1, 2, 3, 2], timeDeltas: [270_000, 100, 200, 300] })).to.deep.equal([100, 200, 300, 0]);
  });

  it('puts time per request into areas by the innermost frame that belongs to one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uhsbot-profile-test-'));
    try {
      const file = path.join(dir, 'p.cpuprofile');
      const profile = {
        nodes: [
          node(1, '(root)', '', [2, 3, 5]),
          node(2, 'dispatch', ''),
          node(3, 'step', 'file:///app/dist/dialogs/mainDialog.js', [4]),
          node(4, 'sendCommand', 'file:///app/node_modules/ioredis/built/Redis.js'),
          node(5, '(garbage collector)', ''),
        ],
        samples: [2, 3, 4, 5, 3],
        timeDeltas: [270_000, 100, 200, 300, 400],
        startTime: 0,
        endTime: 271_000,
      };
      fs.writeFileSync(file, JSON.stringify(profile));
      const rows = Object.fromEntries(areasPerRequest(file, 100).map((r) => [r.area, r.microsPerRequest]));
      // dispatch: 100 µs (the 270 ms before the first sample is not its time), the dialog
      // step 200 + 0 (the last sample), ioredis under the step 300, GC 400; per 100 requests.
      expect(rows).to.deep.equal({ other: 1, 'dialogs (botbuilder-dialogs + dialogs/)': 2, 'ioredis (commands, replies)': 3, 'garbage collector': 4 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
