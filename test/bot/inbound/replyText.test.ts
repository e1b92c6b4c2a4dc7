import { expect } from 'chai';
import { htmlToPlainText, stripQuotedReply } from '../../../bot/inbound/replyText';

describe('stripQuotedReply', () => {
  it('cuts Gmail/Apple "On … wrote:" history, also when the line is wrapped', () => {
    expect(stripQuotedReply('Please try Chrome.\n\nOn Tue, Nov 24, 2026 at 10:00 AM Bot <no-reply@uhs.umass.edu> wrote:\n> Case UHS-7K3Q9D\n> transcript')).to.equal('Please try Chrome.');
    expect(stripQuotedReply('Try again now.\nOn Tue, Nov 24, 2026 at 10:00 AM UHS Portal Help Bot <\nno-reply@uhs.umass.edu> wrote:\n> old')).to.equal('Try again now.');
  });

  it('cuts Outlook "-----Original Message-----" and "From: … Sent: …" blocks', () => {
    expect(stripQuotedReply('Fixed it.\r\n\r\n-----Original Message-----\r\nFrom: Bot\r\nSent: Tuesday\r\nSubject: [UHS-7K3Q9D]')).to.equal('Fixed it.');
    expect(stripQuotedReply('Fixed it.\n\n________________________________\nFrom: UHS Portal Help Bot <no-reply@uhs.umass.edu>\nSent: Tuesday, November 24, 2026 10:01 AM\nTo: UHS Portal Help')).to.equal('Fixed it.');
    expect(stripQuotedReply('Fixed it.\n\nFrom: UHS Portal Help Bot <no-reply@uhs.umass.edu>\nDate: Tuesday, November 24, 2026\nSubject: x')).to.equal('Fixed it.');
  });

  it('cuts German Outlook ("Von:/Gesendet:") and French ("Le … a écrit :", "De :/Envoyé :") history', () => {
    const german = 'Bitte laden Sie ein PDF hoch.\n\nVon: UHS Portal Help Bot <no-reply@uhs.umass.edu>\nGesendet: Dienstag, 24. November 2026 10:01\nAn: UHS Portal Help <uhsportalhelp@umass.edu>\nBetreff: [UHS-7K3Q9D] Upload problem\n\nCase: UHS-7K3Q9D\nReply email: jdoe@umass.edu';
    expect(stripQuotedReply(german)).to.equal('Bitte laden Sie ein PDF hoch.');
    const gmailFrench = 'Merci, essayez un PDF.\n\nLe mar. 24 nov. 2026 à 10:01, UHS Portal Help Bot <no-reply@uhs.umass.edu> a écrit :\n\nCase: UHS-7K3Q9D\nReply email: jdoe@umass.edu';
    expect(stripQuotedReply(gmailFrench)).to.equal('Merci, essayez un PDF.');
    const outlookFrench = 'Merci, essayez un PDF.\n\nDe : UHS Portal Help Bot <no-reply@uhs.umass.edu>\nEnvoyé : mardi 24 novembre 2026 10:01\nÀ : UHS Portal Help\nObjet : [UHS-7K3Q9D] Upload problem\n\nCase: UHS-7K3Q9D';
    expect(stripQuotedReply(outlookFrench)).to.equal('Merci, essayez un PDF.');
    const germanGmail = 'Probieren Sie es bitte erneut.\n\nAm Di., 24. Nov. 2026 um 10:01 Uhr schrieb UHS Portal Help Bot <no-reply@uhs.umass.edu>:\n\nCase: UHS-7K3Q9D';
    expect(stripQuotedReply(germanGmail)).to.equal('Probieren Sie es bitte erneut.');
  });

  it('removes ">" quoted lines and the signature', () => {
    expect(stripQuotedReply('> you said\nHere is the answer.\n> more\nSecond line.\n-- \nJane Doe\nUHS IT')).to.equal('Here is the answer.\nSecond line.');
  });

  it('keeps an ordinary "From:" line that is not a header block', () => {
    expect(stripQuotedReply('From: the portal home page, click Upload.\nThen choose the file.')).to.equal('From: the portal home page, click Upload.\nThen choose the file.');
  });

  it('collapses blank runs and caps the length', () => {
    expect(stripQuotedReply('a\n\n\n\nb')).to.equal('a\n\nb');
    const long = stripQuotedReply('x'.repeat(5000), 100);
    expect(long.length).to.equal(100);
    expect(long.endsWith('…')).to.equal(true);
  });

  it('returns empty text for a reply that is only quotes', () => {
    expect(stripQuotedReply('> only\n> quotes')).to.equal('');
  });
});

describe('htmlToPlainText', () => {
  it('keeps line breaks, drops quoted blockquotes, scripts and tags, decodes entities', () => {
    const html = '<div>Hi &amp; welcome<br>Line 2</div><script>x()</script><blockquote>old mail</blockquote><p>End &lt;3</p>';
    expect(htmlToPlainText(html).trim()).to.equal('Hi & welcome\nLine 2\nEnd <3');
  });
});
