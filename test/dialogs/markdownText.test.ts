import { expect } from 'chai';
import { cutMarkdown, markdownToHtml, markdownToPlainText, markdownToTeamsHtml, plainLink, plainToTeamsHtml } from '../../dialogs/markdownText';
import { capabilitiesText } from '../../dialogs/prompts/replies';
import { redact } from '../../dialogs/redact';
import { testKnowledge } from '../fakes/services';

describe('markdownText: the bot’s Markdown for places that do not render it', () => {
  const welcome = capabilitiesText('uhsportalhelp@umass.edu');

  describe('plain text (email text/plain)', () => {
    it('drops the bold marks and keeps the list one item a line', () => {
      const text = markdownToPlainText(welcome);
      expect(text).not.to.include('**');
      expect(text).to.include('Type cancel to stop a step, start over to begin again, or help at any time.');
      expect(text).to.include('\n- registering, "not active" errors');
      expect(text).to.include('\n- passwords, password emails');
      expect(text).to.include('In an emergency, call 911. For a mental-health crisis, call or text 988.');
    });

    it('spells a link as "text (address)", and a link whose text is its address as the address', () => {
      expect(markdownToPlainText('See [the login page](https://umass.medicatconnect.com/login.aspx).')).to.equal(
        'See the login page (https://umass.medicatconnect.com/login.aspx).',
      );
      expect(markdownToPlainText('Email [uhsportalhelp@umass.edu](mailto:uhsportalhelp@umass.edu).')).to.equal('Email uhsportalhelp@umass.edu.');
      expect(markdownToPlainText('Go to https://umass.medicatconnect.com now')).to.equal('Go to https://umass.medicatconnect.com now');
    });

    it('reads a mailto link whose address redaction masked as the mask, not as broken Markdown', () => {
      const recorded = redact('Email [uhsportalhelp@umass.edu](mailto:uhsportalhelp@umass.edu) for help.', { emails: true });
      expect(markdownToPlainText(recorded)).to.equal('Email [email redacted] for help.');
    });

    it('removes backslash escapes and joins a line break inside a paragraph with a space', () => {
      expect(markdownToPlainText('I checked **my\\_file\\*.pdf**: it is\na PDF.')).to.equal('I checked my_file*.pdf: it is a PDF.');
    });

    it('every knowledge answer loses its Markdown marks and keeps its words apart', () => {
      for (const entry of testKnowledge().entries.values()) {
        const text = markdownToPlainText(entry.answer);
        expect(text, entry.id).not.to.match(/\*\*|\]\(/);
        expect(text, entry.id).not.to.match(/[a-z][.,:;][A-Z][a-z]/);
      }
    });
  });

  describe('HTML (email text/html)', () => {
    it('renders bold and links as elements and escapes text that looks like markup', () => {
      const html = markdownToHtml('I checked **<script>alert(1)</script>.pdf**: see [the FAQ](https://www.umass.edu/uhs?a=1&b=2).');
      expect(html).to.include('<strong>&lt;script&gt;alert(1)&lt;/script&gt;.pdf</strong>');
      expect(html).to.include('<a href="https://www.umass.edu/uhs?a=1&amp;b=2">the FAQ</a>');
      expect(html).not.to.include('<script>');
    });

    it('never makes a javascript: link', () => {
      const html = markdownToHtml('[click](javascript:alert(1))');
      expect(html).not.to.include('href="javascript');
    });
  });

  describe('Teams HTML (textFormat xml)', () => {
    it('the welcome: bold as <b>, each list item on its own line, no Markdown marks', () => {
      const html = markdownToTeamsHtml(welcome);
      expect(html).not.to.include('**');
      expect(html).to.include('Type <b>cancel</b> to stop a step, <b>start over</b> to begin again, or <b>help</b> at any time.');
      expect(html).to.include('<br>• registering, &quot;not active&quot; errors');
      expect(html).to.include('<br>• passwords, password emails');
      expect(html).to.include('<b>In an emergency, call 911. For a mental-health crisis, call or text 988.</b>');
      expect(html).not.to.match(/\n/);
    });

    it('links become anchors, and text that looks like markup stays text', () => {
      expect(markdownToTeamsHtml('Use **claim** <case number> or [the FAQ](https://www.umass.edu/uhs).')).to.equal(
        'Use <b>claim</b> &lt;case number&gt; or <a href="https://www.umass.edu/uhs">the FAQ</a>.',
      );
    });

    it('plain text keeps its line breaks and shows markup as typed', () => {
      expect(plainToTeamsHtml('Reply from the help desk:\n\n**Hi** <b>there</b>')).to.equal('Reply from the help desk:<br><br>**Hi** &lt;b&gt;there&lt;/b&gt;');
    });
  });

  describe('cutMarkdown (the transcript keeps the start of long bot lines)', () => {
    it('cuts at a space outside bold and links, so no mark is left half open', () => {
      const md = '**Where do I find it?** See [the COVID-19 testing page](https://umass.edu/uhs/covid-19-testing) for details.';
      expect(cutMarkdown(md, 40, '...')).to.equal('**Where do I find it?** See...');
      expect(cutMarkdown(md, 18, '...')).to.equal('...');
      expect(cutMarkdown(md, 200, '...')).to.equal(md);
      const cut = cutMarkdown(md, 100, '...');
      expect(cut).to.equal('**Where do I find it?** See [the COVID-19 testing page](https://umass.edu/uhs/covid-19-testing)...');
      expect(markdownToPlainText(cut)).to.equal('Where do I find it? See the COVID-19 testing page (https://umass.edu/uhs/covid-19-testing)...');
    });

    it('text without a space is cut at the limit, mark included', () => {
      expect(cutMarkdown('x'.repeat(50), 20, '...')).to.equal(`${'x'.repeat(17)}...`);
    });
  });

  it('plainLink drops mailto: and repeats no address', () => {
    expect(plainLink('the help desk', 'mailto:uhsportalhelp@umass.edu')).to.equal('the help desk (uhsportalhelp@umass.edu)');
    expect(plainLink('https://a.example', 'https://a.example')).to.equal('https://a.example');
    expect(plainLink('Call 911', 'tel:911')).to.equal('Call 911 (911)');
  });
});
