import { expect } from 'chai';
import { answerSteps, passageFor } from '../../dialogs/prompts/continuation';
import { testKnowledge } from '../fakes/services';

describe('answerSteps: the numbered steps of an answer and what follows them', () => {
  const knowledge = testKnowledge();

  it('quotes the medical records steps and the text after them from the entry', () => {
    const { steps, after } = answerSteps(knowledge.get('medical-records-copy')?.answer ?? '');
    expect(steps).to.have.length(3);
    expect(steps[0]).to.equal('Login to your account and click the **"Forms"** tab.');
    expect(after).to.match(/^Allow at least \*\*10 business days\*\*/);
  });

  it('has nothing after the last step of the immunization records answer', () => {
    const { steps, after } = answerSteps(knowledge.get('immunization-records-copy')?.answer ?? '');
    expect(steps).to.have.length(2);
    expect(steps[1]).to.include('This will generate a PDF');
    expect(after).to.equal('');
  });

  it('keeps nested steps inside their step', () => {
    const { steps } = answerSteps('Intro.\n\n1. First\n2. Second\n    1. Nested\n3. Third\n\nAfter.');
    expect(steps).to.deep.equal(['First', 'Second\n    1. Nested', 'Third']);
  });

  it('finds no steps in an answer without a numbered list', () => {
    expect(answerSteps(knowledge.get('minor-child-account')?.answer ?? '')).to.deep.equal({ steps: [], after: '' });
  });
});

describe('passageFor: the passage of an answer a question in passing is about', () => {
  const knowledge = testKnowledge();

  it('the paragraph with the Forgot Password link, quoted as written', () => {
    const answer = knowledge.get('password-reset-problem')?.answer ?? '';
    const passage = passageFor(answer, 'where is the forgot password link');
    expect(passage).to.contain('"Forgot Password"');
    expect(answer).to.contain(passage ?? 'none');
  });

  it('a list with the sentence that introduces it (the NSIP fax)', () => {
    const passage = passageFor(knowledge.get('immunization-entry')?.answer ?? '', 'can i just fax it somewhere');
    expect(passage).to.contain('will accept faxes');
    expect(passage).to.contain('Fax: (413) 577-3252');
  });

  it('nothing when no paragraph shares a word', () => {
    expect(passageFor(knowledge.get('immunization-entry')?.answer ?? '', 'then what')).to.equal(null);
  });
});
