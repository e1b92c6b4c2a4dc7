import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturePath, SHARED_COPIES, sharedFolder } from './support/sharedCopies';

/**
 * The tests read copies of the shared files (`test/fixtures/`), never `../shared` itself. Where
 * the shared folder is beside the project, the copies must still equal it; in a fresh clone
 * without it there is nothing to compare with, and only then is the comparison skipped.
 */
describe('copies of the shared files in test/fixtures', () => {
  for (const { original, copy } of SHARED_COPIES) {
    it(`${copy} is a copy of ../shared/${original}`, function () {
      expect(fs.existsSync(fixturePath(copy)), copy).to.equal(true);
      const shared = sharedFolder();
      if (shared === null) {
        // Skipped only for want of the folder: the copy is what every other test uses.
        console.log(`      (no ../shared folder beside the project: ${copy} is not compared with ../shared/${original})`);
        this.skip();
      }
      const originalPath = path.join(shared, original);
      expect(fs.existsSync(originalPath), `../shared/${original} is missing`).to.equal(true);
      expect(fs.readFileSync(fixturePath(copy), 'utf8'), `${copy} differs from ../shared/${original}: copy it again`).to.equal(
        fs.readFileSync(originalPath, 'utf8'),
      );
    });
  }
});
