import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKnowledge } from '../../knowledge/loader';
import { defaultEntriesDir } from '../../knowledge/projectRoot';
import type { KnowledgeBase } from '../../knowledge/types';

let shared: KnowledgeBase | undefined;

/** The real knowledge base, loaded once for all tests (it is immutable). */
export function knowledge(): KnowledgeBase {
  shared ??= loadKnowledge();
  return shared;
}

/** A fresh, empty temporary folder (remove it with {@link removeDir}). */
export function emptyTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-test-'));
}

/** A fresh temporary folder holding a copy of the real entry files, for tests that break one. */
export function copyOfEntries(): string {
  const dir = emptyTempDir();
  for (const name of fs.readdirSync(defaultEntriesDir())) {
    fs.copyFileSync(path.join(defaultEntriesDir(), name), path.join(dir, name));
  }
  return dir;
}

/** Rewrites one file of `dir` through `edit`. */
export function editFile(dir: string, name: string, edit: (text: string) => string): void {
  const file = path.join(dir, name);
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`editFile: the edit changed nothing in ${name}`);
  fs.writeFileSync(file, after);
}

/** Removes a temporary folder made by {@link emptyTempDir} or {@link copyOfEntries}. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
