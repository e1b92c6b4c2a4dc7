import { MemoryStorage, type StoreItems } from 'botbuilder';

/** How often, at most, expired items are swept out of memory (on a write). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * botbuilder's in-memory storage with a time to live, renewed on every write, like
 * `RedisStorage` (STATE_TTL_SECONDS): without Redis, conversation state must not stay in the
 * process for as long as it runs. An expired item reads as absent, and expired items are swept
 * out at most once a minute.
 */
export class ExpiringMemoryStorage extends MemoryStorage {
  private readonly expiresAt = new Map<string, number>();
  private lastSweep: number;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.lastSweep = now();
  }

  /** How many items are held (expired ones until the next sweep). */
  get size(): number {
    return this.expiresAt.size;
  }

  override async read(keys: string[]): Promise<StoreItems> {
    const expired = keys.filter((key) => this.isExpired(key));
    if (expired.length) await this.delete(expired);
    return super.read(keys);
  }

  override async write(changes: StoreItems): Promise<void> {
    await super.write(changes);
    const until = this.now() + this.ttlSeconds * 1000;
    for (const key of Object.keys(changes)) this.expiresAt.set(key, until);
    await this.sweep();
  }

  override async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.expiresAt.delete(key);
    await super.delete(keys);
  }

  private isExpired(key: string): boolean {
    const until = this.expiresAt.get(key);
    return until !== undefined && until <= this.now();
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    const expired = [...this.expiresAt].filter(([, until]) => until <= now).map(([key]) => key);
    if (expired.length) await this.delete(expired);
  }
}
