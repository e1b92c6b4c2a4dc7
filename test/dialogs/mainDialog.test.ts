import { expect } from 'chai';
import type { Storage, StoreItems } from 'botbuilder-core';
import { BotHarness } from '../support/botHarness';
import { HELPED_NO, HELPED_YES, TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import { ALLERGY_APPOINTMENT_DIALOG } from '../../dialogs/flows/allergyAppointmentDialog';

const { text, buttons } = BotHarness;
const HANDOFF_QUESTION = /what is the problem\?/i;

describe('Main dialog and bot (TestAdapter, real knowledge base, fake ports)', () => {
  describe('answers', () => {
    it('answers an FAQ in Markdown with links, then asks whether it helped with buttons', async () => {
      const bot = new BotHarness();
      const replies = await bot.say('how do I get a copy of my medical records?');
      expect(replies[0].textFormat).to.equal('markdown');
      expect(replies[0].text).to.include('Release of Information UHS');
      expect(replies[0].text).to.include('10 business days');
      expect(text(replies)).to.include('Did that answer your question?');
      expect(buttons(replies)).to.include.members([HELPED_YES, HELPED_NO]);
    });

    it('"yes" to "did that help?" closes the topic', async () => {
      const bot = new BotHarness();
      await bot.say('how do I get a copy of my medical records?');
      expect(text(await bot.say(HELPED_YES))).to.match(/glad/i);
    });

    it('"that didn\'t help" after an answer offers the help desk with its address', async () => {
      const bot = new BotHarness();
      await bot.say('why cant I make an account for my kid');
      const replies = await bot.say(HELPED_NO);
      expect(text(replies)).to.include('uhsportalhelp@umass.edu');
      expect(buttons(replies)).to.include(TALK_TO_HELPDESK);
      expect(text(await bot.say(TALK_TO_HELPDESK))).to.match(HANDOFF_QUESTION);
    });

    it('answers smalltalk without asking whether it helped', async () => {
      const bot = new BotHarness();
      const replies = await bot.say('hello');
      expect(text(replies)).to.not.include('Did that answer your question?');
      expect(buttons(replies).length).to.be.greaterThan(0);
    });

    it('offers "Did you mean …?" buttons when two topics are close, and a button routes to its topic', async () => {
      const bot = new BotHarness();
      // Find, with the real matcher, a message it finds ambiguous: built from two topics' labels.
      const labels = [...bot.services.knowledge.entries.values()].map((e) => e.label);
      let ambiguous: string | undefined;
      for (const a of labels) {
        for (const b of labels) {
          if (a !== b && bot.services.knowledge.match(`${a} ${b}`).kind === 'ambiguous') ambiguous = `${a} ${b}`;
          if (ambiguous) break;
        }
        if (ambiguous) break;
      }
      expect(ambiguous, 'some pair of topics is ambiguous').to.be.a('string');
      const replies = await bot.say(ambiguous!);
      expect(text(replies)).to.include('Did you mean');
      const choice = buttons(replies)[0];
      const chosen = [...bot.services.knowledge.entries.values()].find((e) => e.label === choice)!;
      const next = await bot.say(choice);
      expect(text(next)).to.not.include('Did you mean');
      expect(text(next).length).to.be.greaterThan(0);
      expect(chosen, 'the button is a topic label').to.not.equal(undefined);
    });
  });

  describe('misses and the help desk', () => {
    it('one miss suggests topics; two misses in a row offer the help desk (buttons) without starting the handoff', async () => {
      const bot = new BotHarness();
      const first = await bot.say('what is the capital of peru');
      expect(text(first)).to.match(/didn't understand/i);
      expect(buttons(first)).to.include(TALK_TO_HELPDESK);
      const second = await bot.say('recommend a good pizza place');
      expect(text(second)).to.match(/still don't understand/i);
      expect(text(second)).not.to.match(HANDOFF_QUESTION);
      expect(buttons(second)[0]).to.equal(TALK_TO_HELPDESK);
      expect(bot.services.cases.cases.size).to.equal(0);
      expect(text(await bot.say(TALK_TO_HELPDESK))).to.match(HANDOFF_QUESTION);
    });

    it('"every username I try doesn\'t work" gets FAQ 3\'s own advice, not the registration entries', async () => {
      const bot = new BotHarness();
      const replies = text(await bot.say("Every username I try doesn't work"));
      expect(replies).to.include('they have already created an account');
      expect(replies).to.include('Forgot Password');
      expect(replies).to.include('you are not active');
      expect(replies).to.not.include('three requirements (entries)');
    });

    it('login and password problems lead with NetID Single Sign-On before the generic tips', async () => {
      for (const message of ["I can't log in", 'I forgot my password']) {
        const bot = new BotHarness();
        const replies = text(await bot.say(message));
        const netId = replies.indexOf('I have a UMass NetID');
        expect(netId, message).to.be.at.least(0);
        expect(netId, message).to.be.below(replies.indexOf('Forgot Password'));
      }
    });

    it('an out-of-scope question gets where to go and topic buttons, is not a miss, and opens no case', async () => {
      const bot = new BotHarness();
      const billing = await bot.say('I have a question about a charge on my bill from the health center');
      expect(text(billing)).to.include('I can only help with the UMass Patient Portal');
      expect(text(billing)).to.include('(413) 577-5256');
      expect(buttons(billing)).to.include(TALK_TO_HELPDESK);
      const parking = await bot.say('where should I park when I visit UHS');
      expect(text(parking)).to.include("can't help with parking");
      expect(text(await bot.say('what is the capital of peru'))).to.match(/didn't understand/i);
      expect(bot.services.cases.cases.size).to.equal(0);
    });

    it('a match between two misses resets the count', async () => {
      const bot = new BotHarness();
      await bot.say('what is the capital of peru');
      await bot.say('how do I schedule allergy shots');
      await bot.say('cancel');
      expect(text(await bot.say('recommend a good pizza place'))).to.match(/didn't understand/i);
    });

    it('asking for a person starts the handoff, and the case carries a transcript with dates of birth masked', async () => {
      const bot = new BotHarness();
      await bot.say('hi my birthday is 04/12/2001');
      expect(text(await bot.say('can I talk to a real person'))).to.match(HANDOFF_QUESTION);
      await bot.say('I cannot log in since Monday');
      await bot.say('Skip anyway');
      const done = await bot.say('Yes');
      expect(text(done)).to.match(/UHS-TEST\d+/);
      const [record] = [...bot.services.cases.cases.values()];
      expect(record.diagnostics.trigger).to.equal('user-asked');
      const transcript = record.transcript.map((l) => l.text).join('\n');
      expect(transcript).to.include('my birthday is');
      expect(transcript).to.not.include('04/12/2001');
      expect(bot.services.escalations.queued.size).to.equal(1);
    });

    it('"that didn\'t help" after a troubleshooting dialog starts the handoff with the dialog named', async () => {
      const bot = new BotHarness();
      await bot.say('how do I schedule an allergy appointment');
      let replies = await bot.say('Yes');
      for (let i = 0; i < 4 && !/Did that answer your question/.test(text(replies)); i++) replies = await bot.say('No');
      expect(text(replies)).to.include('Did that answer your question?');
      expect(text(await bot.say(HELPED_NO))).to.match(HANDOFF_QUESTION);
      await bot.say('The portal has no Allergy Serum Injection reason');
      await bot.say('Skip anyway');
      await bot.say('No');
      const [record] = [...bot.services.cases.cases.values()];
      expect(record.diagnostics).to.include({ trigger: 'didnt-help', failedDialog: ALLERGY_APPOINTMENT_DIALOG });
      expect(record.transcript).to.deep.equal([]);
    });

    it('the re-prompt limit of a dialog leads to the handoff', async () => {
      const bot = new BotHarness();
      await bot.say('do I already have an account?');
      await bot.say('Yes');
      await bot.say('not an email');
      await bot.say('still not');
      const replies = await bot.say('nope');
      expect(text(replies)).to.match(HANDOFF_QUESTION);
    });
  });

  describe('interruptions', () => {
    it('"cancel" stops a dialog waiting for an answer, and the next message is a new question', async () => {
      const bot = new BotHarness();
      await bot.say('do I already have an account?');
      await bot.say('Yes');
      expect(text(await bot.say('cancel'))).to.match(/stopped/i);
      expect(text(await bot.say('how do I get my immunization records'))).to.include('Print');
    });

    it('"start over" clears the conversation', async () => {
      const bot = new BotHarness();
      await bot.say('do I already have an account?');
      expect(text(await bot.say('start over'))).to.match(/start over/i);
      expect(text(await bot.say('what file types can I upload?'))).to.include('.tiff');
    });

    it('"help" inside a dialog explains what the bot does and asks the same question again', async () => {
      const bot = new BotHarness();
      await bot.say('do I already have an account?');
      await bot.say('Yes');
      const replies = await bot.say('help');
      expect(text(replies)).to.include('I can help you with the UMass Patient Portal');
      expect(text(replies)).to.match(/email address does UHS have on file/i);
      expect(text(await bot.say('jane.doe@umass.edu'))).to.match(/date of birth/i);
    });
  });

  describe('safety', () => {
    it('an emergency in the middle of a dialog gets 911 and 988 at once, before anything else', async () => {
      const bot = new BotHarness();
      await bot.say('do I already have an account?');
      await bot.say('Yes');
      const replies = await bot.say("I took too many pills and I can't breathe");
      expect(replies[0].text).to.include('911');
      expect(replies[0].text).to.include('988');
      expect(text(replies)).to.not.match(/email address does UHS have on file/i);
    });
  });

  describe('a state store that is down', () => {
    class DownStorage implements Storage {
      async read(): Promise<StoreItems> {
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      }
      async write(): Promise<void> {
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      }
      async delete(): Promise<void> {
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      }
    }

    it('still answers an FAQ, and says it cannot remember the conversation', async () => {
      const bot = new BotHarness({}, new DownStorage());
      const replies = await bot.say('what file types can I upload?');
      expect(text(replies)).to.include('.tiff');
      expect(text(replies)).to.match(/trouble remembering/i);
    });
  });

  describe('a claimed case', () => {
    it("relays the patient's later messages to staff, redacted", async () => {
      const bot = new BotHarness();
      await bot.say('talk to a person');
      await bot.say('Password reset loops');
      await bot.say('Skip anyway');
      await bot.say('No');
      const [record] = [...bot.services.cases.cases.values()];
      await bot.services.cases.update(record.id, (c) => ({ ...c, status: 'claimed', claimedBy: 'Helen Desk' }));
      await bot.say('it still loops, my dob is 04/12/2001');
      const relayed = bot.services.notifier.calls.find((c) => c.kind === 'patient');
      expect(relayed?.caseId).to.equal(record.id);
      expect(relayed?.text).to.include('it still loops');
      expect(relayed?.text).to.not.include('04/12/2001');
    });
  });
});
