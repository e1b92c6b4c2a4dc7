import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockedAddressReason, decodeDataUrl, ownOrigins, SafeAttachmentFetcher, type Resolver } from '../../../bot/adapters/attachmentFetcher';
import type { Log } from '../../../dialogs/ports';
import { makePdf } from '../../support/sampleFiles';

/** A real HTTP server on an ephemeral port that counts requests; `handler` answers them. */
interface TestServer {
  origin: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const PDF = makePdf();

describe('SafeAttachmentFetcher (contract, real HTTP server)', () => {
  let server: TestServer;
  let closedEarly: Promise<void>;
  let signalClosed: () => void;

  beforeEach(async () => {
    closedEarly = new Promise((resolve) => (signalClosed = resolve));
    server = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/card.pdf':
          res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': PDF.length });
          res.end(PDF);
          return;
        case '/declared-large':
          res.writeHead(200, { 'content-length': 2000 });
          res.end(Buffer.alloc(2000));
          return;
        case '/endless': {
          // Never declares a length and never ends: only the cap can stop it.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.on('close', () => signalClosed());
          const pump = () => {
            if (res.destroyed) return;
            res.write(Buffer.alloc(512, 7), () => setImmediate(pump));
          };
          pump();
          return;
        }
        case '/chunked-small':
          res.writeHead(200);
          res.write(Buffer.alloc(300, 1));
          res.end(Buffer.alloc(200, 2));
          return;
        case '/silent':
          return; // accepts the request, never answers
        case '/headers-then-silence':
          res.writeHead(200, { 'content-length': 1000 });
          res.write(Buffer.alloc(10));
          return;
        case '/redirect-same':
          res.writeHead(302, { location: '/card.pdf' });
          res.end();
          return;
        case '/redirect-away':
          res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
          res.end();
          return;
        case '/missing':
          res.writeHead(404);
          res.end('not found');
          return;
        default:
          res.writeHead(500);
          res.end();
      }
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it('downloads from an allow-listed origin (the local Direct Line on 127.0.0.1)', async () => {
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin] });
    const result = await fetcher.fetch(`${server.origin}/card.pdf`, 1024 * 1024);
    expect(result.ok).to.equal(true);
    expect(result.ok && Buffer.from(result.bytes).equals(PDF)).to.equal(true);
    expect(server.requests).to.deep.equal(['/card.pdf']);
  });

  it('refuses loopback when it is not allow-listed, without sending a request', async () => {
    const fetcher = new SafeAttachmentFetcher();
    expect(await fetcher.fetch(`${server.origin}/card.pdf`, 1024 * 1024)).to.deep.equal({ ok: false, reason: 'refused' });
    expect(await fetcher.fetch(`http://localhost:${server.port}/card.pdf`, 1024 * 1024)).to.deep.equal({ ok: false, reason: 'refused' });
    expect(await fetcher.fetch(`http://[::ffff:127.0.0.1]:${server.port}/card.pdf`, 1024 * 1024)).to.deep.equal({ ok: false, reason: 'refused' });
    expect(server.requests).to.deep.equal([]);
  });

  it('refuses a host when ANY of its addresses is private (checked before connecting)', async () => {
    const asked: string[] = [];
    const resolve: Resolver = async (host) => {
      asked.push(host);
      return [
        { address: '93.184.216.34', family: 4 },
        { address: '10.1.2.3', family: 4 },
      ];
    };
    const fetcher = new SafeAttachmentFetcher({ resolve });
    expect(await fetcher.fetch('https://files.example.test/card.pdf', 1000)).to.deep.equal({ ok: false, reason: 'refused' });
    expect(asked).to.deep.equal(['files.example.test']);
  });

