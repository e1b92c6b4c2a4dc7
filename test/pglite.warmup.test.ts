import { warmPgliteTemplate } from './support/postgres';

// A root hook (outside any describe): runs once before the whole suite. See warmPgliteTemplate.
before(async function () {
  this.timeout(180000);
  await warmPgliteTemplate();
});
