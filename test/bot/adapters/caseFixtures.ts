import type { NewCase } from '../../../dialogs/ports';

/** A case as the handoff dialog would create it. */
export function newCase(conversationId = 'conv-1', overrides: Partial<NewCase> = {}): NewCase {
  return {
    topic: 'Upload problem',
    intent: 'upload-problem',
    summary: 'upload fails',
    replyEmail: 'jdoe@umass.edu',
    transcriptConsent: true,
    diagnostics: { trigger: 'user-asked' },
    transcript: [{ from: 'user', text: 'hello', at: '2026-11-24T15:00:00.000Z' }],
    conversationReference: { conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' }, channelId: 'directline', serviceUrl: 'http://localhost' },
    ...overrides,
  };
}

/** A clock that moves one second on every reading, so creation order is unambiguous. */
export function steppingClock(start = Date.parse('2026-11-24T15:00:00Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}
