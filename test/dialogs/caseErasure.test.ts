import { expect } from 'chai';
import type { Log } from '../../dialogs/ports';
import { CaseService } from '../../dialogs/cases/caseService';
import { MemoryCaseStore } from '../../bot/adapters/memoryCaseStore';
import { newCase, steppingClock } from '../bot/adapters/caseFixtures';

/** Erasing a person's cases on request, through the case service with only a store and a log. */
describe('CaseService.forErasure (a person\'s cases erased on request)', () => {
  it("finds the address's cases, erases each once, and logs case numbers only", async () => {
    const cases = new MemoryCaseStore({ now: steppingClock() });
    const first = await cases.create(newCase('conv-1', { replyEmail: 'jdoe@umass.edu' }));
    const second = await cases.create(newCase('conv-2', { replyEmail: 'jdoe@umass.edu' }));
    const other = await cases.create(newCase('conv-3', { replyEmail: 'asmith@umass.edu' }));
    const logged: object[] = [];
    const log: Log = { debug: () => undefined, info: (obj) => logged.push(obj), warn: (obj) => logged.push(obj), error: (obj) => logged.push(obj) };
    const erasure = CaseService.forErasure({ cases, log });

    expect((await erasure.findByReplyEmail(' JDoe@UMass.edu ')).map((c) => c.id)).to.deep.equal([second.id, first.id]);
    expect((await erasure.find(first.id.toLowerCase()))?.id, 'found as typed').to.equal(first.id);

    expect(await erasure.erase(first.id)).to.equal(true);
    expect(await erasure.erase(first.id), 'already gone').to.equal(false);
    expect(await erasure.find(first.id)).to.equal(null);
    expect((await erasure.findByReplyEmail('jdoe@umass.edu')).map((c) => c.id)).to.deep.equal([second.id]);
    expect((await cases.get(other.id))?.id, "another person's case stays").to.equal(other.id);
    expect(logged).to.deep.equal([{ event: 'case-erased', caseId: first.id }]);
  });
});
