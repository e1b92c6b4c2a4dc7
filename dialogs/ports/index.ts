/** The ports the dialogs own; adapters implementing them live in `bot/adapters`. */
export * from './portalDirectory';
export * from './mailer';
export * from './rateLimiter';
export * from './logger';
export * from './caseStore';
export * from './escalationOutbox';
export * from './caseNotifier';
export * from './insights';
export * from './patientChat';
