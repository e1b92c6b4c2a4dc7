import { expect } from 'chai';
import { TokenService } from '../../../bot/directline/tokens';

describe('local Direct Line tokens', () => {
  let now = 1_700_000_000_000;
  const clock = () => now;

  it('round-trips the conversation and user it was issued for, and expires after its lifetime', () => {
    const tokens = new TokenService(60, clock);
    const issued = tokens.issue('conv-1', 'dl_user');
    expect(issued.expiresIn).to.equal(60);
    expect(tokens.verify(issued.token)).to.deep.equal({ conversationId: 'conv-1', userId: 'dl_user', expiresAt: now + 60_000 });
    now += 59_000;
    expect(tokens.verify(issued.token)).to.not.equal(undefined);
    now += 1_000;
    expect(tokens.verify(issued.token)).to.equal(undefined);
  });

  it('is a JWT whose `user` claim Web Chat can read', () => {
    const { token } = new TokenService(60, clock).issue('conv-1', 'dl_user');
    const [header, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).to.include({ user: 'dl_user', conv: 'conv-1' });
  });

  it('issues a different token every time', () => {
    const tokens = new TokenService(60, clock);
    expect(tokens.issue('c', 'u').token).to.not.equal(tokens.issue('c', 'u').token);
  });

  it('rejects forged, tampered, foreign and malformed tokens', () => {
    const tokens = new TokenService(60, clock);
    const [header, payload, signature] = tokens.issue('conv-1', 'dl_user').token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const otherPayload = Buffer.from(JSON.stringify({ ...claims, conv: 'conv-2' })).toString('base64url');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const forged = [
      `${header}.${otherPayload}.${signature}`, // other conversation, old signature
      `${noneHeader}.${payload}.`, // alg none
      `${noneHeader}.${payload}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}xx`,
      new TokenService(60, clock).issue('conv-1', 'dl_user').token, // another key
      '',
      'a.b',
      'a.b.c',
      `${header}.${payload}.${signature}.extra`,
      `${header}.!!!.${signature}`,
    ];
    for (const token of forged) expect(tokens.verify(token), token).to.equal(undefined);
  });

  it('accepts tokens signed with the same configured key (e.g. after a restart)', () => {
    const key = Buffer.alloc(32, 7);
    const token = new TokenService(60, clock, key).issue('c', 'u').token;
    expect(new TokenService(60, clock, key).verify(token)?.conversationId).to.equal('c');
  });
});
