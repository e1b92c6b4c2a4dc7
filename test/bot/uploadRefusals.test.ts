import { expect } from 'chai';
import type { Activity } from 'botbuilder-core';
import { BotHarness } from '../support/botHarness';
import { makeJpeg, makePng } from '../support/sampleFiles';
import { REFUSED_UPLOAD_TYPE, humanSize, refusalMessage, refusedUploadAttachment, refusedUploads } from '../../bot/uploadRefusals';
import { DEVICE_TIP } from '../../dialogs/flows/flowHelpers';
import { PORTAL_ALLOWED_TYPES_MESSAGE } from '../../dialogs/flows/uploadRules';

const text = (replies: Array<Partial<Activity>>): string => BotHarness.text(replies);
const MB = 1024 * 1024;

/** A photo as the channel delivers it: a file with a contentUrl the fake fetcher answers. */
const photo = (name: string): Partial<Activity> => ({
  type: 'message',
  text: '',
  attachments: [{ name, contentType: 'image/jpeg', contentUrl: `https://files.example.test/${name}` }],
});

describe('files the channel refused (bot layer)', () => {
  it('says the size, the limit and what to do (make it smaller, the portal types, the FAQ device tip)', () => {
    const message = refusalMessage(refusedUploads([refusedUploadAttachment('IMG_0044.jpg', { reason: 'too-large', sizeBytes: 30 * MB + 200 * 1024, limit: 10 * MB })]), 'uhsportalhelp@umass.edu') ?? '';
    expect(message).to.contain("I couldn't take **IMG\\_0044.jpg**: it is 30.2 MB, and a file sent here can be at most 10 MB.");
    expect(message).to.contain('Make it smaller');
    expect(message).to.contain(PORTAL_ALLOWED_TYPES_MESSAGE);
    expect(message).to.contain(DEVICE_TIP);
    expect(message).to.contain('attach the smaller file here');
  });

  it('explains too many files, a full conversation and busy storage; nothing refused is no message', () => {
    const notes = refusedUploads([
      refusedUploadAttachment('b.jpg', { reason: 'too-many', sizeBytes: 5, limit: 1 }),
      refusedUploadAttachment('c.jpg', { reason: 'conversation-quota', sizeBytes: 5, limit: 20 }),
      refusedUploadAttachment('d.jpg', { reason: 'storage-full', sizeBytes: 5, limit: 100 }),
    ]);
    const message = refusalMessage(notes, 'uhsportalhelp@umass.edu') ?? '';
    expect(message).to.contain("I can take 1 file per message, so I didn't take **b.jpg**. Send it in another message, one file at a time.");
    expect(message).to.contain('Reload the page to start a new chat, or email uhsportalhelp@umass.edu');
    expect(message).to.contain('Please try again in a minute');
    expect(refusalMessage([], 'x@y')).to.equal(null);
  });

  it('ignores malformed notes and other attachments', () => {
    expect(
      refusedUploads([
        { contentType: REFUSED_UPLOAD_TYPE, name: 'x', content: { reason: 'nope', sizeBytes: 1, limit: 1 } },
        { contentType: REFUSED_UPLOAD_TYPE, name: 'y', content: 'text' },
        { contentType: 'image/jpeg', name: 'z.jpg', contentUrl: 'https://x/z.jpg' },
      ]),
    ).to.deep.equal([]);
  });

  it('sizes read as a phone shows them', () => {
    expect(humanSize(1700)).to.equal('2 KB');
    expect(humanSize(10 * MB)).to.equal('10 MB');
    expect(humanSize(2.6 * MB)).to.equal('2.6 MB');
  });

  it('the bot answers a refused file alone with the message, and keeps the step that was waiting', async () => {
    const bot = new BotHarness({ fetchAttachment: () => Promise.resolve({ ok: true, bytes: makeJpeg() }) });
    const asked = await bot.say('my file wont upload');
    expect(text(asked)).to.match(/What's the file called/);
    const refused = await bot.say({
      type: 'message',
      text: '',
      attachments: [refusedUploadAttachment('IMG_0044.jpg', { reason: 'too-large', sizeBytes: 30 * MB, limit: 10 * MB })],
    });
    expect(refused).to.have.length(1);
    expect(text(refused)).to.contain('can be at most 10 MB');
    // The upload question still waits: the smaller photo is checked.
    expect(text(await bot.say(photo('small.jpg')))).to.contain('is a JPG photo');
  });

  it('a new file while a tip waits for "Did that work?" is checked, not answered with "choose a button"', async () => {
    let bytes = makeJpeg();
    const bot = new BotHarness({ fetchAttachment: () => Promise.resolve({ ok: true, bytes }) });
    const first = await bot.say(photo('card.jpg'));
    expect(text(first)).to.contain('is a JPG photo');
    expect(text(first)).to.match(/Did that work\?/);
    bytes = makePng();
    const second = await bot.say(photo('card.jpg'));
    expect(text(second)).to.not.match(/choose one of the buttons/i);
    expect(text(second)).to.contain('really a PNG picture');
  });
});
