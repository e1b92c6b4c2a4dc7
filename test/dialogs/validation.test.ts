import { expect } from 'chai';
import fc from 'fast-check';
import { z } from 'zod';
import { addressOf, emailKey, isUmassEmail, MIN_BIRTH_YEAR, parseDob, parseEmail } from '../../dialogs/prompts/validation';

// 2026-11-24 10:00 in Amherst (15:00 UTC).
const TODAY = new Date('2026-11-24T15:00:00Z');

function problemOf(result: { ok: true } | { ok: false; problem: string }): string {
  expect(result.ok, 'expected a problem').to.equal(false);
  return (result as { problem: string }).problem;
}

describe('validation: parseDob', () => {
  it('accepts MM/DD/YYYY as is', () => {
    expect(parseDob('04/15/2003', TODAY)).to.deep.equal({ ok: true, dob: '04/15/2003' });
  });

  it('normalises M/D/YYYY, other separators and spaces to MM/DD/YYYY', () => {
    expect(parseDob('4/5/2003', TODAY)).to.deep.equal({ ok: true, dob: '04/05/2003' });
    expect(parseDob(' 4-5-2003 ', TODAY)).to.deep.equal({ ok: true, dob: '04/05/2003' });
    expect(parseDob('04.05.2003', TODAY)).to.deep.equal({ ok: true, dob: '04/05/2003' });
    expect(parseDob('4 / 5 / 2003', TODAY)).to.deep.equal({ ok: true, dob: '04/05/2003' });
  });

  it('rejects text that is not a date, naming the format', () => {
    for (const text of ['', 'yesterday', 'April 5', '2003-04-05', '04/05', '04/05/2003/1']) {
      expect(problemOf(parseDob(text, TODAY)), text).to.contain('MM/DD/YYYY');
    }
  });

  it('takes a date written with the month named, which leaves no doubt about the order', () => {
    expect(parseDob('september 1 2004', TODAY)).to.deep.equal({ ok: true, dob: '09/01/2004' });
    expect(parseDob('Sept 1st, 2004', TODAY)).to.deep.equal({ ok: true, dob: '09/01/2004' });
    expect(parseDob('1 September 2004', TODAY)).to.deep.equal({ ok: true, dob: '09/01/2004' });
    expect(parseDob('April 5 2003', TODAY)).to.deep.equal({ ok: true, dob: '04/05/2003' });
    expect(problemOf(parseDob('april 31 2003', TODAY))).to.match(/doesn't exist/);
    expect(problemOf(parseDob('april 5 03', TODAY))).to.match(/four digits of the year/);
  });

  it('asks for the four-digit year', () => {
    expect(problemOf(parseDob('04/05/03', TODAY))).to.match(/four digits of the year/);
  });

  it('rejects months outside 1-12 (a DD/MM date, for example)', () => {
    expect(problemOf(parseDob('13/05/2003', TODAY))).to.match(/month comes first/);
    expect(problemOf(parseDob('00/05/2003', TODAY))).to.match(/month comes first/);
  });

  it('rejects impossible days, including February 29 outside leap years', () => {
    expect(problemOf(parseDob('02/30/2004', TODAY))).to.match(/doesn't exist: month 02 of 2004 has 29 days/);
    expect(problemOf(parseDob('02/29/2003', TODAY))).to.match(/has 28 days/);
    expect(problemOf(parseDob('04/31/2003', TODAY))).to.match(/has 30 days/);
    expect(problemOf(parseDob('01/00/2003', TODAY))).to.match(/doesn't exist/);
    expect(parseDob('02/29/2004', TODAY)).to.deep.equal({ ok: true, dob: '02/29/2004' });
    expect(parseDob('02/29/2000', TODAY).ok).to.equal(true);
    expect(parseDob('02/29/1900', TODAY).ok).to.equal(false);
  });

  it('rejects dates in the future and accepts today', () => {
    expect(problemOf(parseDob('11/25/2026', TODAY))).to.match(/in the future/);
    expect(problemOf(parseDob('01/01/2027', TODAY))).to.match(/in the future/);
    expect(problemOf(parseDob('12/01/2026', TODAY))).to.match(/in the future/);
    expect(parseDob('11/24/2026', TODAY).ok).to.equal(true);
  });

  it('computes "today" in the UHS time zone, not in UTC', () => {
    // 03:00 UTC on Nov 25 is still Nov 24 in Amherst.
    const lateEvening = new Date('2026-11-25T03:00:00Z');
    expect(parseDob('11/25/2026', lateEvening).ok).to.equal(false);
    expect(parseDob('11/25/2026', lateEvening, 'UTC').ok).to.equal(true);
  });

  it('moves "today" on at local midnight, one second apart (the date is remembered per minute only)', () => {
    // 04:59:59 UTC is 23:59:59 on Nov 24 in Amherst (EST); one second later it is Nov 25.
    const beforeMidnight = new Date('2026-11-25T04:59:59Z');
    const afterMidnight = new Date('2026-11-25T05:00:00Z');
    expect(parseDob('11/25/2026', beforeMidnight).ok).to.equal(false);
    expect(parseDob('11/25/2026', afterMidnight).ok).to.equal(true);
    expect(parseDob('11/25/2026', beforeMidnight).ok).to.equal(false);
    // The same minutes read in another zone are not mixed up with these.
    expect(parseDob('11/25/2026', beforeMidnight, 'UTC').ok).to.equal(true);
    expect(parseDob('11/25/2026', beforeMidnight).ok).to.equal(false);
  });

  it(`rejects years before ${MIN_BIRTH_YEAR}`, () => {
    expect(problemOf(parseDob('12/31/1899', TODAY))).to.match(/1900 or later/);
    expect(parseDob('01/01/1900', TODAY).ok).to.equal(true);
  });

  it('never repeats the input in a problem (problems are safe to show and log)', () => {
    for (const text of ['02/30/2004', '13/05/2003', '04/05/03', '11/25/2026', '12/31/1899', 'my birthday']) {
      expect(problemOf(parseDob(text, TODAY))).not.to.contain(text);
    }
  });

  it('round-trips every real past date written as M/D/YYYY (property)', () => {
    const day = 24 * 3600 * 1000;
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1) / day, max: Date.UTC(2026, 10, 24) / day }), (n) => {
        const d = new Date(n * day);
        const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        const expected = `${String(m).padStart(2, '0')}/${String(dd).padStart(2, '0')}/${y}`;
        expect(parseDob(`${m}/${dd}/${y}`, TODAY)).to.deep.equal({ ok: true, dob: expected });
      }),
    );
  });
});

