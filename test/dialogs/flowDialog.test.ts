import { expect } from 'chai';
import { MemoryStorage } from 'botbuilder-core';
import { DialogSet, TextPrompt, type Dialog } from 'botbuilder-dialogs';
import { dialogsWithDependencies, FlowDialog, sharedDialog } from '../../dialogs/flows/flowHelpers';
import { OFFER_HELPDESK_DIALOG, offerHelpDeskDialog, OFFER_HELPDESK_PROMPT } from '../../dialogs/cases/offerHelpDeskDialog';
import { ACCOUNT_STATUS_DIALOG, AccountStatusDialog } from '../../dialogs/flows/accountStatusDialog';
import { CovidVaccineDialog } from '../../dialogs/flows/covidVaccineDialog';
import { UPLOAD_DIAGNOSIS_DIALOG, uploadDiagnosisDialog } from '../../dialogs/flows/uploadDiagnosisDialog';
import { DIALOG_STACK_LAYOUT } from '../../dialogs/mainDialog';
import { makeTestServices } from '../fakes/services';
import { BotHarness } from '../support/botHarness';

/** A flow with one prompt of its own and the shared help-desk offer. */
class ProbeFlow extends FlowDialog {
  constructor(id: string, dependencies: Dialog[]) {
    super(id);
    dependencies.forEach((dialog) => this.addDependency(dialog));
    this.setSteps([async (step) => step.endDialog('probe')]);
  }
}

describe('Flows in one dialog set (FlowDialog, sharedDialog)', () => {
  it('a DialogSet that gets a flow also gets its prompts and sub-dialogs, transitively', () => {
    const services = makeTestServices();
    const set = new DialogSet();
    set.add(new AccountStatusDialog(services));
    expect(set.find(ACCOUNT_STATUS_DIALOG)).to.be.instanceOf(AccountStatusDialog);
    expect(set.find(OFFER_HELPDESK_DIALOG)).to.equal(offerHelpDeskDialog(services));
    // The offer's own Yes/No prompt came with it.
    expect(set.find(OFFER_HELPDESK_PROMPT)).to.not.equal(undefined);
  });

  it('shares one sub-dialog instance per services object, so no id is renamed', () => {
    const services = makeTestServices();
    expect(offerHelpDeskDialog(services)).to.equal(offerHelpDeskDialog(services));
    expect(offerHelpDeskDialog(makeTestServices())).to.not.equal(offerHelpDeskDialog(services));
    // COVID-19 vaccination hands over to the same upload diagnosis the main dialog starts.
    const covid = new CovidVaccineDialog(services);
    expect(covid.getDependencies()).to.include(uploadDiagnosisDialog(services));
    const set = new DialogSet();
    set.add(uploadDiagnosisDialog(services));
    set.add(covid);
    expect(uploadDiagnosisDialog(services).id).to.equal(UPLOAD_DIAGNOSIS_DIALOG);
    expect(set.find(`${UPLOAD_DIAGNOSIS_DIALOG}2`)).to.equal(undefined);
  });

  it('refuses a factory whose dialog has another id than the one it is shared under', () => {
    expect(() => sharedDialog(makeTestServices(), 'expected', () => new ProbeFlow('other', []))).to.throw(/"other", expected "expected"/);
  });

  it('lists every dialog with its dependencies, and names an id two different dialogs share', () => {
    const prompt = new TextPrompt('probe.prompt');
    const inner = new ProbeFlow('probe.inner', [prompt]);
    const found = dialogsWithDependencies([new ProbeFlow('probe.outer', [inner, prompt])]);
    expect([...found.keys()]).to.deep.equal(['probe.outer', 'probe.inner', 'probe.prompt']);
    expect(() => dialogsWithDependencies([new ProbeFlow('a', [new TextPrompt('same')]), new ProbeFlow('b', [new TextPrompt('same')])])).to.throw(/"same"/);
  });

  it('keeps a route out of the saved stack once its dialog started (the handoff holds the transcript once)', async () => {
    const storage = new MemoryStorage();
    const bot = new BotHarness({}, storage);
    expect(BotHarness.text(await bot.say('I want to talk to a person'))).to.match(/what is the problem\?/i);
    const conversation = bot.adapter.conversation;
    const key = `${conversation.channelId}/conversations/${conversation.conversation.id}/`;
    const saved = (await storage.read([key]))[key] as { dialogState: { dialogStack: Array<{ id: string; state: { options?: object } }> } };
    expect(saved.dialogState.dialogStack.map((d) => d.id)).to.deep.equal(['mainDialog.router', 'handoffDialog', 'handoffDialog.description']);
    expect(saved.dialogState.dialogStack[0].state.options).to.deep.equal({});
    expect(JSON.stringify(saved).split('"transcript"')).to.have.length(3); // memory's and the handoff's
  });

  it('drops a dialog stack saved in the nested layout of an earlier version: the message is answered afresh', async () => {
    const storage = new MemoryStorage();
    const bot = new BotHarness({}, storage);
    expect(BotHarness.text(await bot.say('do I already have an account?'))).to.include('Shall I check?');
    const conversation = bot.adapter.conversation;
    const key = `${conversation.channelId}/conversations/${conversation.conversation.id}/`;
    const saved = (await storage.read([key]))[key];
    expect(saved.dialogState.layout).to.equal(DIALOG_STACK_LAYOUT);
    // What layout 1 saved mid-flow: the flow as a ComponentDialog holding its own stack.
    saved.dialogState = {
      dialogStack: [
        { id: 'mainDialog.router', state: { options: {}, values: {}, stepIndex: 0 } },
        { id: ACCOUNT_STATUS_DIALOG, state: { dialogs: { dialogStack: [{ id: 'accountStatusDialog.waterfall', state: { stepIndex: 0 } }] } } },
      ],
    };
    saved.eTag = '*';
    await storage.write({ [key]: saved });

    const replies = await bot.say('how do I get a copy of my medical records?');
    expect(BotHarness.text(replies)).to.include('Release of Information UHS');
  });
});
