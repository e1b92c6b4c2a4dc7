-- Cases (the CaseStore): the whole record as jsonb, with the columns the queries filter on.
CREATE TABLE cases (
  id text PRIMARY KEY,
  status text NOT NULL,
  conversation_id text,
  record jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX cases_by_time ON cases (created_at DESC, id DESC);
CREATE INDEX cases_by_conversation ON cases (conversation_id, created_at DESC);
CREATE INDEX cases_expiry ON cases (expires_at);

-- Small named settings (the Teams escalation channel, the insights salt, the last digest).
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per conversation, keyed by a salted hash of its id (never the id itself).
CREATE TABLE insight_conversations (
  conversation text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  turns integer NOT NULL DEFAULT 0,
  -- The flow a dialog was waiting in after the last turn, or NULL: no reply for 30 minutes
  -- while this is set is an abandonment.
  waiting_in text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX insight_conversations_last ON insight_conversations (last_at);

-- What happened, without personal data: answers, whether they helped, misses, escalations,
-- emergencies shown and ratings.
CREATE TABLE insight_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  conversation text NOT NULL,
  kind text NOT NULL,
  intent text,
  score real,
  dialog text,
  helped boolean,
  rating smallint,
  detail text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX insight_events_at ON insight_events (at, kind);
CREATE INDEX insight_events_expiry ON insight_events (expires_at);

-- The text of questions the bot could not answer, masked, kept 90 days.
CREATE TABLE unanswered_questions (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  conversation text NOT NULL,
  text text NOT NULL,
  score real NOT NULL,
  suggestions jsonb NOT NULL DEFAULT '[]',
  expires_at timestamptz NOT NULL
);
CREATE INDEX unanswered_questions_at ON unanswered_questions (at);
CREATE INDEX unanswered_questions_expiry ON unanswered_questions (expires_at);

-- Staff decisions on unanswered questions: an intent (an approved phrasing the matcher uses)
-- or out of scope (intent NULL). Undone decisions stay, with who undid them and when.
CREATE TABLE phrasing_decisions (
  id bigserial PRIMARY KEY,
  text text NOT NULL,
  normalized text NOT NULL,
  intent text,
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL,
  undone_by text,
  undone_at timestamptz
);
CREATE INDEX phrasing_decisions_live ON phrasing_decisions (normalized) WHERE undone_at IS NULL;

-- One escalation per case, however often a retried handoff reports it.
CREATE UNIQUE INDEX insight_events_one_escalation ON insight_events (detail) WHERE kind = 'escalation';
