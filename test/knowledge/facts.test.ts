import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../knowledge/projectRoot';
import { knowledge } from './helpers';
import { loadKnowledge } from '../../knowledge/loader';
import { FLOW_FACTS, HELPDESK_EMAIL_PLACEHOLDER, withHelpdeskEmail } from '../../knowledge/flowFacts';

/**
 * Every answer must carry the seed FAQ's facts exactly. Each fact below is checked twice: it
 * is in the seed (so the test itself quotes the FAQ, not a paraphrase) and in the answer.
 */

/** The seed FAQ (`../shared/seed/…`), from its copy in `test/fixtures/`. */
const SEED = path.join(projectRoot(), 'test', 'fixtures', 'seed', '000_c32a69e188b974f7.txt');
/** Quotes of other UHS pages (the live FAQ page, billing, insurance, immunizations) that answers may cite. */
const UHS_PAGES = path.join(projectRoot(), 'test', 'knowledge', 'fixtures', 'uhs-pages.md');

/** Text for comparison: straight quotes, no Markdown bold, single spaces. */
function plain(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ');
}

/**
 * A flow text or the seed for comparing flow texts: {@link plain}, with the punctuation the FAQ
 * puts inside a closing quote (`click “Appts,” then`) left out, since a step the dialog lists
 * ends at the quote; and the FAQ's one misspelling as the chat writes it.
 */
function flowQuote(text: string): string {
  return plain(text).replace(/[.,]"/g, '"').replace(/\bverses the "submit" button/g, 'versus the "submit" button');
}

/** Every text of one flow fact (a list's items, an entry as `label: text`), named for messages. */
function flowTexts(key: string, value: unknown): Array<{ key: string; text: string }> {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => flowTexts(`${key}[${i}]`, item));
  const { label, text } = value as { label: string; text: string };
  return [{ key, text: `${label}: ${text}` }];
}

const HELPDESK = 'uhsportalhelp@umass.edu';
const PORTAL = 'https://umass.medicatconnect.com';
const LOGIN_PAGE = 'https://umass.medicatconnect.com/login.aspx';
const AUTORESPONSE = 'MedicatAutoResponse@medicat.com';
const CHROME = 'Try a different browser. Chrome seems to be the most successful.';
const PC = 'If you are using a cell phone, try a PC and vice versa.';

