import { expect } from 'chai';
import {
  asksForNextStep,
  asksForNumber,
  calledFileName,
  readRestatedAnswer,
  reportsStillFailing,
  reportsWhatWasPressed,
  asksAside,
  asksForPending,
  asksWhichEmail,
  describesSymptom,
  namedFileKind,
  readGivenDetails,
  reportsWhatWasDone,
  asksWhatIsWrong,
  correctedQuestion,
  hear,
  isContactQuestion,
  isDoesntWork,
  isFrustration,
  isFollowUp,
  isObjection,
  isPersonRequest,
  isReplyTimeQuestion,
  isThanks,
  isUninformative,
  looksLikeBareFileName,
  readCommand,
  readFacts,
  readFollowUp,
  readDetail,
  readYesNo,
  reportsFailure,
  type Detail,
  type FollowUp,
  type PromptInfo,
  type YesNo,
} from '../../dialogs/prompts/recognizer';
import { testKnowledge } from '../fakes/services';

/** Each row: what people type, and what it must be read as. */
const YES_NO: Array<[string, YesNo | undefined]> = [
  ['Yes', 'yes'],
  ['yeah', 'yes'],
  ['yep', 'yes'],
  ['Yup!', 'yes'],
  ['sure', 'yes'],
  ['whatever yes', 'yes'],
  ['si', 'yes'],
  ['sí', 'yes'],
  ['ok', 'yes'],
  ['yes please', 'yes'],
  ['go ahead', 'yes'],
  ['i guess so', 'yes'],
  ['well i guess so', 'yes'],
  ['um yes i think', 'yes'],
  ['of course', 'yes'],
  ['i think the answer is yes', 'yes'],
  ['No', 'no'],
  ['nope', 'no'],
  ['nah', 'no'],
  ['no thanks', 'no'],
  ['Nope, not yet', 'no'],
  ["i don't", 'no'],
  ['not really', 'no'],
  ["i haven't", 'no'],
  ['i dont think so', 'no'],
  ['ugh no', 'no'],
  ['already did', 'tried'],
  ['i already tried that', 'tried'],
  ['tried that already', 'tried'],
  ['not sure', 'unsure'],
  ['idk', 'unsure'],
  ['maybe', 'unsure'],
  ['no idea', 'unsure'],
  ['yeah sure', 'yes'],
  ['ya i guess', 'yes'],
  ['i suppose so', 'yes'],
  ["that's fine", 'yes'],
  ['yesss', 'yes'],
  ['Sí, claro', 'yes'],
  ["yes that's what happened", 'yes'],
  ['nah im good', 'no'],
  ["i'm good thanks", 'no'],
  ['nahh', 'no'],
  ['no it didnt work', 'no'],
  ['i guess not', 'no'],
  ['yeah i already tried that', 'tried'],
  ['yes did that already', 'tried'],
  ['purple', undefined],
  ['how do I upload a file?', undefined],
  ['yes and no', undefined],
  ['no problem', undefined],
  ['', undefined],
];

const COMMANDS: Array<[string, ReturnType<typeof readCommand>]> = [
  ['cancel', 'cancel'],
  ['nvm', 'cancel'],
  ['never mind', 'cancel'],
  ['Nevermind.', 'cancel'],
  ['stop', 'cancel'],
  ['forget it', 'cancel'],
  ['start over', 'restart'],
  ['Start again', 'restart'],
  ['main menu', 'restart'],
  ['help', 'help'],
  ['?', 'help'],
  ['help with my password', null],
  ['stop sending me emails', null],
];

const PERSON: Array<[string, boolean]> = [
  ['can I talk to a real person', true],
  ['this is useless, I want to talk to a human', true],
  ['talk to a person', true],
  ['Talk to the help desk', true],
  ['get me a human', true],
  ['i need to speak with someone', true],
  ['connect me to an agent', true],
  ['please send this to the help desk', true],
  ['I just need a real person to fix it', true],
  ['i need someone to fix it', true],
  ['i just need a person', true],
  ['can a person fix this', true],
  ['i need a new password', false],
  ['can you pass my problem on to someone', true],
  ["i dont need the help desk, i just want to change my address", false],
  ["I don't want to talk to anyone", false],
  ['how do I reset my password', false],
  ['my personal information is wrong', false],
];

