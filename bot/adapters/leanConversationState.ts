import { calculateChangeHash, ConversationState, type Storage, type StoreItem, type TurnContext } from 'botbuilder-core';

/** A stored item as read by a {@link JsonStateStorage}: the parsed item (with its eTag) and the JSON it was parsed from. */
export interface JsonStoreItem {
  item: StoreItem;
  /** The stored JSON of the item without its eTag, exactly as written. */
  json: string;
}

/**
 * A `Storage` that also reads and writes one item as its JSON text. Conversation state is
 * serialised anyway to see whether it changed; handing that text to the storage, and taking the
 * stored text as the baseline on load, spares two of the three `JSON.stringify` calls of a turn
 * (the load bench profiled state serialisation at about a tenth of an in-process turn).
 * `RedisStorage` implements it; `LeanConversationState` uses it when its storage does.
 */
export interface JsonStateStorage extends Storage {
  /** Reads one item, or `undefined` when there is none. */
  readJson(key: string): Promise<JsonStoreItem | undefined>;
  /**
   * Writes one item given as the JSON of its value without the eTag, under the same eTag rules
   * as `write` (`*` writes whatever is stored).
   */
  writeJson(key: string, json: string, eTag: string): Promise<void>;
}

/** Whether `storage` can read and write items as JSON text. */
export function isJsonStateStorage(storage: Storage): storage is JsonStateStorage {
  const candidate = storage as Partial<JsonStateStorage>;
  return typeof candidate.readJson === 'function' && typeof candidate.writeJson === 'function';
}

/** What one turn holds of the state: the object the dialogs change, and its JSON as loaded or last saved. */
interface CachedState {
  state: Record<string, unknown>;
  /** JSON of `state` without its eTag; `''` forces the next save. */
  json: string;
}

/**
 * The JSON of a state object without its eTag (which storage sets, and `saveChanges` sets to
 * `*`). Plain `JSON.stringify`: state is plain data read from storage. A value it cannot
 * serialise (a cycle) falls back to botbuilder's own hash, which handles those, so a
 * programming error shows where it happens (the storage write) rather than here.
 */
function snapshot(state: Record<string, unknown>): string {
  try {
    return JSON.stringify({ ...state, eTag: undefined });
  } catch {
    return `hash:${calculateChangeHash(state)}`;
  }
}

/**
 * `ConversationState` with cheaper change detection; same storage keys, same accessors, same
 * behaviour.
 *
 * botbuilder's `BotState` decides whether to save by hashing the state three times a turn (on
 * load, before the save and again after it), each time with a `JSON.stringify` that calls a
 * replacer function for every value, then SHA-256. The load bench profiled that at about a
 * tenth of a whole turn of this bot. This class keeps the JSON of the state as loaded
 * (one native `JSON.stringify`), compares it with the JSON at the end of the turn (a second
 * one), and keeps that as the new baseline after a save, so nothing is serialised a third time.
 *
 * Over a {@link JsonStateStorage} the baseline is the stored JSON itself and the save hands its
 * JSON to the storage, so a turn serialises the state once.
 *
 * It overrides every `BotState` method that touches the per-turn cache (`load`, `saveChanges`,
 * `clear`, `delete`, `get`), because that cache's turn-state key is private to `BotState`.
 */
export class LeanConversationState extends ConversationState {
  /** This instance's turn-state key (one per instance, like `BotState`'s own). */
  private readonly cacheKey = Symbol('LeanConversationState');

  constructor(storage: Storage, namespace = '') {
    super(storage, namespace);
  }

  /** Loads the state once per turn (again with `force`) and remembers its JSON. */
  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get<CachedState | undefined>(this.cacheKey);
    if (cached && !force) return cached.state;
    const key = await this.storageKey(context);
    let loaded: CachedState;
    if (isJsonStateStorage(this.storage)) {
      // The stored JSON is what `snapshot` gives for the item as read (it was written from a
      // snapshot, or by `write` with the same JSON.stringify). Were it written differently, the
      // only effect is one save of an unchanged state.
      const stored = await this.storage.readJson(key);
      loaded = stored ? { state: stored.item, json: stored.json } : { state: {}, json: snapshot({}) };
    } else {
      const items = await this.storage.read([key]);
      const state = (items[key] as Record<string, unknown> | undefined) ?? {};
      loaded = { state, json: snapshot(state) };
    }
    context.turnState.set(this.cacheKey, loaded);
    return loaded.state;
  }

  /** Writes the state when its JSON differs from the loaded (or last saved) one, or with `force`. */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get<CachedState | undefined>(this.cacheKey);
    if (!cached && !force) return;
    cached ??= { state: {}, json: '' };
    const key = await this.storageKey(context);
    // Nothing awaits between the snapshot and the write, so the JSON written is the state's.
    const json = snapshot(cached.state);
    if (!force && json === cached.json) return;
    // Last writer wins, as with botbuilder's BotState.
    cached.state.eTag = '*';
    if (isJsonStateStorage(this.storage)) await this.storage.writeJson(key, json, '*');
    else await this.storage.write({ [key]: cached.state });
    cached.json = json;
    context.turnState.set(this.cacheKey, cached);
  }

  /** Empties the state for this turn; the next `saveChanges` writes the empty state. */
  override clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.cacheKey, { state: {}, json: '' } satisfies CachedState);
    return Promise.resolve();
  }

  /** Forgets the turn's copy and deletes the stored state. */
  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    await this.storage.delete([await this.storageKey(context)]);
  }

  /** The state loaded this turn, or `undefined` before `load`. */
  override get(context: TurnContext): Record<string, unknown> | undefined {
    const cached = context.turnState.get<CachedState | undefined>(this.cacheKey);
    return cached?.state;
  }
}
