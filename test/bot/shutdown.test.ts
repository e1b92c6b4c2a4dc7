import { expect } from 'chai';
import { Shutdown } from '../../bot/shutdown';

describe('Shutdown', () => {
  it('runs every step once, in order, past a step that throws, rejects or never finishes', async () => {
    const ran: string[] = [];
    const shutdown = new Shutdown()
      .add(() => ran.push('server'))
      .add(() => {
        ran.push('throws');
        throw new Error('down');
      })
      .add(() => {
        ran.push('rejects');
        return Promise.reject(new Error('down'));
      })
      .add(() => {
        ran.push('hangs');
        return new Promise(() => undefined);
      }, 20)
      .add(() => ran.push('database'));
    await shutdown.run();
    await shutdown.run();
    expect(ran).to.deep.equal(['server', 'throws', 'rejects', 'hangs', 'database']);
  });
});
