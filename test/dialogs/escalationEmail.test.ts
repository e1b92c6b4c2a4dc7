import { expect } from 'chai';
import type { CaseRecord } from '../../dialogs/ports';
import { CASE_HEADER, composeEscalationEmail, escapeHtml, flattenDiagnostics, type EscalationEmailSettings } from '../../dialogs/cases/escalationEmail';
import { newCaseRecord, redactDiagnostics } from '../../dialogs/cases/caseRecords';

const settings: EscalationEmailSettings = { helpdeskEmail: 'uhsportalhelp@umass.edu', inboundAddress: null, businessTimezone: 'America/New_York' };

function aCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  const base = newCaseRecord(
    {
      topic: 'Upload problem',
      intent: 'upload-problem',
      summary: 'My upload fails, born 04/12/2001',
      replyEmail: 'jdoe@umass.edu',
      transcriptConsent: true,
      diagnostics: { trigger: 'still-failing', failedDialog: 'uploadDiagnosisDialog', lastAnswers: ['upload-problem'], upload: { fileType: 'image/heic', sizeBytes: 123 } },
      transcript: [
        { from: 'user', text: 'my DOB is 04/12/2001 <script>alert(1)</script>', at: '2026-11-24T15:00:00.000Z' },
        { from: 'bot', text: 'Accepted file types are listed here.', at: '2026-11-24T15:00:05.000Z' },
      ],
      conversationReference: { conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' } },
    },
    'UHS-7K3Q9D',
    new Date('2026-11-24T15:01:00Z'),
  );
  return { ...base, ...overrides };
}

describe('escalation email', () => {
  it('goes to the help desk with the case number and topic in the subject and the case header', () => {
    const mail = composeEscalationEmail(aCase(), settings);
    expect(mail.to).to.equal('uhsportalhelp@umass.edu');
    expect(mail.subject).to.equal('[UHS-7K3Q9D] Upload problem — portal help request');
    expect(mail.headers?.[CASE_HEADER]).to.equal('UHS-7K3Q9D');
  });

  it('carries summary, readable diagnostics and the transcript in text and HTML, with no date of birth', () => {
    const mail = composeEscalationEmail(aCase(), settings);
    for (const body of [mail.text, mail.html ?? '']) {
      expect(body).to.include('UHS-7K3Q9D');
      expect(body).to.include('My upload fails');
      expect(body).to.include('uploadDiagnosisDialog');
      expect(body).to.include('image/heic');
      expect(body).to.include('Accepted file types are listed here.');
      expect(body).to.include('It still fails after the troubleshooting steps.');
      expect(body).not.to.include('04/12/2001');
      expect(body).to.include('[date redacted]');
    }
    expect(mail.text).to.include('Upload › File type: image/heic');
    expect(mail.text).to.include('Last answers shown: upload-problem');
    expect(mail.text).to.match(/\[10:00 AM\] Patient: my DOB is \[date redacted\]/);
  });

  it('escapes HTML from the chat', () => {
    const html = composeEscalationEmail(aCase(), settings).html ?? '';
    expect(html).not.to.include('<script>');
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`<a href="x">'&'</a>`)).to.equal('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('says so instead of the transcript without consent', () => {
    const mail = composeEscalationEmail(aCase({ transcriptConsent: false, transcript: [] }), settings);
    expect(mail.text).to.include('The patient did not agree to include the conversation.');
    expect(mail.text).not.to.include('Accepted file types');
  });

  describe('Reply-To', () => {
    it('is the patient when they gave an address', () => {
      const mail = composeEscalationEmail(aCase(), settings);
      expect(mail.replyTo).to.equal('jdoe@umass.edu');
      expect(mail.text).to.include("your answer goes to the patient's email");
    });

    it('is the patient and the case address when inbound mail is on', () => {
      const mail = composeEscalationEmail(aCase(), { ...settings, inboundAddress: 'case+{id}@uhsbot.umass.edu' });
      expect(mail.replyTo).to.deep.equal(['jdoe@umass.edu', 'case+UHS-7K3Q9D@uhsbot.umass.edu']);
      expect(mail.text).to.include('also appears in their chat');
    });

    it('is the case address alone without a patient address', () => {
      const mail = composeEscalationEmail(aCase({ replyEmail: null }), { ...settings, inboundAddress: 'case+{id}@uhsbot.umass.edu' });
      expect(mail.replyTo).to.equal('case+UHS-7K3Q9D@uhsbot.umass.edu');
    });

    it('is absent with neither, and the body says how the patient can be reached', () => {
      const mail = composeEscalationEmail(aCase({ replyEmail: null }), settings);
      expect(mail).not.to.have.property('replyTo');
      expect(mail.text).to.include('They were given the case number UHS-7K3Q9D');
    });
  });

  it('keeps header injection out of the subject', () => {
    const mail = composeEscalationEmail(aCase({ topic: 'Upload\r\nBcc: evil@example.com' }), settings);
    expect(mail.subject).to.equal('[UHS-7K3Q9D] Upload Bcc: evil@example.com — portal help request');
  });
});

describe('diagnostics helpers', () => {
  it('redact dates at any depth and drop date-of-birth keys', () => {
    const out = redactDiagnostics({ dob: '04/12/2001', nested: { dateOfBirth: 'x', note: 'born 2001-04-12', list: ['ssn 123-45-6789'] }, count: 3 });
    expect(out).to.deep.equal({ nested: { note: 'born [date redacted]', list: ['ssn [number redacted]'] }, count: 3 });
  });

  it('flatten nested diagnostics into labelled lines, skipping empty values', () => {
    expect(flattenDiagnostics({ fileType: 'pdf', empty: '', none: null, upload: { last_error: 'too big' }, tries: [1, 2] })).to.deep.equal([
      ['File type', 'pdf'],
      ['Upload › Last error', 'too big'],
      ['Tries', '1, 2'],
    ]);
  });
});
