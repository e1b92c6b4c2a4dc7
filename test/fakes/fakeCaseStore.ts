import type { CaseRecord, CaseStatus, CaseStore, CreateCaseOptions, NewCase } from '../../dialogs/ports';

/** A map-backed case store for dialog tests, with sequential readable ids. */
export class FakeCaseStore implements CaseStore {
  readonly kind = 'fake';
  readonly cases = new Map<string, CaseRecord>();
  readonly settings = new Map<string, unknown>();
  private seq = 0;

  async create(input: NewCase, options: CreateCaseOptions = {}): Promise<CaseRecord> {
    const existing = options.id ? this.cases.get(options.id) : undefined;
    if (existing) return structuredClone(existing);
    const at = (options.createdAt ?? new Date()).toISOString();
    const id = options.id ?? `UHS-TEST${String(++this.seq).padStart(2, '0')}`;
    const record: CaseRecord = { ...input, id, status: 'open', claimedBy: null, cardActivityId: null, events: [{ type: 'created', by: 'bot', at }], createdAt: at, updatedAt: at };
    this.cases.set(id, record);
    return structuredClone(record);
  }

  async get(id: string): Promise<CaseRecord | null> {
    const found = this.cases.get(id);
    return found ? structuredClone(found) : null;
  }

  async update(id: string, change: (current: CaseRecord) => CaseRecord): Promise<CaseRecord | null> {
    const found = this.cases.get(id);
    if (!found) return null;
    const next = { ...change(structuredClone(found)), id, createdAt: found.createdAt, updatedAt: new Date().toISOString() };
    this.cases.set(id, next);
    return structuredClone(next);
  }

  async list(filter: { status?: CaseStatus; limit?: number } = {}): Promise<CaseRecord[]> {
    const all = [...this.cases.values()].filter((c) => !filter.status || c.status === filter.status).reverse();
    return structuredClone(all.slice(0, filter.limit ?? all.length));
  }

  async findOpenByConversation(conversationId: string): Promise<CaseRecord | null> {
    const open = [...this.cases.values()].reverse().find((c) => c.status !== 'resolved' && c.conversationReference.conversation?.id === conversationId);
    return open ? structuredClone(open) : null;
  }

  async findByEmail(email: string): Promise<CaseRecord[]> {
    const key = email.trim().toLowerCase();
    return structuredClone([...this.cases.values()].reverse().filter((c) => c.replyEmail?.trim().toLowerCase() === key));
  }

  async delete(id: string): Promise<boolean> {
    return this.cases.delete(id);
  }

  async getSetting<T>(key: string): Promise<T | null> {
    return this.settings.has(key) ? (structuredClone(this.settings.get(key)) as T) : null;
  }

  async setSetting<T>(key: string, value: T): Promise<void> {
    this.settings.set(key, structuredClone(value));
  }
}
