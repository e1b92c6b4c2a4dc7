import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { HttpPortalDirectory } from '../../../bot/adapters/httpDirectory';

/** One request as the portal service received it. */
interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

type Handler = (req: Received, res: http.ServerResponse) => void;

/**
 * A real portal-service stand-in on an ephemeral port: it records each request and answers
 * with the current `handler`.
 */
class PortalService {
  readonly received: Received[] = [];
  // restify (loaded by other suites in the same process) patches ServerResponse.writeHead so that
  // it no longer returns the response: never chain on it.
  handler: Handler = (_req, res) => {
    res.writeHead(500);
    res.end();
  };
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      this.received.push(received);
      this.handler(received, res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const json = (status: number, body: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A log stream that appends each line to `lines`. */
function logTo(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
}

const MINNIE = { email: 'minnie.minuteman@umass.edu', dob: '04/15/2003', portalUsername: 'mminuteman', affiliation: 'umass' };

describe('HttpPortalDirectory (contract against a real HTTP server)', () => {
  let service: PortalService;
  let origin: string;
  let lines: string[];
  let directory: HttpPortalDirectory;

  beforeEach(async () => {
    service = new PortalService();
    origin = await service.start();
    lines = [];
    const stream = logTo(lines);
    // A generous timeout: a busy machine's first request in a process can take far more than a
    // short one, and only the test of a server that never answers needs it short.
    directory = new HttpPortalDirectory({ baseUrl: `${origin}/portal-api`, token: 'test-token', timeoutMs: 10_000, log: pino(stream) });
  });

  afterEach(async () => {
    await service.stop();
  });

  describe('valid responses', () => {
    it('POSTs /lookup with the email and date of birth, bearer token and JSON, and returns the record', async () => {
      service.handler = json(200, { found: true, record: MINNIE });
      const result = await directory.lookup('Minnie.Minuteman@umass.edu', '04/15/2003');
      expect(result).to.deep.equal({ status: 'found', record: MINNIE });
      expect(service.received).to.deep.equal([
        {
          method: 'POST',
          url: '/portal-api/lookup',
          authorization: 'Bearer test-token',
          contentType: 'application/json',
          body: { email: 'Minnie.Minuteman@umass.edu', dob: '04/15/2003' },
        },
      ]);
    });

    it('answers not-found for {found: false}', async () => {
      service.handler = json(200, { found: false });
      expect(await directory.lookup('nobody@umass.edu', '01/01/2000')).to.deep.equal({ status: 'not-found' });
      expect(await directory.findByEmail('nobody@umass.edu')).to.deep.equal({ status: 'not-found' });
    });

    it('POSTs /lookup-by-email for findByEmail; a record without a username is an eligible person', async () => {
      const sam = { email: 'sam.minuteman@umass.edu', dob: '09/01/2004', portalUsername: null, affiliation: 'umass' };
      service.handler = json(200, { found: true, record: sam });
      expect(await directory.findByEmail('sam.minuteman@umass.edu')).to.deep.equal({ status: 'found', record: sam });
      expect(service.received[0]).to.include({ url: '/portal-api/lookup-by-email' });
      expect(service.received[0].body).to.deep.equal({ email: 'sam.minuteman@umass.edu' });
    });

    it('POSTs /password-reset and passes on requested / not-found (200 or 202)', async () => {
      service.handler = json(202, { status: 'requested' });
      expect(await directory.requestPasswordReset('minnie.minuteman@umass.edu')).to.equal('requested');
      service.handler = json(200, { status: 'not-found' });
      expect(await directory.requestPasswordReset('nobody@umass.edu')).to.equal('not-found');
      expect(service.received.map((r) => r.url)).to.deep.equal(['/portal-api/password-reset', '/portal-api/password-reset']);
      expect(service.received[0].body).to.deep.equal({ email: 'minnie.minuteman@umass.edu' });
    });

    it('works with a trailing slash on the base URL and without a token', async () => {
      const plain = new HttpPortalDirectory({ baseUrl: `${origin}/v1/`, timeoutMs: 10_000 });
      service.handler = json(200, { found: false });
      await plain.findByEmail('nobody@umass.edu');
      expect(service.received[0]).to.include({ url: '/v1/lookup-by-email', authorization: undefined });
    });
  });

  describe('failures are "unavailable", never exceptions', () => {
    const cases: Array<[string, Handler]> = [
      ['an invalid JSON shape', json(200, { found: 'yes' })],
      ['a record with a bad date', json(200, { found: true, record: { ...MINNIE, dob: '2003-04-15' } })],
      ['an unknown affiliation', json(200, { found: true, record: { ...MINNIE, affiliation: 'staff' } })],
      ['a body that is not JSON', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      }],
      ['a 500', json(500, { error: 'boom' })],
      ['a 401', json(401, { error: 'bad token' })],
      ['a 404', json(404, { found: false })],
    ];
    for (const [what, handler] of cases) {
      it(`lookup, findByEmail and requestPasswordReset on ${what}`, async () => {
        service.handler = handler;
        expect(await directory.lookup(MINNIE.email, MINNIE.dob)).to.deep.equal({ status: 'unavailable' });
        expect(await directory.findByEmail(MINNIE.email)).to.deep.equal({ status: 'unavailable' });
        expect(await directory.requestPasswordReset(MINNIE.email)).to.equal('unavailable');
      });
    }

    it('an invalid reset status is unavailable', async () => {
      service.handler = json(202, { status: 'sent-it' });
      expect(await directory.requestPasswordReset(MINNIE.email)).to.equal('unavailable');
    });

    it('a record for another person (email or date of birth) is unavailable, never passed on', async () => {
      service.handler = json(200, { found: true, record: { ...MINNIE, email: 'someone.else@umass.edu' } });
      expect(await directory.lookup(MINNIE.email, MINNIE.dob)).to.deep.equal({ status: 'unavailable' });
      expect(await directory.findByEmail(MINNIE.email)).to.deep.equal({ status: 'unavailable' });
      service.handler = json(200, { found: true, record: MINNIE });
      expect(await directory.lookup(MINNIE.email, '04/16/2003')).to.deep.equal({ status: 'unavailable' });
      expect(lines.some((l) => l.includes('"code":"record-mismatch"'))).to.equal(true);
    });

    it('a server that never answers is unavailable after the configured timeout', async () => {
      service.handler = () => undefined; // never responds
      directory = new HttpPortalDirectory({ baseUrl: `${origin}/portal-api`, token: 'test-token', timeoutMs: 200, log: pino(logTo(lines)) });
      expect(await directory.lookup(MINNIE.email, MINNIE.dob)).to.deep.equal({ status: 'unavailable' });
      expect(await directory.requestPasswordReset(MINNIE.email)).to.equal('unavailable');
      expect(lines.filter((l) => l.includes('"code":"timeout"'))).to.have.length(2);
    });

    it('a refused connection is unavailable', async () => {
      await service.stop();
      expect(await directory.findByEmail(MINNIE.email)).to.deep.equal({ status: 'unavailable' });
      expect(lines.some((l) => l.includes('"code":"network"'))).to.equal(true);
    });

    it('logs the operation and a code, never the email, the date of birth or the token', async () => {
      service.handler = json(500, {});
      await directory.lookup(MINNIE.email, MINNIE.dob);
      service.handler = json(200, { found: 'maybe' });
      await directory.findByEmail(MINNIE.email);
      expect(lines).to.have.length(2);
      expect(JSON.parse(lines[0])).to.include({ event: 'directory-unavailable', operation: 'lookup', code: 'http-status', status: 500 });
      expect(JSON.parse(lines[1])).to.include({ event: 'directory-unavailable', operation: 'lookup-by-email', code: 'invalid-response' });
      for (const line of lines) {
        expect(line).not.to.contain('minnie');
        expect(line).not.to.contain('04/15/2003');
        expect(line).not.to.contain('test-token');
      }
    });
  });
});
