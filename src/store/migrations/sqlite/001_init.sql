-- 001: initial schema. JSON columns hold JSON text; timestamps are ISO-8601 UTC strings (they sort lexically).

CREATE TABLE patients (
  id          TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  data        TEXT NOT NULL
) STRICT;

-- catalogue of the knowledge base's conditions, replaced as a whole by syncConditions
CREATE TABLE conditions (
  id      TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  icd10   TEXT NOT NULL,
  system  TEXT NOT NULL,
  data    TEXT NOT NULL
) STRICT;

-- no foreign key to patients: a session may name a patient this store has never seen
CREATE TABLE diagnosis_sessions (
  id                  TEXT PRIMARY KEY,
  patient_id          TEXT,
  created_at          TEXT NOT NULL,
  symptoms            TEXT NOT NULL,
  request             TEXT NOT NULL,
  result              TEXT NOT NULL,
  urgency             TEXT NOT NULL,
  processing_time_ms  REAL NOT NULL,
  agent_responses     TEXT NOT NULL,
  degraded            TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX diagnosis_sessions_patient ON diagnosis_sessions (patient_id, created_at);
CREATE INDEX diagnosis_sessions_created ON diagnosis_sessions (created_at);

-- append-only audit log; AUTOINCREMENT so an id is never reused, even after the highest row is gone
CREATE TABLE events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  TEXT,
  type        TEXT NOT NULL,
  at          TEXT NOT NULL,
  data        TEXT NOT NULL
) STRICT;
CREATE INDEX events_session ON events (session_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events is append-only'); END;
