import { expect } from 'chai';
import * as path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../knowledge/projectRoot';

/**
 * Every change to a case goes through the case service: outside `dialogs/cases/caseService.ts`
 * no product code calls a case store's `create`, `update` or `delete` (erasing a person's data
 * is a change to their cases too). Checked with the type checker, not
 * by name, so a store under another name, a narrowed `Pick<CaseStore, …>` or a concrete store
 * class is found too. The stores themselves (classes that implement `CaseStore`) may call their
 * own methods; tests may set up cases directly.
 */

const WRITES = new Set(['create', 'update', 'delete']);
const CASE_SERVICE = 'dialogs/cases/caseService.ts';

interface CaseWrite {
  file: string;
  line: number;
  text: string;
}

/** Every call of a case store's `create`, `update` or `delete` in bot/ and dialogs/, with where it is. */
function caseStoreWrites(): CaseWrite[] {
  const root = projectRoot();
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const product = parsed.fileNames.filter((f) => /^(bot|dialogs)\//.test(path.relative(root, f)));
  const program = ts.createProgram({ rootNames: product, options: { ...parsed.options, noEmit: true } });
  const checker = program.getTypeChecker();

  const portFile = program.getSourceFile(path.join(root, 'dialogs', 'ports', 'caseStore.ts'));
  const caseStoreDeclaration = portFile?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'CaseStore');
  if (!caseStoreDeclaration) throw new Error('the CaseStore port was not found');
  const caseStoreType = checker.getTypeAtLocation(caseStoreDeclaration);

  /** A class whose instances are case stores (an adapter, or a wrapper around one). */
  const isStoreClass = (node: ts.Node | undefined): node is ts.ClassLikeDeclaration =>
    !!node && ts.isClassLike(node) && checker.isTypeAssignableTo(checker.getTypeAtLocation(node), caseStoreType);

  /** Whether the method a call resolves to is the port's, or a store class's. */
  const isStoreMethod = (call: ts.CallExpression): boolean => {
    const declaration = checker.getResolvedSignature(call)?.getDeclaration();
    const owner = declaration?.parent;
    return owner === caseStoreDeclaration || isStoreClass(owner);
  };

  const writes: CaseWrite[] = [];
  for (const source of program.getSourceFiles()) {
    const file = path.relative(root, source.fileName).split(path.sep).join('/');
    if (!/^(bot|dialogs)\//.test(file)) continue;
    const visit = (node: ts.Node, insideStore: boolean): void => {
      const inStore = insideStore || isStoreClass(node);
      if (!inStore && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && WRITES.has(node.expression.name.text) && isStoreMethod(node)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        writes.push({ file, line: line + 1, text: node.expression.getText(source) });
      }
      ts.forEachChild(node, (child) => visit(child, inStore));
    };
    visit(source, false);
  }
  return writes;
}

describe('case writes (every change to a case goes through the case service)', function () {
  // One type-checked program of bot/ and dialogs/: a few seconds on a busy machine.
  this.timeout(120_000);
  let writes: CaseWrite[];

  before(() => {
    writes = caseStoreWrites();
  });

  it('finds the case service\'s own writes (the check sees case store calls at all)', () => {
    const own = writes.filter((w) => w.file === CASE_SERVICE);
    expect(own.map((w) => w.text)).to.include('this.options.cases.create').and.to.include('this.options.cases.update').and.to.include('this.options.cases.delete');
  });

  it('nothing else in bot/ or dialogs/ calls a case store\'s create, update or delete', () => {
    const elsewhere = writes.filter((w) => w.file !== CASE_SERVICE).map((w) => `${w.file}:${w.line} ${w.text}`);
    expect(elsewhere, 'change cases through CaseService (dialogs/cases/caseService.ts)').to.deep.equal([]);
  });
});