const OBJECTIONS: Array<[string, boolean]> = [
  ["huh? i dont need the help desk, i just want to change my address", true],
  ["that's not what I asked", true],
  ['no, stop', true],
  ["I didn't ask for that", true],
  ['no', false],
  ['my upload fails', false],
];

const THANKS: Array<[string, boolean]> = [
  ['thanks!!', true],
  ['thx', true],
  ['ok got it', true],
  ['ok i think i get it. thx', true],
  ['Thank you so much!', true],
  ['ty', true],
  ['cool thanks', true],
  ['thanks but it still does not work', false],
  ['thanks, how do I upload my card?', false],
  ['ok', false],
];

const UNINFORMATIVE: Array<[string, boolean]> = [
  ['help', true],
  ["it doesn't work", true],
  ['idk', true],
  ['I want to talk to a person', true],
  ['asdf', true],
  ['this bot is useless', true],
  ['My upload fails with a file type error', false],
  ['never got the password email', false],
];

describe('The recogniser (one for every prompt)', () => {
  describe('readYesNo', () => {
    for (const [text, expected] of YES_NO) it(`"${text}" → ${String(expected)}`, () => expect(readYesNo(text)).to.equal(expected));
  });
  describe('readCommand', () => {
    for (const [text, expected] of COMMANDS) it(`"${text}" → ${String(expected)}`, () => expect(readCommand(text)).to.equal(expected));
  });
  describe('isPersonRequest', () => {
    for (const [text, expected] of PERSON) it(`"${text}" → ${expected}`, () => expect(isPersonRequest(text)).to.equal(expected));
  });
  describe('isObjection', () => {
    for (const [text, expected] of OBJECTIONS) it(`"${text}" → ${expected}`, () => expect(isObjection(text)).to.equal(expected));
  });
  describe('isThanks', () => {
    for (const [text, expected] of THANKS) it(`"${text}" → ${expected}`, () => expect(isThanks(text)).to.equal(expected));
  });
  describe('isUninformative', () => {
    for (const [text, expected] of UNINFORMATIVE) it(`"${text}" → ${expected}`, () => expect(isUninformative(text)).to.equal(expected));
  });

  it('follow-ups and "what if that doesn\'t work"', () => {
    expect(isFollowUp('and after that?')).to.equal(true);
    expect(isFollowUp("what if that doesn't work?")).to.equal(true);
    expect(isFollowUp('how do I upload')).to.equal(false);
    expect(isDoesntWork("what if that doesn't work?")).to.equal(true);
    expect(isDoesntWork('and after that?')).to.equal(false);
  });

  it('facts said in passing', () => {
    expect(readFacts("I'm a grad student and need my covid card on file")).to.include({ role: 'student', umass: true });
    expect(readFacts('i work at umass, faculty')).to.include({ role: 'staff' });
    expect(readFacts("I'm at Hampshire, my address is wrong")).to.include({ umass: false });
    expect(readFacts('my first allergy appointment')).to.include({ firstAllergy: true });
    expect(readFacts('and after that can i book online?', true)).to.include({ firstAllergy: false });
    expect(readFacts('and after that can i book online?', false)).to.deep.equal({});
  });

  describe('looksLikeBareFileName: a name whose ending the computer hides', () => {
    const rows: Array<[string, boolean]> = [
      ['IMG_2231', true],
      ['scan001', true],
      ['vaccine-card', true],
      ['MyVaccineCard', true],
      ['photo', false],
      ['i dont have a file', false],
      ['jdoe@umass.edu', false],
      ['2023', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(looksLikeBareFileName(text)).to.equal(expected));
  });

  describe('isFollowUp: the topic just discussed, continued', () => {
    const rows: Array<[string, boolean]> = [
      ['and after that?', true],
      ['what if that doesnt work', true],
      ['where is that', true],
      ['how do i do that', true],
      ['how do i reset my password', false],
      ['where is the health center', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(isFollowUp(text)).to.equal(expected));
  });

  describe('readFollowUp: what a follow-up asks of the answer just given', () => {
    const rows: Array<[string, FollowUp | null]> = [
      ['then what', 'next'],
      ['and after that?', 'next'],
      ['ok and then?', 'next'],
      ['k what next', 'next'],
      ['ok so then what', 'next'],
      ['ok i clicked print now what', 'next'],
      ['where is that', 'where'],
      ['where do i find that', 'where'],
      ['wait where is that tab', 'where'],
      ['Where can I find this information?', 'where'],
      ['where do i even find that lol', 'where'],
      ["what if that doesn't work?", 'failed'],
      ['that didnt work', 'failed'],
      ['ugh that didnt work either', 'failed'],
      ['and if that doesnt work??', 'failed'],
      ['how do i do that', 'again'],
      ['what does that mean', 'again'],
      ['why not', 'why'],
      ['how come?', 'why'],
      ['where do i click', 'where'],
      ['so where would i go then', 'where'],
      ['ok where do i find them', 'where'],
      ['why is my name wrong', null],
      ['how do i reset my password', null],
      ['where is the health center', null],
      ['my upload keeps failing', null],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${String(expected)}`, () => expect(readFollowUp(text)).to.equal(expected));
  });

  describe('asksWhatIsWrong: a question about the file or upload at hand', () => {
    const rows: Array<[string, boolean]> = [
      ['whats wrong with it', true],
      ['WHATS WRONG WITH IT', true],
      ['why wont it upload', true],
      ["what's the problem with my file?", true],
      ["what's wrong with my address", false],
      ['why is my name wrong', false],
      ['vaccine_card.heic', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(asksWhatIsWrong(text)).to.equal(expected));
  });

  describe('correctedQuestion: what a correction asks for', () => {
    it('keeps the corrected question and drops what it is not', () => {
      expect(correctedQuestion('nvm i meant my medical records not immunization')).to.equal('my medical records');
      expect(correctedQuestion('sorry i meant how do i reset my password')).to.equal('how do i reset my password');
    });
    it('leaves other messages alone', () => {
      expect(correctedQuestion('how do i get my medical records')).to.equal(null);
      expect(correctedQuestion('i meant it')).to.equal(null);
    });
  });

  describe('isReplyTimeQuestion: when the help desk will answer', () => {
    const rows: Array<[string, boolean]> = [
      ['when will they answer', true],
      ['how long until someone replies', true],
      ['any update?', true],
      ["i still haven't heard back", true],
      ['how long does it take for spire updates to show in the portal', false],
      ['when will i get the password reset email', false],
      ['how long does it take to get my medical records', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(isReplyTimeQuestion(text)).to.equal(expected));
  });

  describe('isFrustration: annoyance that asks nothing', () => {
    const rows: Array<[string, boolean]> = [
      ['this is useless', true],
      ['ok whatever', true],
      ['thats ridiculous!!', true],
      ['ugh this is so frustrating', true],
      ['ugh that didnt work either', false],
      ['how do i reset my password', false],
      ['why did i get a bill from health services', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(isFrustration(text)).to.equal(expected));
  });

  describe('readDetail: a detail of the answer just given', () => {
    const rows: Array<[string, Detail | null]> = [
      ['how long does that take', 'time'],
      ['does it cost anything', 'cost'],
      ['is that free?', 'cost'],
      ['how much does a visit cost', null],
      ['how long does it take for spire updates to show in the portal', null],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${String(expected)}`, () => expect(readDetail(text)).to.equal(expected));
  });

  describe('reportsFailure: something went wrong, not how to do it', () => {
    const rows: Array<[string, boolean]> = [
      ['it keeps giving an error', true],
      ['my card wont upload', true],
      ['where do I upload my vaccine card', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(reportsFailure(text)).to.equal(expected));
  });

  describe('isContactQuestion: how to reach people', () => {
    const rows: Array<[string, boolean]> = [
      ['ok so nobody i can actually call?', true],
      ['whats the fax number for immunizations', true],
      ['is there a number i can call', true],
      ['my phone number is wrong', false],
    ];
    for (const [text, expected] of rows) it(`"${text}" → ${expected}`, () => expect(isContactQuestion(text)).to.equal(expected));
  });

  describe('hear: the order at a prompt', () => {
    const knowledge = testKnowledge();
    const yesNo: PromptInfo = { kind: 'yes-no', choices: ['Yes', 'No'], ownIntents: new Set(['password-reset-problem', 'no-password-email', 'login-spinning']) };
    const email: PromptInfo = { kind: 'email', ownIntents: new Set(['password-reset-problem']) };
    const file: PromptInfo = { kind: 'file', ownIntents: new Set(['upload-problem']) };
    const worked: PromptInfo = { kind: 'worked', choices: ['Yes, it worked', 'No, still failing'], ownIntents: new Set(['upload-problem']) };
    const description: PromptInfo = { kind: 'description', ownIntents: new Set(['human-handoff']), inHandoff: true };
    const rows: Array<[string, PromptInfo, string, string?]> = [
      ['i just want to end my life', email, 'emergency'],
      ['I want to kill myself', yesNo, 'emergency'],
      ['can I talk to a real person', file, 'person'],
      ['this is useless, I want to talk to a human', yesNo, 'person'],
      ['nvm', description, 'command'],
      ['start over', worked, 'command'],
      ["huh? i dont need the help desk, i just want to change my address", description, 'objection'],
      ['no', description, 'objection'],
      ['thanks!!', yesNo, 'thanks'],
      ['thanks!!', worked, 'answer', 'Yes, it worked'],
      ['yeah', yesNo, 'answer', 'Yes'],
      ['nope', worked, 'answer', 'No, still failing'],
      ['already did', worked, 'answer', 'No, still failing'],
      ["what if that doesn't work", worked, 'answer', 'No, still failing'],
      ['yeah i already tried that', worked, 'answer', 'No, still failing'],
      ['nope it still says error', worked, 'answer', 'No, still failing'],
      ['yes, i registered with my umass email', yesNo, 'answer', 'Yes'],
      ['no i never got the email', yesNo, 'answer', 'No'],
      ['yeah but how do i get my medical records', yesNo, 'question'],
      ['yes please send it to the help desk', { ...yesNo, offersHelpDesk: true }, 'answer', 'Yes'],
      ['please send this to the help desk', { ...yesNo, offersHelpDesk: true }, 'answer', 'Yes'],
      ['please send this to the help desk', yesNo, 'person'],
      ['no i dont want to explain to a bot', description, 'answer'],
      ['why do i have to type it all again', description, 'answer'],
      ['no i dont want to explain to a bot', yesNo, 'person'],
      ['thanks', { ...yesNo, inHandoff: true, offersHelpDesk: true }, 'answer', 'No'],
      ['yes thanks', yesNo, 'answer', 'Yes'],
      ['no thank you', yesNo, 'answer', 'No'],
      ['jdoe@umass.edu', email, 'answer'],
      ['vaccine_card.HEIC', file, 'answer'],
      ['i dont have a file', { ...file, choices: ["I don't know the name"] }, 'answer', "I don't know the name"],
      ['how do I get a copy of my medical records?', yesNo, 'question'],
      ['how do I get a copy of my medical records?', email, 'question'],
      ['My upload fails with a file type error', description, 'answer'],
    ];
    for (const [text, prompt, kind, value] of rows) {
      it(`"${text}" at a ${prompt.kind} prompt → ${kind}${value ? ` (${value})` : ''}`, () => {
        const heard = hear(text, prompt, knowledge);
        expect(heard.kind).to.equal(kind);
        if (value) expect((heard as { value?: string }).value).to.equal(value);
      });
    }
  });

  describe('what only a prompt makes of a message', () => {
    const knowledge = testKnowledge();

    it('a symptom described is a symptom; a symptom denied is not', () => {
      expect(describesSymptom('kinda burns when i pee tbh')).to.equal(true);
      expect(describesSymptom('theres a weird rash')).to.equal(true);
      expect(describesSymptom('no pain or anything')).to.equal(false);
      expect(describesSymptom('i feel fine')).to.equal(false);
    });

    it('at the symptoms question, a described symptom is its Yes; elsewhere it is not read so', () => {
      const sti: PromptInfo = { kind: 'choice', choices: ['Yes', 'No', 'Not sure'], question: 'Do you have any symptoms right now?' };
      expect(hear('kinda burns when i pee tbh', sti, knowledge)).to.deep.equal({ kind: 'answer', value: 'Yes' });
      const partner: PromptInfo = { kind: 'choice', choices: ['Yes', 'No', 'Not sure'], question: 'Have you had a known exposure?' };
      expect(hear('kinda burns when i pee tbh', partner, knowledge)).to.not.deep.equal({ kind: 'answer', value: 'Yes' });
    });

    it('an address (and date) typed at an offer that asks for them next is its Yes, with the details', () => {
      expect(readGivenDetails('sam.minuteman@umass.edu 04/15/2003')).to.deep.equal({ email: 'sam.minuteman@umass.edu', dob: '04/15/2003' });
      expect(readGivenDetails('my email is jdoe@UMass.edu.')).to.deep.equal({ email: 'jdoe@umass.edu' });
      expect(readGivenDetails('no email here')).to.deep.equal({});
      const offer: PromptInfo = { kind: 'yes-no', choices: ['Yes', 'No'], takesDetails: true };
      expect(hear('sam.minuteman@umass.edu', offer, knowledge)).to.deep.equal({ kind: 'answer', value: 'Yes', details: { email: 'sam.minuteman@umass.edu' } });
      // Where the yes asks for nothing (the handoff's consent), an address is no yes.
      expect(hear('sam.minuteman@umass.edu', { kind: 'yes-no', choices: ['Yes', 'No'], inHandoff: true }, knowledge)).to.not.have.property('value', 'Yes');
    });

    it('not knowing which email is a question, not a No', () => {
      for (const t of ['i dont remember which email i used', 'wait what email do i use my gmail or school one', 'which address do i put']) expect(asksWhichEmail(t), t).to.equal(true);
      expect(asksWhichEmail('no thanks')).to.equal(false);
      expect(hear('i dont remember which email i used', { kind: 'yes-no', choices: ['Yes', 'No'] }, knowledge)).to.deep.equal({ kind: 'aside', about: 'which-email' });
    });

    it('what was already done is not a yes; a bare "i did" still is', () => {
      expect(reportsWhatWasDone('i did use the submit button')).to.equal(true);
      expect(reportsWhatWasDone('i did')).to.equal(false);
      expect(reportsWhatWasDone('i have')).to.equal(false);
      expect(hear('i did', { kind: 'yes-no', choices: ['Yes', 'No'] }, knowledge)).to.deep.equal({ kind: 'answer', value: 'Yes' });
      expect(hear('i did use the submit button', { kind: 'yes-no', choices: ['Yes', 'No'] }, knowledge).kind).to.equal('aside');
    });

    it('questions in passing are asides; a failure report is not', () => {
      for (const t of ['where is the forgot password link', 'can i just fax it somewhere', 'what file types does it even take', 'wait how do i find it?']) expect(asksAside(t), t).to.equal(true);
      for (const t of ['what if that doesnt work', 'no', 'jdoe@umass.edu']) expect(asksAside(t), t).to.equal(false);
    });

    it('inside the handoff, a question is the description, not an aside', () => {
      const text = 'how come nobody told me about this before?';
      expect(hear(text, { kind: 'yes-no', choices: ['Yes', 'No'] }, knowledge).kind).to.equal('aside');
      expect(hear(text, { kind: 'description', inHandoff: true }, knowledge)).to.deep.equal({ kind: 'answer' });
    });

    it('a file type named at the file question', () => {
      expect(namedFileKind('its a word doc')).to.equal('docx');
      expect(namedFileKind("it's an iphone photo")).to.equal('heic');
      expect(namedFileKind('password')).to.equal(null);
      expect(hear('its a word doc', { kind: 'file', choices: [] }, knowledge)).to.deep.equal({ kind: 'aside', fileKind: 'docx' });
    });

    it('the second question still to come, named back', () => {
      expect(asksForPending('and the records part?', 'Copy of immunization records')).to.equal(true);
      expect(asksForPending('what about the other question', 'Copy of immunization records')).to.equal(true);
      expect(asksForPending('and the phone part?', 'Copy of immunization records')).to.equal(false);
      expect(asksForPending('yes', 'Copy of immunization records')).to.equal(false);
    });
  });
  describe('answers at a prompt in other words', () => {
    const knowledge = testKnowledge();
    const allergy = 'Is this your first Allergy Services appointment at UHS?';

    it('an answer that restates the question', () => {
      expect(readRestatedAnswer('its my first one', allergy)).to.equal('yes');
      expect(readRestatedAnswer('ive been before', allergy)).to.equal('no');
      expect(readRestatedAnswer('is it my first one?', allergy)).to.equal(undefined);
      expect(readRestatedAnswer('its my first one', 'Do you have any symptoms right now?')).to.equal(undefined);
    });

    it('which number, asked at a question', () => {
      expect(asksForNumber('what number')).to.equal(true);
      expect(asksForNumber('whats the number to call?')).to.equal(true);
      expect(asksForNumber('what number is on my card')).to.equal(false);
    });

    it('the next step asked for at an offer, but not a plain no', () => {
      for (const text of ['didnt work', 'then what', 'ok and then', 'still nothin']) expect(asksForNextStep(text), text).to.equal(true);
      for (const text of ['no', 'nope it didnt work', 'yes', 'still not']) expect(asksForNextStep(text), text).to.equal(false);
      const offer = { kind: 'yes-no' as const, choices: ['Yes', 'No'], takesDetails: true };
      expect(hear('didnt work', offer, knowledge)).to.deep.equal({ kind: 'aside', about: 'next-step' });
    });

    it('what was pressed, and a tip that still fails', () => {
      expect(reportsWhatWasPressed('i pressed enter')).to.equal(true);
      expect(reportsWhatWasPressed('i pressed enter?')).to.equal(false);
      expect(reportsStillFailing('ok i renamed it, still fails on my phone')).to.equal(true);
      expect(reportsStillFailing('it works now')).to.equal(false);
      expect(hear('ok i renamed it, still fails on my phone', { kind: 'worked', choices: ['Yes, it worked', 'No, still failing'] }, knowledge)).to.deep.equal({ kind: 'answer', value: 'No, still failing' });
    });

    it('a file name after called, spaces and all', () => {
      expect(calledFileName('the file is called Immunization Record #2 (final) & signed.pdf')).to.equal('Immunization Record #2 (final) & signed.pdf');
      expect(calledFileName('its called "card.jpg"')).to.equal('card.jpg');
      expect(calledFileName('i dont know what its called')).to.equal(null);
    });

    it('which email, asked inside the handoff', () => {
      expect(hear('wait what email do you mean? my umass one?', { kind: 'description', inHandoff: true }, knowledge)).to.deep.equal({ kind: 'aside', about: 'reply-email' });
    });
  });
});
