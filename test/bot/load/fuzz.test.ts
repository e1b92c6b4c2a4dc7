import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { startTestApp, texts, type TestApp } from '../../support/app';
import { DirectLineTestClient, type TestSession } from '../../support/directLineClient';
import { CHECK_ACCOUNT, faq, RESET_PASSWORD } from '../../support/flows';

/**
 * Hostile input, property-based (fast-check): random and malformed activities at
 * `/api/messages` and requests at the local Direct Line routes. One server serves every case.
 * Whatever arrives: no 5xx, the server keeps answering, memory stays bounded, and an
 * attachment URL pointing at this machine or a private network is refused and never fetched.
 */

/** Cases per property; at least 2,000 at /api/messages (issue 8). */
const MESSAGE_RUNS = 2000;
const DIRECTLINE_RUNS = 1000;
/** Heap growth allowed over the whole run after a full GC: what the bot keeps of ~3,000 conversations (memory state, Direct Line streams) with room to spare; a leak of one body per case (up to 256 KB) would blow it. */
const HEAP_GROWTH_BOUND = 96 * 1024 * 1024;
/** RSS growth allowed: the heap bound plus the allocator and GC-thread pages that large bodies leave behind. */
const RSS_GROWTH_BOUND = 320 * 1024 * 1024;

/** Full garbage collection without starting mocha with --expose-gc. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Strings that have broken text handling somewhere: lone surrogates, direction marks, zero-width, ZWJ emoji, combining marks, NUL, format strings. */
const NASTY = ['\uD800', '\uDFFF', '\uDBFF\uDBFF', '\u202E', '\u200F', '\u200B', '\u200D', '\uFEFF', '\u0000', '\u0085', '\u2028', '👩‍⚕️', '🏳️‍🌈', 'ﷺ', 'Z̤͔ͧ̑̓ä͖̭̈̇', 'מה שלום', 'مرحبا', '\r\n', '%s%n', '${x}', '<script>alert(1)</script>', '{{7*7}}', '__proto__', 'constructor'];
/** Words that steer the bot into its dialogs, so the fuzz reaches them too. */
const STEERING = [RESET_PASSWORD, CHECK_ACCOUNT, 'talk to a person', 'upload', 'Yes', 'No', 'skip', 'cancel', 'help', '01/02/2000', 'a@b.co', 'jane.doe@umass.edu', '911'];

/** Longest text the server accepts in an activity, in code points (zod counts those). */
const MAX_TEXT = 20000;
/** `unit` repeated to exactly `length` UTF-16 code units (it may cut an emoji in half: good). */
const repeatTo = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...NASTY, ...STEERING, ' '), { maxLength: 20 }).map((parts) => parts.join('')) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }) },
  // Huge texts, up to the 20,000 characters the server accepts (longer ones: see `malformed`).
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2000, max: MAX_TEXT }), fc.constantFrom('reset my password ', 'é', '👩‍⚕️', 'x')).map(([n, unit]) => repeatTo(unit, n)) },
);

/** Nested arrays and objects `depth` levels deep, as raw JSON text. */
const deepJson = (depth: number, open: string, close: string) => `${open.repeat(depth)}${close.repeat(depth)}`;

/** A port nobody should ever connect to: a canary that counts the requests it gets. */
let canaryPort = 0;
/** contentUrls a user might send to make the bot fetch from this machine, a private network or a cloud metadata service. */
const ssrfUrls = () => [
  `http://127.0.0.1:${canaryPort}/card.png`,
  `http://localhost:${canaryPort}/card.png`,
  `http://[::1]:${canaryPort}/card.png`,
  `http://127.1:${canaryPort}/card.png`,
  `http://0x7f.0.0.1:${canaryPort}/card.png`,
  `http://2130706433:${canaryPort}/card.png`,
  `http://[::ffff:127.0.0.1]:${canaryPort}/card.png`,
  `http://0.0.0.0:${canaryPort}/card.png`,
  `http://user:pass@127.0.0.1:${canaryPort}/card.png`,
  `https://127.0.0.1:${canaryPort}/card.png`,
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://100.100.100.200/latest/meta-data/',
  'http://10.0.0.1/card.png',
  'http://172.16.0.1/card.png',
  'http://192.168.0.1/card.png',
  'http://[fe80::1]/card.png',
];
/** contentUrls that are not an http(s) URL with an IP address (one needs DNS, which a test cannot count on). */
const NON_HTTP_URLS = ['http://metadata.google.internal./computeMetadata/v1/', 'file:///etc/passwd', `gopher://127.0.0.1:1/_`, 'ftp://127.0.0.1/x', 'data:image/png;base64,iVBORw0KGgo=', 'javascript:alert(1)', '//127.0.0.1/x', 'not a url', ''];

