import { expect } from 'chai';
import { ConversationState, MemoryStorage, type Activity } from 'botbuilder-core';
import { CANCEL_BUTTON } from '../../dialogs/prompts/textPrompts';
import { BROWSER_TIP, DEVICE_TIP, IT_WORKED, STILL_FAILING } from '../../dialogs/flows/flowHelpers';
import type { Log } from '../../dialogs/ports';
import { TALK_TO_HELPDESK } from '../../dialogs/prompts/replies';
import type { FetchedAttachment } from '../../dialogs/services';
import { DONT_KNOW_NAME, UPLOAD_DIAGNOSIS_DIALOG, UploadDiagnosisDialog, type UploadDiagnosisOptions } from '../../dialogs/flows/uploadDiagnosisDialog';
import type { Diagnosis } from '../../dialogs/flows/uploadRules';
import { PORTAL_ALLOWED_TYPES_MESSAGE } from '../../dialogs/flows/uploadRules';
import { makeTestServices, testSettings } from '../fakes/services';
import { makeDocx, makeHeic, makePdf } from '../support/sampleFiles';
import { allText, buttonsOf, FlowClient, sendAll, texts } from './flowTestKit';

/** A fetchAttachment stub that serves the test's real bytes and records what it was asked. */
function servingFetcher(result: FetchedAttachment) {
  const calls: Array<{ url: string; maxBytes: number }> = [];
  const fetchAttachment = async (url: string, maxBytes: number): Promise<FetchedAttachment> => {
    calls.push({ url, maxBytes });
    return result;
  };
  return { calls, fetchAttachment };
}

function uploadClient(fetched: FetchedAttachment = { ok: false, reason: 'refused' }, options?: UploadDiagnosisOptions, log?: Log, state?: ConversationState) {
  const fetcher = servingFetcher(fetched);
  const services = makeTestServices({ fetchAttachment: fetcher.fetchAttachment, ...(log ? { log } : {}) });
  return { client: new FlowClient(new UploadDiagnosisDialog(services), options, state), calls: fetcher.calls };
}

const attachment = (name: string, url = `https://files.example.test/${encodeURIComponent(name)}`) => ({ name, contentType: 'application/octet-stream', contentUrl: url });
const withFile = (name: string): Partial<Activity> => ({ type: 'message', text: '', attachments: [attachment(name)] });

/** A log that keeps every record as JSON, to check what is (not) logged. */
function recordingLog(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const record = (obj: object, msg?: string) => void lines.push(JSON.stringify({ obj, msg }));
  return { lines, log: { debug: record, info: record, warn: record, error: record } };
}

