import { expect } from 'chai';
import { ConversationStore, DEFAULT_CONVERSATION_LIMITS, type ConversationLimits } from '../../../bot/directline/conversationStore';

describe('local Direct Line conversation store', () => {
  let now = 1_000_000;
  const clock = () => now;
  const make = (limits: Partial<ConversationLimits> = {}) => new ConversationStore({ ...DEFAULT_CONVERSATION_LIMITS, ...limits }, clock);

  it('keeps watermarks absolute when old activities are dropped', () => {
    const store = make({ maxActivitiesPerConversation: 3 });
    const conversation = store.getOrCreate('c') ?? expect.fail('created');
    const ids = [1, 2, 3, 4, 5].map((n) => store.append(conversation, { type: 'message', text: `m${n}` }).id);
    expect(ids[0]).to.equal('c|0000001');
    expect(conversation.watermark).to.equal(5);
    // m1 and m2 are gone; a client at watermark 0 or 1 resumes at the oldest kept one.
    expect(conversation.page(0, 10)?.activities.map((a) => a.text)).to.deep.equal(['m3', 'm4', 'm5']);
    expect(conversation.page(0, 10)?.watermark).to.equal(5);
    expect(conversation.page(3, 1)).to.deep.include({ watermark: 4 });
    expect(conversation.page(5, 10)).to.deep.equal({ activities: [], watermark: 5 });
    expect(conversation.page(6, 10)).to.equal(undefined);
    expect(conversation.find(ids[4])?.text).to.equal('m5');
    expect(conversation.find(ids[0])).to.equal(undefined);
  });

  it('refuses new conversations over the cap, but still returns existing ones', () => {
    const store = make({ maxConversations: 1 });
    expect(store.getOrCreate('a')).to.not.equal(undefined);
    expect(store.getOrCreate('b')).to.equal(undefined);
    expect(store.getOrCreate('a')?.id).to.equal('a');
  });

  it('enforces the attachment quotas per conversation and in total', () => {
    const store = make({ maxAttachmentsPerConversation: 2, maxAttachmentBytesPerConversation: 10, maxAttachmentBytesTotal: 15 });
    const a = store.getOrCreate('a') ?? expect.fail('created');
    const b = store.getOrCreate('b') ?? expect.fail('created');
    const file = (size: number) => ({ name: 'f', contentType: 'text/plain', bytes: Buffer.alloc(size) });
    expect(store.addAttachment(a, file(6))).to.have.property('id');
    expect(store.addAttachment(a, file(5))).to.equal('conversation-quota'); // 11 bytes > 10
    expect(store.addAttachment(a, file(4))).to.have.property('id');
    expect(store.addAttachment(a, file(0))).to.equal('conversation-quota'); // 3 files > 2
    expect(store.addAttachment(b, file(6))).to.equal('total-quota'); // 16 bytes > 15
    expect(store.addAttachment(b, file(5))).to.have.property('id');
  });

  it('sweeps conversations idle longer than the limit, with their files, and frees their bytes', () => {
    const store = make({ idleSeconds: 60, maxAttachmentBytesTotal: 10 });
    const idle = store.getOrCreate('idle') ?? expect.fail('created');
    const file = store.addAttachment(idle, { name: 'f', contentType: 'text/plain', bytes: Buffer.alloc(10) });
    if (typeof file === 'string') expect.fail(file);
    now += 30_000;
    const busy = store.getOrCreate('busy') ?? expect.fail('created');
    now += 31_000;
    store.get('busy'); // touching a conversation keeps it alive
    expect(store.sweep()).to.equal(1);
    expect(store.get('idle')).to.equal(undefined);
    expect(store.attachment(file.id)).to.equal(undefined);
    expect(store.get('busy')).to.equal(busy);
    // the 10 bytes of the swept file are free again
    expect(store.addAttachment(busy, { name: 'g', contentType: 'text/plain', bytes: Buffer.alloc(10) })).to.have.property('id');
  });

  it('sweeps on a timer that does not keep the process alive, and close() forgets everything', () => {
    const store = make();
    store.startSweeping(1000);
    const timer = (store as unknown as { sweeper: NodeJS.Timeout }).sweeper;
    expect(timer.hasRef()).to.equal(false);
    store.getOrCreate('a');
    store.close();
    expect(store.size).to.equal(0);
    expect((store as unknown as { sweeper?: NodeJS.Timeout }).sweeper).to.equal(undefined);
  });
});