const attachment = fc.record(
  {
    contentType: fc.oneof(fc.constantFrom('image/png', 'application/pdf', 'text/html', 'application/vnd.microsoft.card.adaptive', 'application/vnd.microsoft.teams.file.download.info'), fc.string({ maxLength: 40 })),
    contentUrl: fc.oneof(fc.constantFrom(...NON_HTTP_URLS), fc.constant('ssrf').chain(() => fc.constantFrom(...ssrfUrls())), fc.string({ maxLength: 60 })),
    name: fc.oneof(fc.constantFrom('card.png', 'record.pdf', '../../etc/passwd', 'a'.repeat(300), 'x.exe'), hostileText),
    content: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

/** Activities the pre-validation accepts: each must get a 200 (or an invoke's own 4xx status). */
const validActivity = fc.record(
  {
    type: fc.constantFrom('message', 'message', 'message', 'conversationUpdate', 'event', 'typing', 'messageReaction', 'endOfConversation', 'installationUpdate', 'invoke', 'bogusType'),
    id: fc.string({ unit: 'binary', maxLength: 40 }),
    text: hostileText,
    conversation: fc.record({ id: fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }) }),
    from: fc.record({ id: fc.string({ maxLength: 30 }), name: hostileText }, { requiredKeys: [] }),
    recipient: fc.record({ id: fc.string({ maxLength: 30 }) }, { requiredKeys: [] }),
    channelId: fc.constantFrom('test', 'msteams', 'directline', 'webchat', 'emulator', 'slack', ''),
    name: fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'signin/verifyState', 'task/fetch', 'handoff.status', 'x'),
    value: fc.jsonValue({ maxDepth: 4 }),
    channelData: fc.jsonValue({ maxDepth: 4 }),
    attachments: fc.array(attachment, { maxLength: 3 }),
    membersAdded: fc.array(fc.record({ id: fc.string({ maxLength: 20 }) }), { maxLength: 3 }),
    entities: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  },
  { requiredKeys: ['type', 'conversation'] },
).map((a) => ({ ...a, deliveryMode: 'expectReplies', serviceUrl: 'http://127.0.0.1:1/unused' }));

/** A malformed request: its body and its content type (`null`: no Content-Type header). */
interface RawCase {
  body: string;
  contentType: string | null;
}

const wrongTypes = fc.record(
  {
    type: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant('')),
    conversation: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ id: fc.oneof(fc.integer(), fc.constant(''), fc.constant(null), fc.array(fc.string())) })),
    text: fc.oneof(fc.integer(), fc.array(fc.string()), fc.dictionary(fc.string(), fc.string())),
    attachments: fc.oneof(fc.string(), fc.integer(), fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 21, maxLength: 25 })),
  },
  { requiredKeys: ['type', 'conversation'] },
).filter((a) => !(typeof a.type === 'string' && a.type !== '' && typeof (a.conversation as { id?: unknown } | null)?.id === 'string' && (a.conversation as { id: string }).id !== '' && a.text === undefined && a.attachments === undefined));