describe('UploadDiagnosisDialog', () => {
  describe('by name', () => {
    it('asks for the file name or the file, with buttons', async () => {
      const { client } = uploadClient();
      const replies = await client.send('hi');
      expect(allText(replies)).to.include("What's the file called?");
      expect(allText(replies)).to.include('attach the file here');
      expect(buttonsOf(replies)).to.deep.equal([DONT_KNOW_NAME, TALK_TO_HELPDESK, CANCEL_BUTTON]);
      expect(client.waiting).to.equal(true);
    });

    it('offers a file name from the first message as a button', async () => {
      const { client } = uploadClient(undefined, { text: "my IMG_0412.HEIC won't upload" });
      expect(buttonsOf(await client.send('start'))).to.deep.equal(['IMG_0412.HEIC', DONT_KNOW_NAME, TALK_TO_HELPDESK, CANCEL_BUTTON]);
    });

    it('an allowed name looks fine, then the FAQ tips one at a time', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      const replies = await client.send('"Vaccine card.PDF"');
      const [diagnosis, lead, tip] = texts(replies);
      expect(diagnosis).to.include('**Vaccine card.PDF**');
      expect(diagnosis).to.include('It looks fine');
      expect(lead).to.include('try these, one at a time');
      expect(tip).to.include(`**Tip 1 of 2:** ${BROWSER_TIP}`);
      expect(tip).to.include('Did that work?');
      expect(buttonsOf(replies)).to.deep.equal([IT_WORKED, STILL_FAILING, TALK_TO_HELPDESK]);
    });

    it('a HEIC name: not allowed, the FAQ list, the iPhone setting and a new name', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      const replies = await client.send('IMG_0412.HEIC');
      const text = allText(replies);
      expect(text).to.include('**This will stop the upload:**');
      expect(text).to.include(PORTAL_ALLOWED_TYPES_MESSAGE);
      expect(text).to.include('Settings → Camera → Formats and choose "Most Compatible"');
      expect(text).to.include('IMG_0412.jpg');
      expect(text).to.include('**Tip 1 of 3:** Fix the file as described above, then try the upload again.');
    });

    it('special characters: names the ones found', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      const text = allText(await client.send('vaccine*card 100%&.pdf'));
      expect(text).to.include("special characters the portal can't handle: * % &");
      expect(text).to.include('vaccine-card-100.pdf');
    });

    it('a double ending: only the last one counts', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      const text = allText(await client.send('card.pdf.docx'));
      expect(text).to.include('two endings, .pdf and then .docx');
      expect(text).to.include('save a PDF copy');
    });

    it('"I don\'t know the name": how to find it, the rule, the usual fixes, then the tips', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      const replies = await client.send(DONT_KNOW_NAME);
      const text = allText(replies);
      expect(text).to.include('right-click the file and choose Properties');
      expect(text).to.include('Get Info');
      expect(text).to.include(PORTAL_ALLOWED_TYPES_MESSAGE);
      expect(text).to.include('remove any special characters (i.e.) * % &');
      expect(text).to.include(`**Tip 1 of 2:** ${BROWSER_TIP}`);
    });

    it('"Talk to the help desk" ends with a user-asked handoff', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      await client.send(TALK_TO_HELPDESK);
      expect(client.outcome()).to.deep.equal({ outcome: 'handoff', dialog: UPLOAD_DIAGNOSIS_DIALOG, reason: 'user-asked', diagnostics: { prompt: 'file' } });
    });

    it('re-asks what is wrong at most twice, then hands off (reprompt-limit)', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      const first = await client.send('line one\nline two');
      expect(allText(first)).to.include('Please send just the file name, on one line.');
      expect(buttonsOf(first)).to.include(TALK_TO_HELPDESK);
      const second = await client.send('x'.repeat(300));
      expect(allText(second)).to.include("That's longer than any file name can be.");
      await client.send('a\nb');
      expect(client.outcome()).to.deep.equal({ outcome: 'handoff', dialog: UPLOAD_DIAGNOSIS_DIALOG, reason: 'reprompt-limit', diagnostics: { prompt: 'file' } });
    });
  });

  describe('by attachment', () => {
    it('checks a file attached to the first message at once: typing, "Checking your file…", the real type', async () => {
      const { client, calls } = uploadClient({ ok: true, bytes: makeHeic() }, { attachments: [attachment('IMG_0412.jpg', 'https://files.example.test/a')] });
      const replies = await client.send('here it is');
      expect(replies[0].type).to.equal('typing');
      expect(texts(replies)[0]).to.equal('Checking your file…');
      expect(calls).to.deep.equal([{ url: 'https://files.example.test/a', maxBytes: testSettings.attachmentMaxBytes }]);
      const text = allText(replies);
      expect(text).to.include('I checked its name and its contents: **IMG_0412.jpg** is an iPhone photo (HEIC).');
      expect(text).to.include('but the file is really an iPhone photo (HEIC)');
      expect(text).to.include('"Most Compatible"');
    });

    it('checks a file attached in reply to the question (a Word file renamed .pdf)', async () => {
      const { client } = uploadClient({ ok: true, bytes: await makeDocx() });
      await client.send('hi');
      const text = allText(await client.send(withFile('letter.pdf')));
      expect(text).to.include('is a Word document');
      expect(text).to.include('The name ends in .pdf, but the file is really a Word document.');
    });

    it('a valid PDF attachment looks fine', async () => {
      const { client } = uploadClient({ ok: true, bytes: makePdf() });
      await client.send('hi');
      const text = allText(await client.send(withFile('card.pdf')));
      expect(text).to.include('**card.pdf** is a PDF document.');
      expect(text).to.include('It looks fine');
    });

    it('an empty attachment', async () => {
      const { client } = uploadClient({ ok: true, bytes: new Uint8Array(0) });
      await client.send('hi');
      expect(allText(await client.send(withFile('card.pdf')))).to.include('The file is empty (0 bytes)');
    });

    it('uses the pre-authorised download link of a Teams file upload', async () => {
      const teamsFile = {
        name: 'card.pdf',
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        contentUrl: 'https://tenant.sharepoint.example/card.pdf',
        content: { downloadUrl: 'https://tenant.sharepoint.example/download?token=t', fileType: 'pdf' },
      };
      const { client, calls } = uploadClient({ ok: true, bytes: makePdf() }, { attachments: [{ contentType: 'text/html', contentUrl: 'https://x/y' }, teamsFile] });
      await client.send('file');
      expect(calls.map((c) => c.url)).to.deep.equal(['https://tenant.sharepoint.example/download?token=t']);
    });

    const failures: Array<[FetchedAttachment, string]> = [
      [{ ok: false, reason: 'too-large' }, "That file is larger than 10 MB, so I can't check it here."],
      [{ ok: false, reason: 'timeout' }, 'Downloading your file took too long'],
      [{ ok: false, reason: 'refused' }, "I'm not able to open files from that location"],
      [{ ok: false, reason: 'failed' }, "I couldn't download your file"],
    ];
    for (const [result, message] of failures) {
      it(`a "${result.ok ? '' : result.reason}" download is explained, then the name is checked`, async () => {
        const { client } = uploadClient(result);
        await client.send('hi');
        const text = allText(await client.send(withFile('IMG_0412.HEIC')));
        expect(text).to.include(message);
        expect(text).to.include('I checked its name instead.');
        expect(text).to.include('I checked its name: **IMG_0412.HEIC**');
        expect(text).to.include('"Most Compatible"');
      });
    }

    it('never stores the file: not in dialog state, not in the logs', async () => {
      const memory: Record<string, unknown> = {};
      const state = new ConversationState(new MemoryStorage(memory as { [k: string]: string }));
      const marker = 'PATIENT-FILE-CONTENT-7f3a';
      const bytes = Buffer.from(`${marker}\n`);
      const { log, lines } = recordingLog();
      const { client } = uploadClient({ ok: true, bytes }, { attachments: [attachment('Jane Doe 04-15-2003.txt')] }, log, state);
      const replies = await client.send('check this');
      expect(allText(replies)).to.include('is a plain text file');
      const stored = JSON.stringify(memory);
      expect(stored).to.include('uploadDiagnosisDialog');
      expect(stored).to.not.include(marker);
      expect(stored).to.not.include(bytes.toString('base64'));
      expect(stored).to.not.include('04-15-2003');
      expect(lines.join('\n')).to.not.match(/Jane|04-15-2003|PATIENT-FILE/);
      expect(lines.map((l) => JSON.parse(l).obj.event)).to.include('upload-diagnosis');
    });
  });

  describe('the end', () => {
    it('a tip that works ends with done', async () => {
      const { client } = uploadClient();
      await client.send('hi');
      await client.send('card.pdf');
      const replies = await client.send(IT_WORKED);
      expect(allText(replies)).to.include("glad the upload worked");
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: UPLOAD_DIAGNOSIS_DIALOG });
    });

    it('still failing after every tip: the help-desk offer carries the diagnosis', async () => {
      const { client } = uploadClient({ ok: true, bytes: makeHeic() }, { attachments: [attachment('IMG 0412 04-15-2003.jpg')] });
      await client.send('here');
      const second = await client.send(STILL_FAILING);
      expect(allText(second)).to.include(`**Tip 2 of 3:** ${BROWSER_TIP}`);
      const third = await client.send("didn't work");
      expect(allText(third)).to.include(`**Tip 3 of 3:** ${DEVICE_TIP}`);
      const offer = await client.send('no');
      expect(allText(offer)).to.include("I'm sorry it still isn't working");
      expect(allText(offer)).to.include('the check results, not your file');
      expect(allText(offer)).to.include('pass this to the UHS help desk');
      await client.send('yes');
      const outcome = client.outcome();
      expect(outcome).to.deep.include({ outcome: 'handoff', dialog: UPLOAD_DIAGNOSIS_DIALOG, reason: 'still-failing' });
      if (outcome.outcome !== 'handoff') throw new Error('expected a handoff');
      const diagnosis = outcome.diagnostics?.upload as Diagnosis;
      expect(outcome.diagnostics?.tipsTried).to.equal(3);
      expect(diagnosis.checked).to.equal('content');
      expect(diagnosis.detectedType?.ext).to.equal('heic');
      expect(diagnosis.problems.map((p) => p.code)).to.deep.equal(['type-mismatch']);
      expect(diagnosis.fileName).to.equal('IMG 0412 [date redacted].jpg');
      expect(JSON.stringify(outcome)).to.not.include('04-15-2003');
    });

    it('declining the offer ends with done and the help desk address', async () => {
      const { client } = uploadClient();
      await sendAll(client, ['hi', 'card.pdf', STILL_FAILING]);
      const offer = await client.send(STILL_FAILING);
      expect(allText(offer)).to.include('pass this to the UHS help desk');
      const replies = await client.send('no');
      expect(allText(replies)).to.include(testSettings.helpdeskEmail);
      expect(client.outcome()).to.deep.equal({ outcome: 'done', dialog: UPLOAD_DIAGNOSIS_DIALOG });
    });

    it('a download failure is carried into the handoff', async () => {
      const { client } = uploadClient({ ok: false, reason: 'too-large' }, { attachments: [attachment('scan.pdf')] });
      await sendAll(client, ['here', STILL_FAILING, STILL_FAILING]);
      await client.send('yes');
      const outcome = client.outcome();
      expect(outcome).to.deep.include({ outcome: 'handoff', reason: 'still-failing' });
      expect(outcome.outcome === 'handoff' && outcome.diagnostics?.fetch).to.equal('too-large');
    });

    it('the re-prompt limit during the tips hands off with the diagnosis', async () => {
      const { client } = uploadClient();
      await sendAll(client, ['hi', 'card.docx']);
      const retry = await client.send('banana');
      expect(allText(retry)).to.include("Sorry, I didn't catch that. Please choose one of the buttons, or tell me in other words.");
      expect(buttonsOf(retry)).to.deep.equal([IT_WORKED, STILL_FAILING, TALK_TO_HELPDESK]);
      await sendAll(client, ['banana', 'banana']);
      const outcome = client.outcome();
      expect(outcome).to.deep.include({ outcome: 'handoff', reason: 'reprompt-limit' });
      if (outcome.outcome !== 'handoff') throw new Error('expected a handoff');
      expect(outcome.diagnostics?.prompt).to.equal('tips');
      expect((outcome.diagnostics?.upload as Diagnosis).conversion?.to).to.equal('pdf');
    });
  });
});
