import crypto from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { DNSResolver } from 'mailauth';

/**
 * The DNS of a test mail domain (`umass.edu`) for the inbound listener's SPF/DKIM/DMARC checks,
 * served by a resolver function the listener takes instead of the system's (no real DNS in
 * tests). The domain publishes a DKIM key, an SPF record that does NOT include 127.0.0.1 (so
 * mail from the test machine passes only when DKIM-signed), and `p=reject`.
 */

/** The signing domain and selector of the test zone. */
export const DKIM_DOMAIN = 'umass.edu';
export const DKIM_SELECTOR = 'mail';

/** A reply secret for tests (INBOUND_REPLY_SECRET). */
export const TEST_REPLY_SECRET = 'test-reply-secret-0123456789abcdef0123456789';

const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
/** The private key the help desk's mail server signs with. */
export const DKIM_PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const zone: Record<string, Record<string, string[][]>> = {
  [DKIM_DOMAIN]: { TXT: [['v=spf1 ip4:192.0.2.10 -all']] },
  [`_dmarc.${DKIM_DOMAIN}`]: { TXT: [['v=DMARC1; p=reject']] },
  [`${DKIM_SELECTOR}._domainkey.${DKIM_DOMAIN}`]: { TXT: [[`v=DKIM1; k=rsa; p=${publicKey}`]] },
};

/** Answers from the zone above; anything else does not exist, as DNS would say. */
export const testDnsResolver: DNSResolver = async (name, rrtype) => {
  const records = zone[name.toLowerCase().replace(/\.$/, '')]?.[rrtype.toUpperCase()];
  if (records) return records;
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
};

/** Sends `message` to the listener on `port`, DKIM-signed for umass.edu unless `sign` is false; resolves with the SMTP error or null. */
export async function sendReply(port: number, message: SendMailOptions, sign = true): Promise<(Error & { responseCode?: number }) | null> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    ...(sign ? { dkim: { domainName: DKIM_DOMAIN, keySelector: DKIM_SELECTOR, privateKey: DKIM_PRIVATE_KEY } } : {}),
  });
  try {
    await transport.sendMail(message);
    return null;
  } catch (err) {
    return err as Error & { responseCode?: number };
  } finally {
    transport.close();
  }
}
