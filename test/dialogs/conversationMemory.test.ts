import { expect } from 'chai';
import { appendTranscript, BOT_LINE_LIMIT, emptyMemory, TRANSCRIPT_LIMIT } from '../../dialogs/conversationMemory';

describe('Conversation memory transcript', () => {
  const at = '2026-11-24T15:00:00.000Z';

  it('keeps only the newest lines', () => {
    const memory = emptyMemory();
    for (let i = 0; i < TRANSCRIPT_LIMIT + 5; i++) appendTranscript(memory, { from: 'user', text: `line ${i}`, at });
    expect(memory.transcript).to.have.length(TRANSCRIPT_LIMIT);
    expect(memory.transcript[0].text).to.equal('line 5');
    expect(memory.transcript.at(-1)!.text).to.equal(`line ${TRANSCRIPT_LIMIT + 4}`);
  });

  it("shortens the bot's long answers but keeps every word the user wrote", () => {
    const memory = emptyMemory();
    const long = 'x'.repeat(BOT_LINE_LIMIT * 3);
    appendTranscript(memory, { from: 'bot', text: long, at });
    appendTranscript(memory, { from: 'user', text: long, at });
    expect(memory.transcript[0].text).to.have.length(BOT_LINE_LIMIT);
    expect(memory.transcript[0].text.endsWith('…')).to.equal(true);
    expect(memory.transcript[1].text).to.equal(long);
  });
});