/** The seed's facts per intent: FAQ 1 to 14, then the portal address, COVID-19 testing and other portals. */
const FACTS: Record<string, string[]> = {
  // FAQ 1
  'register-not-active': [
    "Username: Recommended to use the patient's UMass NetID",
    'Date of Birth: MM/DD/YYYY',
    'Email Address: The email address must match what we have in our database.',
    'The email address seems to be the most popular reason why accounts are not recognized.',
    HELPDESK,
  ],
  // FAQ 2
  'no-password-email': [
    'Please check your spam/junk folder.',
    'The email should come from noreply@medicat.com.',
    '"Forgot Password" link found in the lower right corner of the Login page',
    LOGIN_PAGE,
    'enter your email address that we have on file for you',
    `This email will come from ${AUTORESPONSE}.`,
    HELPDESK,
  ],
  // FAQ 3
  'username-taken': [
    'they have already created an account and either didn',
    '"Forgot Password" link',
    'Typically this would be your UMass email address if you are a student or employee.',
    'then that means you had already successfully registered',
    AUTORESPONSE,
    'it will also include the username that was originally created',
    'you do not have an existing account and one needs to be created',
  ],
  // FAQ 4
  'password-reset-problem': ['A frequent problem relates to the use of the "submit" button.', 'enter or return key', HELPDESK],
  // FAQ 5
  'login-spinning': [
    "error message of 'invalid password'",
    "'Login' button",
    'your username and password from this screen',
    "'Forgot Password' link",
    AUTORESPONSE,
    "Check your spam folder if you can't find it.",
  ],
  // FAQ 6
  'upload-problem': [
    'Only images (.gif, .png, .tiff, .tif, .jpg, .jpeg) and documents (.txt, .pdf) are allowed!',
    ...['.gif', '.png', '.tiff', '.tif', '.jpg', '.jpeg', '.txt', '.pdf'],
    'Please convert your document to one of these file types',
    CHROME,
    PC,
    'Shorten the length of the document and remove any special characters (i.e.) * % &',
    HELPDESK,
  ],
  // FAQ 7
  'immunization-entry': [
    CHROME,
    PC,
    'Try entering each immunization requirement and click "submit."',
    'New Student Immunization Program will accept faxes',
    'nsip@uhs.umass.edu',
    '(413) 577-5275',
    '(413) 577-3252',
    'Fax: (413) 577-3252',
  ],
  // FAQ 8
  'minor-child-account': [
    'Patient Portal accounts must contain a unique email address.',
    'Due to HIPAA regulations and patient confidentiality policies, these accounts cannot be created at this time.',
  ],
  // FAQ 9
  'immunization-records-copy': [
    'have submitted all of your immunizations to UHS',
    'Login to your account and click the "Immunization" tab.',
    'Scroll down to the green button that says "Print."',
    'This will generate a PDF of your immunization records',
  ],
  // FAQ 10
  'medical-records-copy': [
    'Login to your account and click the "Forms" tab.',
    'Under Section A: UHS Forms, click "Release of Information UHS."',
    'Complete and submit the Release of Information form.',
    'Allow at least 10 business days for your request to be fulfilled.',
    'There is no cost to send copies of medical records directly to a non-UHS healthcare provider.',
    "If copies are for a patient's personal use, for an insurance company or for legal purposes, a fee may be charged.",
  ],
  // FAQ 11
  'covid-vaccine-record': [
    'staff cannot upload records on the portal at this time',
    'You must complete steps on BOTH the "Immunization" AND "Upload" pages of the portal for us to verify your record.',
    '"COVID-19 Vaccines."',
    'enter the date(s) you received your vaccine',
    '"COVID-19 Boosters."',
    '"Uploads" page',
    '"Documents Available to be Uploaded,"',
    'A - REQUIRED IMMUNIZATIONS FORM',
    'Upload a photo of the vaccine card that you were given by the health care provider who administered the immunization',
  ],
  // FAQ 12
  'allergy-appointment': [
    'To schedule your first appointment, call 413-577-5169.',
    '413-577-5101 for scheduling',
    '"Appts,"',
    'from the Clinic menu select "UHS Nursing,"',
    'for Reason select "Allergy Serum Injection."',
  ],
  // FAQ 13
  'sti-testing': [
    'self-schedule an appointment with a nurse for STI testing',
    'no symptoms and no known exposure to an STI positive or symptomatic partner',
    'follow instructions at the top of the page to self-schedule',
    'call 413-577-5101 to schedule an appointment with a UHS provider',
    "For an appointment in Women's Health Clinic, call 413-577-6511.",
  ],
  // FAQ 14
  'personal-info-update': [
    'The UMass Patient Portal pulls information from SPIRE',
    'UHS Patient Services at 413-577-5192',
    'spire.umass.edu',
    'Click Main Menu, then click My Personal Information',
    'click "Addresses."',
    'the one listed under "Mail" in SPIRE',
    'click "Phone Numbers."',
    'The number designated as "Preferred"',
    'click "Names."',
    'Preferred/Chosen Name',
    'in parentheses next to your legal name',
    'may take up to 24 hours to appear in the UMass Patient Portal',
  ],
  'portal-login-sso': [
    'umass.medicatconnect.com',
    PORTAL,
    'NetID and password',
    'choose "I have a UMass NetID" to proceed to the NetID Single Sign On process',
    'Hampshire College',
    'will need to create an account, or log in with their existing credentials',
  ],
  'covid-testing': ['For information on COVID-19 testing and getting your test results, visit', 'umass.edu/uhs/covid-19-testing'],
  'other-portal-help': ['If you need help navigating the Campus Health Hub or the UMass Lab Services Portal, please email', 'covidinfo@umass.edu'],
  'human-handoff': [HELPDESK],
};

