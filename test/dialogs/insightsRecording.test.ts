import { expect } from 'chai';
import { BotHarness } from '../support/botHarness';
import { HELPED_NO, HELPED_YES } from '../../dialogs/prompts/replies';
import { CASE_FEEDBACK_KEY, CASE_FEEDBACK_SOLVED, CASE_FEEDBACK_YES_TEXT, CASE_RATING_QUESTION, caseRatingText, parseCaseRating } from '../../dialogs/cases/caseFeedback';
import { ACCOUNT_STATUS_DIALOG } from '../../dialogs/flows/accountStatusDialog';
import { newCase } from '../bot/adapters/caseFixtures';

const { text } = BotHarness;
/** The conversation id botbuilder's TestAdapter gives its activities. */
const CONVERSATION = 'Convo1';

/** What the dialogs record for the insights (through the port, with the recording fake). */
describe('insights recorded by the dialogs', () => {
  it('an FAQ answer with its intent and score, then "helped" yes; another answer, then no', async () => {
    const bot = new BotHarness();
    await bot.say('how do I get a copy of my medical records?');
    await bot.say(HELPED_YES);
    await bot.say('how can I get a copy of my immunization records');
    await bot.say(HELPED_NO);
    const answers = bot.services.insights.of('answer');
    expect(answers.map((a) => [a.intent, a.dialog])).to.deep.equal([
      ['medical-records-copy', null],
      ['immunization-records-copy', null],
    ]);
    for (const a of answers) expect(a.score).to.be.within(0.38, 1).and.equal(a.score);
    expect(bot.services.insights.of('helped').map((h) => [h.intent, h.helped])).to.deep.equal([
      ['medical-records-copy', true],
      ['immunization-records-copy', false],
    ]);
    expect(bot.services.insights.of('turn').map((t) => t.conversationId)).to.deep.equal([CONVERSATION, CONVERSATION, CONVERSATION, CONVERSATION]);
  });

  it('a troubleshooting dialog started counts as an answer with its dialog; smalltalk does not count', async () => {
    const bot = new BotHarness();
    await bot.say('hello');
    await bot.say('Check my account');
    const intent = bot.services.knowledge.match('Check my account').intent;
    expect(bot.services.insights.of('answer').map((a) => [a.intent, a.dialog])).to.deep.equal([[intent, ACCOUNT_STATUS_DIALOG]]);
    // The dialog waits for an answer: a conversation left here is abandoned mid-flow.
    expect(bot.services.insights.of('turn').at(-1)?.waitingIn).to.equal(ACCOUNT_STATUS_DIALOG);
  });

  it('a question it cannot answer is a miss, with the text (masked by the adapter) and the matcher\'s suggestions', async () => {
    const bot = new BotHarness();
    await bot.say('who won the football game last night');
    const [miss] = bot.services.insights.of('miss');
    expect(miss).to.include({ conversationId: CONVERSATION, text: 'who won the football game last night' });
    expect(miss.suggestions.length).to.be.at.most(3);
    expect(bot.services.insights.of('answer')).to.deep.equal([]);
  });

  it('an emergency shown is recorded', async () => {
    const bot = new BotHarness();
    await bot.say('I want to kill myself');
    expect(bot.services.insights.of('emergency')).to.deep.equal([{ kind: 'emergency', conversationId: CONVERSATION }]);
  });

  it('after "yes, it is solved" the patient is asked for a 1–5 rating; the rating is stored on the case and recorded', async () => {
    const bot = new BotHarness();
    const record = await bot.services.cases.create(newCase(CONVERSATION));
    await bot.services.cases.update(record.id, (c) => ({ ...c, status: 'resolved' }));
    const replies = await bot.say({ type: 'message', text: CASE_FEEDBACK_YES_TEXT, value: { [CASE_FEEDBACK_KEY]: CASE_FEEDBACK_SOLVED, caseId: record.id } });
    const question = replies.find((r) => r.text?.includes(CASE_RATING_QUESTION));
    expect(question, 'the rating question').to.exist;
    const buttons = question!.suggestedActions!.actions;
    expect(buttons.map((b) => b.title)).to.deep.equal(['1 (poor)', '2', '3', '4', '5 (excellent)']);
    // The patient clicks 4: the channel sends the button's text and value.
    const four = buttons[3];
    expect(parseCaseRating({ text: String(four.text), value: four.value })).to.deep.equal({ caseId: record.id, rating: 4 });
    expect(text(await bot.say({ type: 'message', text: String(four.text), value: four.value }))).to.include('Thank you for your rating');
    expect(bot.services.insights.of('rating')).to.deep.equal([{ kind: 'rating', conversationId: CONVERSATION, caseId: record.id, rating: 4 }]);
    const stored = await bot.services.cases.get(record.id);
    expect(stored!.events.filter((e) => e.type === 'feedback').map((e) => e.detail)).to.deep.equal([CASE_FEEDBACK_SOLVED, 'rating 4 of 5']);
  });

  it('a rating for a case of another conversation, or out of range, changes nothing', async () => {
    const bot = new BotHarness();
    const record = await bot.services.cases.create(newCase('someone-else'));
    await bot.say({ type: 'message', text: caseRatingText(1), value: { uhsCaseRating: 1, caseId: record.id } });
    expect(bot.services.insights.of('rating')).to.deep.equal([]);
    expect((await bot.services.cases.get(record.id))!.events.map((e) => e.type)).to.deep.equal(['created']);
    expect(parseCaseRating({ text: 'x', value: { uhsCaseRating: 9, caseId: record.id } })).to.equal(null);
    expect(parseCaseRating({ text: 'Rating: 5 of 5' })).to.deep.equal({ caseId: null, rating: 5 });
  });
});
