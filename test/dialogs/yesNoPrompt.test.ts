import { expect } from 'chai';
import { recognizeYesNo } from '../../dialogs/yesNoPrompt';

describe('Yes/No recognition', () => {
  for (const text of ['Yes', 'yes please', 'Y', 'yeah!', 'Sure, go ahead', 'ok', 'Okay.', 'go ahead', 'do it', '1']) {
    it(`reads "${text}" as yes`, () => expect(recognizeYesNo(text)).to.equal(true));
  }
  for (const text of ['No', 'no thanks', 'N', 'nope', 'nah.', 'not now', "don't", '2']) {
    it(`reads "${text}" as no`, () => expect(recognizeYesNo(text)).to.equal(false));
  }
  for (const text of ['', '   ', 'maybe', 'what do you mean?', 'jane.doe@umass.edu', 'I already have an account']) {
    it(`reads "${text}" as neither`, () => expect(recognizeYesNo(text)).to.equal(undefined));
  }
});
