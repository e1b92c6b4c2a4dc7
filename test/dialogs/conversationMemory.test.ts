import { expect } from 'chai';
import { appendTranscript, BOT_LINE_LIMIT, CUT_MARK, decodeTranscriptLine, emptyMemory, encodeTranscriptLine, TRANSCRIPT_LIMIT, transcriptLines } from '../../dialogs/memory/conversationMemory';

describe('Conversation memory transcript', () => {
  const at = '2026-11-24T15:00:00.000Z';

  it('keeps only the newest lines', () => {
    const memory = emptyMemory();
    for (let i = 0; i < TRANSCRIPT_LIMIT + 5; i++) appendTranscript(memory, { from: 'user', text: `line ${i}`, at });
    expect(memory.transcript).to.have.length(TRANSCRIPT_LIMIT);
    const lines = transcriptLines(memory);
    expect(lines[0].text).to.equal('line 5');
    expect(lines.at(-1)!.text).to.equal(`line ${TRANSCRIPT_LIMIT + 4}`);
  });

  it("shortens the bot's long answers but keeps every word the user wrote", () => {
    const memory = emptyMemory();
    const long = 'x'.repeat(BOT_LINE_LIMIT * 3);
    appendTranscript(memory, { from: 'bot', text: long, at });
    appendTranscript(memory, { from: 'user', text: long, at });
    const [bot, user] = transcriptLines(memory);
    expect(bot.text).to.have.length(BOT_LINE_LIMIT);
    expect(bot.text.endsWith(CUT_MARK)).to.equal(true);
    expect(bot.text.slice(0, -CUT_MARK.length)).to.equal(long.slice(0, BOT_LINE_LIMIT - CUT_MARK.length));
    expect(user.text).to.equal(long);
  });

  it('keeps each line as one string in state, and reads it back whole (colons, newlines and all)', () => {
    const memory = emptyMemory();
    const text = 'Re: my form: it says "error: 12"\nand then\n\nnothing';
    appendTranscript(memory, { from: 'user', text, at });
    appendTranscript(memory, { from: 'staff', text: ': leading colon', at });
    expect(memory.transcript.every((line) => typeof line === 'string')).to.equal(true);
    expect(transcriptLines(memory)).to.deep.equal([
      { from: 'user', text, at },
      { from: 'staff', text: ': leading colon', at },
    ]);
    expect(decodeTranscriptLine(encodeTranscriptLine({ from: 'bot', text: '', at }))).to.deep.equal({ from: 'bot', text: '', at });
  });

  it('still reads lines saved as objects (state from before the compact form), and skips garbage', () => {
    const memory = emptyMemory();
    memory.transcript.push({ from: 'bot', text: 'Hello', at }, 'not a line', `${at} robot: hi`);
    appendTranscript(memory, { from: 'user', text: 'hi', at });
    expect(transcriptLines(memory)).to.deep.equal([
      { from: 'bot', text: 'Hello', at },
      { from: 'user', text: 'hi', at },
    ]);
  });
});