describe('validation: parseEmail', () => {
  it('trims and lower-cases the domain, keeping the local part', () => {
    expect(parseEmail('  Minnie.Minuteman@UMass.EDU ')).to.deep.equal({ ok: true, email: 'Minnie.Minuteman@umass.edu' });
  });

  it('accepts plus addressing, apostrophes and subdomains', () => {
    expect(parseEmail("o'neil+portal@uhs.umass.edu")).to.deep.equal({ ok: true, email: "o'neil+portal@uhs.umass.edu" });
  });

  it('removes a mailto: prefix or surrounding angle brackets that some channels add', () => {
    expect(parseEmail('mailto:jdoe@umass.edu')).to.deep.equal({ ok: true, email: 'jdoe@umass.edu' });
    expect(parseEmail('<jdoe@umass.edu>')).to.deep.equal({ ok: true, email: 'jdoe@umass.edu' });
  });

  it('says what is wrong', () => {
    expect(problemOf(parseEmail('   '))).to.match(/type your email address/);
    expect(problemOf(parseEmail('j doe@umass.edu'))).to.match(/no spaces/);
    expect(problemOf(parseEmail('jdoe.umass.edu'))).to.match(/exactly one @/);
    expect(problemOf(parseEmail('j@doe@umass.edu'))).to.match(/exactly one @/);
    expect(problemOf(parseEmail('@umass.edu'))).to.match(/before the @/);
    expect(problemOf(parseEmail('.jdoe@umass.edu'))).to.match(/before the @/);
    expect(problemOf(parseEmail('j..doe@umass.edu'))).to.match(/before the @/);
    expect(problemOf(parseEmail('jdoe@umass'))).to.match(/after the @/);
    expect(problemOf(parseEmail('jdoe@-umass.edu'))).to.match(/after the @/);
    expect(problemOf(parseEmail('jdoe@umass.e1'))).to.match(/after the @/);
    expect(problemOf(parseEmail(`${'a'.repeat(250)}@umass.edu`))).to.match(/too long/);
  });

  it('accepts only addresses the mailer (zod email) can send to', () => {
    const accepted = ['a@b.co', "o'neil+x@uhs.umass.edu", 'first.last-2@example.org', 'x_y@sub.domain.example.com'];
    for (const text of accepted) {
      const parsed = parseEmail(text);
      expect(parsed.ok, text).to.equal(true);
      expect(z.string().email().safeParse((parsed as { email: string }).email).success, text).to.equal(true);
    }
  });
});

describe('validation: isUmassEmail, addressOf, emailKey', () => {
  it('recognises umass.edu and its subdomains only', () => {
    expect(isUmassEmail('jdoe@umass.edu')).to.equal(true);
    expect(isUmassEmail('jdoe@UHS.UMass.edu')).to.equal(true);
    expect(isUmassEmail('jdoe@notumass.edu')).to.equal(false);
    expect(isUmassEmail('jdoe@umass.edu.example.com')).to.equal(false);
    expect(isUmassEmail('jdoe@hampshire.edu')).to.equal(false);
  });

  it('takes the bare address out of a From header', () => {
    expect(addressOf('UHS Portal Help Bot <no-reply@uhs.umass.edu>')).to.equal('no-reply@uhs.umass.edu');
    expect(addressOf('no-reply@uhs.umass.edu')).to.equal('no-reply@uhs.umass.edu');
  });

  it('compares emails trimmed and case-insensitively', () => {
    expect(emailKey('  JDoe@UMass.edu ')).to.equal(emailKey('jdoe@umass.edu'));
  });
});