describe('knowledge facts (answers quote the seed FAQ exactly)', () => {
  const seed = plain(fs.readFileSync(SEED, 'utf8'));
  const kb = knowledge();

  for (const [id, facts] of Object.entries(FACTS)) {
    it(`${id} carries the seed's facts`, () => {
      const entry = kb.get(id);
      expect(entry, id).to.not.equal(undefined);
      const answer = plain(entry?.answer ?? '');
      for (const fact of facts) {
        expect(seed, `fact not in the seed: ${fact}`).to.include(fact);
        expect(answer, `${id} is missing: ${fact}`).to.include(fact);
      }
    });
  }

  it('the FAQ entries use the seed FAQ questions as their titles', () => {
    const faqIds = Object.keys(FACTS).slice(0, 14);
    for (const id of faqIds) {
      const question = plain(kb.get(id)?.question ?? '');
      expect(seed, id).to.include(question.replace(/ \(Students Only\)$/, ''));
    }
  });

  it('the emergency answer sends to 911 and 988 and says the chat is not monitored', () => {
    const answer = plain(kb.get('emergency')?.answer ?? '');
    expect(answer).to.match(/call 911 now/);
    expect(answer).to.include('nearest emergency room');
    expect(answer).to.include('call or text 988');
    expect(answer).to.include('Suicide & Crisis Lifeline');
    expect(answer).to.include('not monitored for emergencies');
  });

  it('the smalltalk answer says what the bot can help with and how to reach a person', () => {
    const answer = plain(kb.get('smalltalk')?.answer ?? '');
    for (const topic of ['NetID', 'password', 'uploading', 'immunization', 'medical records', 'STI testing', HELPDESK]) {
      expect(answer).to.include(topic);
    }
  });

  it('the live FAQ page\'s answers quote it exactly and name it as their source', () => {
    const pages = plain(fs.readFileSync(UHS_PAGES, 'utf8'));
    const quotes: Record<string, string[]> = {
      'wrong-clinic': ['You are probably in the wrong clinic.', 'click the name of the clinic you are currently in to return to the portal main menu and select a different clinic.'],
      'secure-messages': ['Please keep secure messages as brief as possible. If your question or concern is complex, make an appointment to discuss it instead. Secure messages are part of your permanent medical record.'],
      'immunization-program-message': ['Please send a secure message to the Student Immunization Program by logging into the portal and going to Action Items > Messages (envelope icon).'],
    };
    for (const [id, facts] of Object.entries(quotes)) {
      const entry = kb.get(id);
      const answer = plain(entry?.answer ?? '');
      for (const fact of facts) {
        expect(pages, `not on the page: ${fact}`).to.include(fact);
        expect(answer, `${id} is missing: ${fact}`).to.include(fact);
      }
      expect(answer, id).to.include('umass.edu/uhs/umass-patient-portal');
    }
  });

  it('answers and out-of-scope topics invent no contact details: every e-mail, phone number and URL is from the seed or a cited UHS page', () => {
    const pages = plain(fs.readFileSync(UHS_PAGES, 'utf8'));
    const sources = `${seed}\n${pages}`;
    // 911 / 988 and the Lifeline's site are the emergency entry's, not the FAQ's.
    const allowed = ['911', '988', 'https://988lifeline.org'];
    for (const entry of [...kb.entries.values(), ...kb.outOfScope.values()]) {
      const text = `${entry.answer}\n${entry.links.map((l) => l.url).join('\n')}`;
      const emails = text.match(/[\w.+-]+@[\w.-]+\.[a-z]+/gi) ?? [];
      const phones = text.match(/\(?\d{3}\)?[ -]\d{3}-\d{4}/g) ?? [];
      const urls = (text.match(/https?:\/\/[^\s)\]]+/g) ?? []).map((u) => u.replace(/^https?:\/\/(www\.)?/, ''));
      for (const fact of [...emails, ...phones, ...urls]) {
        if (allowed.some((a) => a.endsWith(fact))) continue;
        expect(sources, `${entry.id}: ${fact}`).to.include(fact);
      }
      for (const link of entry.links) {
        if (!link.url.startsWith('tel:')) continue;
        const digits = link.url.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
        if (allowed.includes(digits)) continue;
        const formatted = `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
        const parenthesised = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
        expect(sources.includes(formatted) || sources.includes(parenthesised), `${entry.id}: ${link.url}`).to.equal(true);
      }
    }
  });

  it('the flow facts the dialogs quote (knowledge/flowFacts.yaml) are the seed FAQ\'s words exactly', () => {
    const quoted = flowQuote(seed);
    const texts = Object.entries(FLOW_FACTS).flatMap(([key, value]) => flowTexts(key, value));
    expect(texts.length, 'flow texts').to.be.greaterThan(50);
    for (const { key, text } of texts) {
      expect(text, key).to.not.match(/\{(?!helpdeskEmail\})\w+\}/);
      // A quote may start or continue a sentence (first letter in either case), and a list item or lead-in may end
      // without the FAQ's full stop or with a colon that introduces what the dialog lists.
      const value = flowQuote(withHelpdeskEmail(text, HELPDESK)).replace(/[.:]$/, '');
      const starts = [value.charAt(0).toLowerCase(), value.charAt(0).toUpperCase()];
      expect(starts.some((first) => quoted.includes(first + value.slice(1))), `${key}: ${value}`).to.equal(true);
    }
    expect(FLOW_FACTS.helpdeskEmail).to.equal(HELPDESK);
  });

  it('flow texts name the help desk only as {helpdeskEmail}, filled with the configured address', () => {
    const texts = Object.entries(FLOW_FACTS).flatMap(([key, value]) => (key === 'helpdeskEmail' ? [] : flowTexts(key, value)));
    expect(texts.filter(({ text }) => text.includes(HELPDESK)).map(({ key }) => key)).to.deep.equal([]);
    expect(texts.filter(({ text }) => text.includes(HELPDESK_EMAIL_PLACEHOLDER)).length).to.be.greaterThan(2);
  });

  it('entries name the help desk only as {helpdeskEmail}, filled with the configured address', () => {
    const files = fs.readdirSync(path.join(projectRoot(), 'knowledge', 'entries')).filter((f) => f.endsWith('.yaml'));
    const placeholders = files.filter((f) => fs.readFileSync(path.join(projectRoot(), 'knowledge', 'entries', f), 'utf8').includes(HELPDESK_EMAIL_PLACEHOLDER));
    expect(placeholders.length, 'entries that give the address').to.be.greaterThan(5);
    const configured = loadKnowledge(undefined, { helpdeskEmail: 'portal-help@example.edu' });
    for (const entry of configured.entries.values()) {
      const shown = `${entry.answer}\n${entry.links.map((l) => `${l.title} ${l.url}`).join('\n')}`;
      expect(shown, entry.id).to.not.include(HELPDESK).and.not.include(HELPDESK_EMAIL_PLACEHOLDER);
    }
    expect(configured.get('human-handoff')?.answer).to.include('portal-help@example.edu');
  });
});
