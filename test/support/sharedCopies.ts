import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../knowledge/projectRoot';

/**
 * Files the tests need from the steering folder `../shared` (beside the project, not part of it),
 * copied into `test/fixtures/` so that a fresh clone runs every test without it. `original` is
 * relative to `../shared`, `copy` to the project root.
 */
export const SHARED_COPIES: ReadonlyArray<{ readonly original: string; readonly copy: string }> = [
  { original: 'eval/dev.tsv', copy: 'test/fixtures/dev.tsv' },
  { original: 'seed/000_c32a69e188b974f7.txt', copy: 'test/fixtures/seed/000_c32a69e188b974f7.txt' },
];

/** The path of a file in the project, for a `copy` of {@link SHARED_COPIES}. */
export function fixturePath(copy: string): string {
  return path.join(projectRoot(), copy);
}

/** The shared folder beside the project, or `null` when there is none (a fresh clone). */
export function sharedFolder(): string | null {
  const dir = path.resolve(projectRoot(), '..', 'shared');
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : null;
}
