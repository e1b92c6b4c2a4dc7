import { expect } from 'chai';
import { businessStatus, formatClock, parseBusinessHours, replyExpectation } from '../../dialogs/cases/businessHours';

const NY = 'America/New_York';
const hours = parseBusinessHours('Mon-Fri 09:00-17:00', NY);
/** 2026-11-24 is a Tuesday; New York is UTC-5 in November. */
const at = (iso: string) => new Date(iso);

describe('business hours', () => {
  it('parse a day range and a time range', () => {
    expect([...hours.days].sort()).to.deep.equal([1, 2, 3, 4, 5]);
    expect(hours.openMinute).to.equal(9 * 60);
    expect(hours.closeMinute).to.equal(17 * 60);
    expect([...parseBusinessHours('Sat-Mon 10:00-14:30', NY).days].sort()).to.deep.equal([0, 1, 6]);
  });

  it('refuse malformed or inverted ranges', () => {
    expect(() => parseBusinessHours('weekdays 9-5', NY)).to.throw(/Mon-Fri/);
    expect(() => parseBusinessHours('Mon-Fri 17:00-09:00', NY)).to.throw(/open before/);
  });

  it('are open on a weekday inside the hours, in the business time zone', () => {
    expect(businessStatus(at('2026-11-24T15:00:00Z'), hours)).to.deep.equal({ open: true }); // Tue 10:00 ET
    expect(businessStatus(at('2026-11-24T14:00:00Z'), hours).open).to.equal(true); // Tue 09:00 ET exactly
  });

  it('are closed at closing time and open the next weekday', () => {
    expect(businessStatus(at('2026-11-24T22:00:00Z'), hours)).to.deep.equal({ open: false, opensOnDay: 3, daysAhead: 1, opensAtMinute: 540 }); // Tue 17:00 ET
  });

  it('open later the same day before opening time', () => {
    expect(businessStatus(at('2026-11-24T12:30:00Z'), hours)).to.deep.equal({ open: false, opensOnDay: 2, daysAhead: 0, opensAtMinute: 540 }); // Tue 07:30 ET
  });

  it('skip the weekend: Friday evening, Saturday and Sunday open on Monday', () => {
    const friEvening = businessStatus(at('2026-11-28T00:30:00Z'), hours); // Fri 19:30 ET (Sat 00:30 UTC)
    expect(friEvening).to.deep.equal({ open: false, opensOnDay: 1, daysAhead: 3, opensAtMinute: 540 });
    expect(businessStatus(at('2026-11-28T16:00:00Z'), hours)).to.include({ opensOnDay: 1, daysAhead: 2 }); // Sat 11:00
    expect(businessStatus(at('2026-11-29T16:00:00Z'), hours)).to.include({ opensOnDay: 1, daysAhead: 1 }); // Sun 11:00
  });

  it('use the local clock across a DST change (summer: UTC-4)', () => {
    expect(businessStatus(at('2026-07-07T13:30:00Z'), hours).open).to.equal(true); // Tue 09:30 EDT
    expect(businessStatus(at('2026-07-07T12:30:00Z'), hours).open).to.equal(false); // Tue 08:30 EDT
  });

  it('format times with plain spaces', () => {
    expect(formatClock(540)).to.equal('9:00 AM');
    expect(formatClock(0)).to.equal('12:00 AM');
    expect(formatClock(12 * 60 + 30)).to.equal('12:30 PM');
    expect(formatClock(17 * 60 + 5)).to.equal('5:05 PM');
  });

  describe('what the patient is told', () => {
    it('inside hours: the usual reply time when the help desk gave one, else no number', () => {
      expect(replyExpectation(at('2026-11-24T15:00:00Z'), hours)).to.equal('The help desk is open now; a member of the help desk will reply as soon as they can.');
      expect(replyExpectation(at('2026-11-24T15:00:00Z'), hours, 4)).to.equal('A member of the help desk usually replies within 4 business hours.');
      expect(replyExpectation(at('2026-11-24T15:00:00Z'), hours, 1)).to.equal('A member of the help desk usually replies within 1 business hour.');
    });

    it('after hours on a weekday: tomorrow, named', () => {
      expect(replyExpectation(at('2026-11-25T01:00:00Z'), hours)).to.equal("We're closed now; we'll reply after we open tomorrow (Wednesday) at 9:00 AM ET.");
    });

    it('early morning: today', () => {
      expect(replyExpectation(at('2026-11-24T11:00:00Z'), hours)).to.equal("We're closed now; we'll reply after we open today at 9:00 AM ET.");
    });

    it('on the weekend: the weekday', () => {
      expect(replyExpectation(at('2026-11-28T16:00:00Z'), hours)).to.equal("We're closed now; we'll reply after we open on Monday at 9:00 AM ET.");
    });
  });
});
