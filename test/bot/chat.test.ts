import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import { ConsoleAdapter, terminalText } from '../../bot/chat';
import { capabilitiesText, markdown } from '../../dialogs/prompts/replies';

describe('terminal chat: Markdown shown readably', () => {
  it('bold as ANSI bold on a terminal, as plain words in a pipe; no asterisks either way', () => {
    expect(terminalText('Your case number is **UHS-GNXZ3Q**.', true)).to.equal('Your case number is \u001b[1mUHS-GNXZ3Q\u001b[22m.');
    expect(terminalText('Your case number is **UHS-GNXZ3Q**.', false)).to.equal('Your case number is UHS-GNXZ3Q.');
  });

  it('links as text and address; an address shown once; mailto: dropped', () => {
    expect(terminalText('visit **[umass.medicatconnect.com](https://umass.medicatconnect.com)**.', false)).to.equal('visit umass.medicatconnect.com <https://umass.medicatconnect.com>.');
    expect(terminalText('at [https://umass.medicatconnect.com](https://umass.medicatconnect.com), choose', false)).to.equal('at https://umass.medicatconnect.com, choose');
    expect(terminalText('email [uhsportalhelp@umass.edu](mailto:uhsportalhelp@umass.edu)', false)).to.equal('email uhsportalhelp@umass.edu');
  });

  it('quotes indented with a bar, escapes removed', () => {
    expect(terminalText('> Only images are allowed!\n\nfile IMG\\_0044.jpg', false)).to.equal('  | Only images are allowed!\n\nfile IMG_0044.jpg');
  });

  it('the welcome, printed by the console adapter, has no Markdown left', async () => {
    const lines: string[] = [];
    const adapter = new ConsoleAdapter((line) => lines.push(line), false);
    await adapter.sendActivities({} as TurnContext, [markdown(capabilitiesText('uhsportalhelp@umass.edu'))]);
    const printed = lines.join('\n');
    expect(printed).to.contain('Type cancel to stop a step');
    expect(printed).to.not.match(/\*\*|\]\(/);
  });
});
