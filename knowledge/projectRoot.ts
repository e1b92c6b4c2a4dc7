import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/**
 * The project root: the nearest directory at or above this file that holds `package.json`.
 * Walking up (instead of a fixed `../..`) keeps data files findable whether the code runs from
 * `dist/` or from a per-person `dist-<name>/`.
 */
export function projectRoot(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`projectRoot: no package.json above ${__dirname}`);
    dir = parent;
  }
}

/** The default folder of the knowledge entry files: `<project root>/knowledge/entries`. */
export function defaultEntriesDir(): string {
  return path.join(projectRoot(), 'knowledge', 'entries');
}

/** The default folder of the out-of-scope topic files: `<project root>/knowledge/out-of-scope`. */
export function defaultOutOfScopeDir(): string {
  return path.join(projectRoot(), 'knowledge', 'out-of-scope');
}
