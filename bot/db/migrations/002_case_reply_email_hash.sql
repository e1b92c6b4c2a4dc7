-- Finding a person's cases by their email address (npm run data:delete -- --email) without an
-- index of addresses in clear: the SHA-256 of the address trimmed and lower-cased, the same key
-- as emailHash in dialogs/cases/caseRecords.ts. The row keeps its expiry: the hash goes with it.
ALTER TABLE cases ADD COLUMN reply_email_hash text;
UPDATE cases SET reply_email_hash = encode(sha256(convert_to(lower(btrim(record->>'replyEmail')), 'UTF8')), 'hex') WHERE record->>'replyEmail' IS NOT NULL;
CREATE INDEX cases_by_reply_email ON cases (reply_email_hash, created_at DESC) WHERE reply_email_hash IS NOT NULL;
