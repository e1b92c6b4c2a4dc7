import { expect } from 'chai';
import { CASE_ID_PATTERN, caseAddress, caseIdFromAddress, newCaseId, normalizeCaseId } from '../../dialogs/cases/caseId';

describe('case ids', () => {
  it('are UHS- and six Crockford base32 characters', () => {
    for (let i = 0; i < 500; i++) expect(newCaseId()).to.match(CASE_ID_PATTERN);
  });

  it('use the whole alphabet and never I, L, O or U', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) for (const c of newCaseId().slice(4)) seen.add(c);
    expect(seen.size).to.equal(32);
    for (const banned of ['I', 'L', 'O', 'U']) expect(seen.has(banned)).to.equal(false);
  });

  it('map bytes deterministically (injectable randomness)', () => {
    expect(newCaseId(() => Uint8Array.from([0, 1, 10, 31, 32, 255]))).to.equal('UHS-01AZ0Z');
  });

  it('are rarely equal: 10,000 draws give 10,000 distinct ids', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newCaseId()));
    // 2^30 ids: about 0.05 repeats are expected among 10,000; three or more almost never.
    expect(ids.size).to.be.at.least(9_997);
  });

  it('normalise what people and mail systems type', () => {
    expect(normalizeCaseId('uhs-7k3q9d')).to.equal('UHS-7K3Q9D');
    expect(normalizeCaseId(' UHS7K3Q9D ')).to.equal('UHS-7K3Q9D');
    expect(normalizeCaseId('UHS-7K3Q9O')).to.equal('UHS-7K3Q90');
    expect(normalizeCaseId('UHS-IL3Q9D')).to.equal('UHS-113Q9D');
    expect(normalizeCaseId('UHS-7K3Q9')).to.equal(null);
    expect(normalizeCaseId('UHS-7K3Q9U')).to.equal(null);
    expect(normalizeCaseId('hello')).to.equal(null);
  });

  it('build and read case addresses from the INBOUND_ADDRESS template', () => {
    const template = 'case+{id}@uhsbot.umass.edu';
    expect(caseAddress(template, 'UHS-7K3Q9D')).to.equal('case+UHS-7K3Q9D@uhsbot.umass.edu');
    expect(caseIdFromAddress('CASE+uhs-7k3q9d@UHSBOT.umass.edu', template)).to.equal('UHS-7K3Q9D');
    expect(caseIdFromAddress('case+UHS-7K3Q9D@other.edu', template)).to.equal(null);
    expect(caseIdFromAddress('help+UHS-7K3Q9D@uhsbot.umass.edu', template)).to.equal(null);
    expect(caseIdFromAddress('case+@uhsbot.umass.edu', template)).to.equal(null);
    expect(caseIdFromAddress('case+nonsense@uhsbot.umass.edu', template)).to.equal(null);
  });
  it('signs reply addresses: only the right signature gives the id back, in any letter case', () => {
    const template = 'case+{id}@uhsbot.umass.edu';
    const key = 'k'.repeat(32);
    const address = caseAddress(template, 'UHS-7K3Q9D', key);
    expect(address).to.match(/^case\+UHS-7K3Q9D\.[0-9a-z]{16}@uhsbot\.umass\.edu$/);
    expect(caseIdFromAddress(address, template, key)).to.equal('UHS-7K3Q9D');
    expect(caseIdFromAddress(address.toUpperCase(), template, key)).to.equal('UHS-7K3Q9D');
    expect(caseIdFromAddress('case+UHS-7K3Q9D@uhsbot.umass.edu', template, key)).to.equal(null);
    expect(caseIdFromAddress(address, template, 'j'.repeat(32))).to.equal(null);
    expect(caseIdFromAddress(address.replace('UHS-7K3Q9D', 'UHS-7K3Q9E'), template, key)).to.equal(null);
  });
});
