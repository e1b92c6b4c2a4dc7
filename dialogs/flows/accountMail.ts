import type { DirectoryRecord, OutgoingMail } from '../ports';
import { FLOW_FACTS, withHelpdeskEmail } from '../../knowledge/flowFacts';

/**
 * The emails of the account-status and password-reset dialogs, and the portal facts they
 * quote. Facts are copied exactly from the UHS portal FAQ (shared/seed). The mails go only to
 * the address on file, so they may name the username; the chat never does.
 */

/** The portal's home page. */
export const PORTAL_URL = FLOW_FACTS.portalUrl;
/** The Login page, whose lower right corner holds the "Forgot Password" link. */
export const LOGIN_URL = FLOW_FACTS.loginUrl;
/** Sender of the portal's "create your password" email after registering. */
export const PORTAL_REGISTRATION_SENDER = FLOW_FACTS.registrationSender;
/** Sender of the portal's "Forgot Password" email. */
export const PORTAL_RESET_SENDER = FLOW_FACTS.resetSender;

/** The FAQ's three registration entries (FAQ 1), as label and exact text. */
export const REGISTRATION_ENTRIES: ReadonlyArray<{ label: string; text: string }> = FLOW_FACTS.registrationEntries;
/** The entry that asks for the email address on file (the mail adds the address it went to). */
const EMAIL_ENTRY = FLOW_FACTS.registrationEntries[2];

/** FAQ: how UMass users log in (NetID Single Sign On). */
export const NETID_SSO_TEXT = FLOW_FACTS.netidSso;

/** FAQ: who creates an account instead. */
export const NO_NETID_TEXT = FLOW_FACTS.noNetid;

/** FAQ 2: how to use the Forgot Password link. */
export const FORGOT_PASSWORD_TEXT = `${FLOW_FACTS.forgotPassword} ${FLOW_FACTS.checkSpamToo}`;

/** FAQ 4: the Submit button tip. */
export const SUBMIT_BUTTON_TEXT = `When you set the new password, click the "Submit" button rather than pressing the Enter or Return key: ${FLOW_FACTS.submitVersusEnter}`;

/** Why the mail was sent, which sets its subject and first sentence. */
export type AccountMailPurpose = 'account-check' | 'password-reset';

/** A paragraph, or a numbered or bulleted list: enough structure for plain text and HTML alike. */
type Block = { p: string } | { ol: string[] } | { ul: string[] };

function renderText(blocks: Block[]): string {
  return blocks
    .map((b) => ('p' in b ? b.p : 'ol' in b ? b.ol.map((item, i) => `  ${i + 1}. ${item}`).join('\n') : b.ul.map((item) => `  - ${item}`).join('\n')))
    .join('\n\n')
    .concat('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes, then turns URLs and email addresses into links, so a patient can click them. */
function inlineHtml(text: string): string {
  return escapeHtml(text)
    .replace(/https:\/\/[^\s<&]+[^\s<&.,;:)]/g, (url) => `<a href="${url}">${url}</a>`)
    .replace(/(?<![\w.+/-])([A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g, '<a href="mailto:$1">$1</a>');
}

function renderHtml(blocks: Block[]): string {
  const body = blocks
    .map((b) => ('p' in b ? `<p>${inlineHtml(b.p)}</p>` : 'ol' in b ? `<ol>${b.ol.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ol>` : `<ul>${b.ul.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`))
    .join('\n');
  return `<!doctype html>\n<html><body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5;">\n${body}\n</body></html>\n`;
}

function loginBlocks(record: DirectoryRecord): Block[] {
  return record.affiliation === 'umass' ? [{ p: NETID_SSO_TEXT }] : [{ p: `${NO_NETID_TEXT} The portal is at ${PORTAL_URL}.` }];
}

/**
 * The result mail for `record`, sent to the address on file:
 * - with a portal username: "you already have an account", the username and how to reset the password;
 * - without one: "you can register", the exact three entries and the portal link.
 * `helpdeskEmail` is the help desk's address (HELPDESK_EMAIL).
 */
export function accountResultMail(record: DirectoryRecord, purpose: AccountMailPurpose, helpdeskEmail: string): OutgoingMail {
  const asked =
    purpose === 'password-reset'
      ? 'You asked the UHS Portal Help chat for help resetting your UMass Patient Portal password.'
      : 'You asked the UHS Portal Help chat whether you already have a UMass Patient Portal account.';
  const footer: Block[] = [
    { p: `${withHelpdeskEmail(FLOW_FACTS.continueIssues, helpdeskEmail)}.` },
    { p: 'You received this email because someone asked about the portal account for this address. If it was not you, you can ignore it: nothing has been changed. This mailbox is not monitored, so please do not reply.' },
    { p: 'University Health Services, UMass Amherst' },
  ];
  const blocks: Block[] = record.portalUsername
    ? [
        { p: 'Hello,' },
        { p: asked },
        { p: `You already have a portal account. Your username is: ${record.portalUsername}` },
        ...loginBlocks(record),
        { p: 'To reset your password:' },
        { ul: [FORGOT_PASSWORD_TEXT, SUBMIT_BUTTON_TEXT] },
        ...footer,
      ]
    : [
        { p: 'Hello,' },
        { p: asked },
        { p: `You do not have a portal account yet, so you can register now at ${PORTAL_URL}.` },
        ...loginBlocks(record),
        { p: FLOW_FACTS.registrationIntro },
        { ol: REGISTRATION_ENTRIES.map((e) => (e === EMAIL_ENTRY ? `${e.label}: ${e.text} Use this address: ${record.email}` : `${e.label}: ${e.text}`)) },
        { p: `After you register, the email to create your password comes from ${PORTAL_REGISTRATION_SENDER}. ${FLOW_FACTS.checkSpamJunk}` },
        ...footer,
      ];
  const subject = record.portalUsername
    ? purpose === 'password-reset'
      ? 'Your UMass Patient Portal username and password reset'
      : 'Your UMass Patient Portal account'
    : 'You can register for the UMass Patient Portal';
  return {
    to: record.email,
    subject,
    text: renderText(blocks),
    html: renderHtml(blocks),
    // Marks the mail as automatic (RFC 3834) so that auto-responders don't answer it.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