  it('refuses a host whose DNS answer is the cloud metadata address (IPv6-mapped too)', async () => {
    for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254']) {
      const fetcher = new SafeAttachmentFetcher({ resolve: async () => [{ address, family: address.includes(':') ? 6 : 4 }] });
      expect(await fetcher.fetch('http://metadata.example.test/latest', 1000), address).to.deep.equal({ ok: false, reason: 'refused' });
    }
  });

  it('connects to the vetted address it resolved (pinned), for an allow-listed name', async () => {
    const fetcher = new SafeAttachmentFetcher({
      allowedOrigins: [`http://bot.test:${server.port}`],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const result = await fetcher.fetch(`http://bot.test:${server.port}/card.pdf`, 1024 * 1024);
    expect(result.ok).to.equal(true);
  });

  it('follows a redirect inside the allowed origin, and vets every hop', async () => {
    const other = await startServer((_req, res) => res.end('should never be asked'));
    try {
      const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin] });
      const same = await fetcher.fetch(`${server.origin}/redirect-same`, 1024 * 1024);
      expect(same.ok).to.equal(true);
      const away = await fetcher.fetch(`${server.origin}/redirect-away?to=${encodeURIComponent(`http://localhost:${other.port}/x`)}`, 1024 * 1024);
      expect(away).to.deep.equal({ ok: false, reason: 'refused' });
      const toFile = await fetcher.fetch(`${server.origin}/redirect-away?to=${encodeURIComponent('file:///etc/passwd')}`, 1024 * 1024);
      expect(toFile).to.deep.equal({ ok: false, reason: 'refused' });
      expect(other.requests).to.deep.equal([]);
    } finally {
      await other.close();
    }
  });

  it('enforces the size cap from Content-Length, and allows exactly the cap', async () => {
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin] });
    expect(await fetcher.fetch(`${server.origin}/declared-large`, 1999)).to.deep.equal({ ok: false, reason: 'too-large' });
    const exact = await fetcher.fetch(`${server.origin}/declared-large`, 2000);
    expect(exact.ok && exact.bytes.length).to.equal(2000);
  });

  it('enforces the size cap while streaming when there is no Content-Length, and stops the download', async () => {
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin] });
    expect(await fetcher.fetch(`${server.origin}/endless`, 4096)).to.deep.equal({ ok: false, reason: 'too-large' });
    await closedEarly; // the server saw the connection closed: the download really stopped
    const small = await fetcher.fetch(`${server.origin}/chunked-small`, 500);
    expect(small.ok && small.bytes.length).to.equal(500);
    expect(await fetcher.fetch(`${server.origin}/chunked-small`, 499)).to.deep.equal({ ok: false, reason: 'too-large' });
  });

  it('times out on a server that never answers, and on a body that stops', async () => {
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin], timeoutMs: 150 });
    expect(await fetcher.fetch(`${server.origin}/silent`, 1000)).to.deep.equal({ ok: false, reason: 'timeout' });
    expect(await fetcher.fetch(`${server.origin}/headers-then-silence`, 5000)).to.deep.equal({ ok: false, reason: 'timeout' });
  });

  it('times out when DNS never answers', async () => {
    const fetcher = new SafeAttachmentFetcher({ timeoutMs: 100, resolve: () => new Promise(() => undefined) });
    expect(await fetcher.fetch('https://slow-dns.example.test/card.pdf', 1000)).to.deep.equal({ ok: false, reason: 'timeout' });
  });

  it('reports other failures as "failed": an error status, an unknown host, a bad URL', async () => {
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin], resolve: async () => [] });
    expect(await fetcher.fetch(`${server.origin}/missing`, 1000)).to.deep.equal({ ok: false, reason: 'failed' });
    expect(await fetcher.fetch('https://nowhere.example.test/x', 1000)).to.deep.equal({ ok: false, reason: 'failed' });
    expect(await fetcher.fetch('not a url', 1000)).to.deep.equal({ ok: false, reason: 'failed' });
  });

  it('accepts only http, https and data URLs, without credentials', async () => {
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin] });
    for (const url of ['file:///etc/passwd', 'ftp://example.com/card.pdf', 'gopher://example.com/', 'javascript:alert(1)']) {
      expect(await fetcher.fetch(url, 1000), url).to.deep.equal({ ok: false, reason: 'refused' });
    }
    const withUser = `http://user:secret@127.0.0.1:${server.port}/card.pdf`;
    expect(await fetcher.fetch(withUser, 1000)).to.deep.equal({ ok: false, reason: 'refused' });
    expect(server.requests).to.deep.equal([]);
  });

  it('decodes data: URLs (base64 and percent-encoded) under the same cap', async () => {
    const fetcher = new SafeAttachmentFetcher();
    const b64 = await fetcher.fetch(`data:application/pdf;base64,${PDF.toString('base64')}`, 1024 * 1024);
    expect(b64.ok && Buffer.from(b64.bytes).equals(PDF)).to.equal(true);
    const text = await fetcher.fetch('data:text/plain,caf%C3%A9%20100%25', 100);
    expect(text.ok && Buffer.from(text.bytes).toString('utf8')).to.equal('café 100%');
    expect(await fetcher.fetch(`data:application/pdf;base64,${PDF.toString('base64')}`, PDF.length - 1)).to.deep.equal({ ok: false, reason: 'too-large' });
    expect(decodeDataUrl(`data:;base64,${Buffer.alloc(30).toString('base64')}`, 30).ok).to.equal(true);
    expect(await fetcher.fetch('data:text/plain;base64,@@@@', 100)).to.deep.equal({ ok: false, reason: 'failed' });
    expect(await fetcher.fetch('data:text/plain,bad%zz', 100)).to.deep.equal({ ok: false, reason: 'failed' });
    expect(await fetcher.fetch('data:no-comma', 100)).to.deep.equal({ ok: false, reason: 'failed' });
  });

  it('logs outcomes and byte counts, never the URL (it can carry tokens)', async () => {
    const lines: string[] = [];
    const record = (obj: object, msg?: string) => void lines.push(JSON.stringify({ obj, msg }));
    const log: Log = { debug: record, info: record, warn: record, error: record };
    const fetcher = new SafeAttachmentFetcher({ allowedOrigins: [server.origin], log });
    await fetcher.fetch(`${server.origin}/card.pdf?token=secret-token-123`, 1024 * 1024);
    await fetcher.fetch('https://10.0.0.1/secret-path', 1000);
    expect(lines).to.have.length(2);
    expect(lines.join('\n')).to.not.match(/secret|127\.0\.0\.1|10\.0\.0\.1/);
    expect(JSON.parse(lines[0]).obj).to.deep.equal({ event: 'attachment-fetch', outcome: 'ok', bytes: PDF.length });
    expect(JSON.parse(lines[1]).obj).to.deep.equal({ event: 'attachment-fetch', outcome: 'refused' });
  });

  it('validates its options: a bad allow-list entry fails at start-up', () => {
    expect(() => new SafeAttachmentFetcher({ allowedOrigins: ['ftp://bot.example'] })).to.throw(/http/);
    expect(() => new SafeAttachmentFetcher({ timeoutMs: 0 })).to.throw();
    expect(ownOrigins(3978, 'https://bot.example.edu/base/')).to.deep.equal([
      'http://127.0.0.1:3978',
      'http://localhost:3978',
      'http://[::1]:3978',
      'https://bot.example.edu',
    ]);
  });
});

describe('blockedAddressReason', () => {
  const blocked = [
    '0.0.0.0',
    '10.0.0.1',
    '100.100.100.200',
    '127.0.0.1',
    '127.1.2.3',
    '169.254.169.254',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '192.0.2.10',
    '198.18.0.1',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '168.63.129.16',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '2001:db8::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '0:0:0:0:0:ffff:c0a8:0101',
    '64:ff9b::a9fe:a9fe',
    '2002:c0a8:0101::1',
    '::127.0.0.1',
  ];
  for (const address of blocked) {
    it(`blocks ${address}`, () => {
      expect(blockedAddressReason(address)).to.be.a('string');
    });
  }

  const allowed = ['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:0808:0808::1'];
  for (const address of allowed) {
    it(`allows the public address ${address}`, () => {
      expect(blockedAddressReason(address)).to.equal(null);
    });
  }

  it('treats garbage as invalid', () => {
    expect(blockedAddressReason('not-an-ip')).to.equal('invalid-address');
    expect(blockedAddressReason('1:2:3')).to.equal('invalid-address');
  });
});
