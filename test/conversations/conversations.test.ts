import { expect } from 'chai';
import { loadConversations, runConversation } from '../support/conversations';

/**
 * The conversation tests: every conversation of `test/conversations/*.yaml`, played through the
 * real bot (see `test/support/conversations.ts`). A failure lists each unmet expectation.
 */
describe('Conversations as people write them (test/conversations/*.yaml)', () => {
  const conversations = loadConversations();

  it('there are at least 60 of them', () => {
    expect(conversations.length).to.be.at.least(60);
  });

  for (const file of [...new Set(conversations.map((c) => c.file))]) {
    describe(file, () => {
      for (const c of conversations.filter((x) => x.file === file)) {
        it(c.name, async () => {
          const { failures } = await runConversation(c);
          expect(failures, failures.join('\n')).to.deep.equal([]);
        });
      }
    });
  }
});