/** Bodies the server must refuse with a 4xx. */
const malformed: fc.Arbitrary<RawCase> = fc.oneof(
  // Not JSON at all, or JSON that is not an activity object.
  fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ body, contentType: 'application/json' })),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => ({ body: JSON.stringify(v), contentType: 'application/json' })),
  // Missing ids: no conversation, or a conversation without an id.
  validActivity.map(({ conversation: _c, ...rest }) => ({ body: JSON.stringify(rest), contentType: 'application/json' })),
  validActivity.map((a) => ({ body: JSON.stringify({ ...a, conversation: {} }), contentType: 'application/json' })),
  // Wrong types.
  wrongTypes.map((a) => ({ body: JSON.stringify(a), contentType: 'application/json' })),
  // Deep JSON, in the body and inside an otherwise valid activity; too large bodies.
  fc.tuple(fc.integer({ min: 65, max: 120000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'])).map(([depth, [open, _close]]) => ({
    body: `{"type":"message","conversation":{"id":"deep"},"channelData":${open === '[' ? deepJson(depth, '[', ']') : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`}}`,
    contentType: 'application/json',
  })),
  fc.integer({ min: 300 * 1024, max: 600 * 1024 }).map((n) => ({ body: JSON.stringify({ type: 'message', conversation: { id: 'big' }, text: 'x'.repeat(n) }), contentType: 'application/json' })),
  // Past the text limit (counted in code points): characters of one code unit each.
  fc.tuple(fc.integer({ min: MAX_TEXT + 1, max: 60000 }), fc.constantFrom('x', 'é', '中')).map(([n, unit]) => ({ body: JSON.stringify({ type: 'message', conversation: { id: 'long' }, text: unit.repeat(n) }), contentType: 'application/json' })),
  // A valid activity cut short, or sent with a content type that is not JSON.
  fc.tuple(validActivity, fc.double({ min: 0.05, max: 0.95, noNaN: true })).map(([a, cut]) => {
    const text = JSON.stringify(a);
    return { body: text.slice(0, Math.floor(text.length * cut)), contentType: 'application/json' };
  }),
  fc.tuple(validActivity, fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', null)).map(([a, contentType]) => ({ body: JSON.stringify(a), contentType })),
);

describe('hostile input (fast-check): no 5xx, no crash, bounded memory, no SSRF', function () {
  this.timeout(15 * 60 * 1000);
  let t: TestApp;
  let canary: http.Server;
  let canaryHits = 0;
  const gc = collector();
  let baseline: NodeJS.MemoryUsage;

  before(async () => {
    canary = http.createServer((_req, res) => {
      canaryHits += 1;
      res.end('canary');
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', () => resolve()));
    canaryPort = (canary.address() as AddressInfo).port;
    // Limits out of the way, so that every case reaches the code under test (limits have their own tests).
    t = await startTestApp({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_IP_PER_MINUTE: '1000000', RATE_LIMIT_PER_CONVERSATION_PER_MINUTE: '1000000' });
    await t.say('warm-up', faq().question);
    gc();
    baseline = process.memoryUsage();
  });

  after(async () => {
    await t?.stop();
    await new Promise<void>((resolve) => canary.close(() => resolve()));
  });

  afterEach(async () => {
    // No crash: the server still answers.
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).to.equal(200);
  });

  const post = async (body: string, contentType: string | null) => {
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const response = await fetch(`${t.url}/api/messages`, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  };

  it(`POST /api/messages: ${MESSAGE_RUNS} random and malformed activities; valid ones get 200, malformed ones 4xx, none 5xx`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(validActivity.map((a) => ({ valid: true as const, a })), malformed.map((m) => ({ valid: false as const, m }))), async (input) => {
        const response = input.valid ? await post(JSON.stringify(input.a), 'application/json') : await post(input.m.body, input.m.contentType);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, response.body.slice(0, 300)).to.be.below(500);
        if (!input.valid) expect(response.status, response.body.slice(0, 300)).to.be.within(400, 499);
        // An invoke gets the status of its invoke response (a 4xx when no handler takes it); the rest 200.
        else if (input.a.type !== 'invoke') expect(response.status, response.body.slice(0, 300)).to.equal(200);
      }),
      { numRuns: MESSAGE_RUNS },
    );
    // Both kinds were exercised in earnest.
    expect(statuses.get(200) ?? 0).to.be.greaterThan(MESSAGE_RUNS / 4);
    expect([...statuses.entries()].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0)).to.be.greaterThan(MESSAGE_RUNS / 4);
  });

  it('attachment URLs pointing at loopback, private networks or metadata services are refused and never fetched', async () => {
    for (const [i, contentUrl] of ssrfUrls().entries()) {
      const replies = texts(await t.say(`ssrf-${i}`, '', { attachments: [{ contentType: 'image/png', contentUrl, name: 'card.png' }] }));
      expect(replies.join('\n'), contentUrl).to.include("I'm not able to open files from that location");
    }
    expect(canaryHits).to.equal(0);
  });

  describe('local Direct Line routes', () => {
    let dl: DirectLineTestClient;
    let session: TestSession;
    before(async () => {
      dl = new DirectLineTestClient(t.url);
      session = await dl.started();
    });

    const routes = ['/directline/tokens/generate', '/directline/tokens/refresh', '/directline/conversations', '/directline/conversations/{id}', '/directline/conversations/{id}/activities', '/directline/conversations/{id}/upload', '/directline/attachments/{junk}', '{connector}/v3/conversations/{id}/activities', '{connector}/v3/attachments/{junk}/views/original', '/api/directline/token'];
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');
    // Header values must be printable ASCII, or fetch itself refuses to send them.
    const token = fc.oneof(fc.constant('own'), fc.constant(''), fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x21-\x7e]/g, '')), fc.constant('x'.repeat(5000)));
    const body = fc.oneof(
      fc.constant(undefined),
      validActivity.map((a) => JSON.stringify({ ...a, from: undefined })),
      fc.record({ type: fc.constantFrom('message', 'event', 'typing'), text: hostileText, attachments: fc.array(attachment, { maxLength: 3 }), channelData: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })) }, { requiredKeys: ['type'] }).map((a) => JSON.stringify(a)),
      malformed.map((m) => m.body),
    );
    const query = fc.oneof(fc.constant(''), fc.constantFrom('?watermark=0', '?watermark=-1', '?watermark=99999999999999999999', '?watermark=abc', '?userId=%00', '?%%%'));

    it(`${DIRECTLINE_RUNS} random requests at the Direct Line and connector routes: none gets a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), method, token, body, query, fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=zz', ''), async (route, verb, tok, payload, q, contentType) => {
          const connector = new URL(t.app.localDirectLine!.serviceUrl()).pathname;
          const path = route.replace('{connector}', connector).replace('{id}', session.conversationId).replace('{junk}', 'AAAAAAAAAAAAAAAAAAAAAA');
          const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
          if (tok !== '') headers.authorization = `Bearer ${tok === 'own' ? session.token : tok}`;
          const withBody = verb !== 'GET' && verb !== 'OPTIONS' && payload !== undefined;
          const response = await fetch(`${t.url}${path}${q}`, { method: verb, headers, body: withBody ? payload : undefined });
          const text = await response.text();
          expect(response.status, `${verb} ${route}${q}: ${text.slice(0, 200)}`).to.be.below(500);
        }),
        { numRuns: DIRECTLINE_RUNS },
      );
    });

    it('a Direct Line client posting attachments with private contentUrls gets them refused, and nothing is fetched', async () => {
      for (const contentUrl of ssrfUrls()) {
        const fresh = await dl.started();
        const response = await dl.post(fresh, { type: 'message', attachments: [{ contentType: 'image/png', contentUrl, name: 'card.png' }] });
        expect(response.status, contentUrl).to.equal(200);
        const replies = (await dl.all(fresh)).map((a) => a.text ?? '').join('\n');
        expect(replies, contentUrl).to.include("I'm not able to open files from that location");
      }
      expect(canaryHits).to.equal(0);
    });
  });

  // Declared last, so mocha runs it after every suite above.
  describe('after the whole run', () => {
    it('memory stays bounded and the canary was never contacted', () => {
      gc();
      const now = process.memoryUsage();
      expect(now.heapUsed - baseline.heapUsed, 'heap growth').to.be.below(HEAP_GROWTH_BOUND);
      expect(now.rss - baseline.rss, 'RSS growth').to.be.below(RSS_GROWTH_BOUND);
      expect(canaryHits).to.equal(0);
    });
  });
});
