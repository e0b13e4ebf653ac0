-- 001: initial schema. Runs inside the migration transaction, under the migration advisory lock.
-- JSON columns are nullable: the client sends a JSON null as SQL NULL, and the store reads SQL NULL back as null.

CREATE TABLE patients (
  id          text PRIMARY KEY,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  data        jsonb
);

-- catalogue of the knowledge base's conditions, replaced as a whole by syncConditions
CREATE TABLE conditions (
  id      text PRIMARY KEY,
  name    text NOT NULL,
  icd10   text NOT NULL,
  system  text NOT NULL,
  data    jsonb
);

-- no foreign key to patients: a session may name a patient this store has never seen
CREATE TABLE diagnosis_sessions (
  id                  text PRIMARY KEY,
  patient_id          text,
  created_at          timestamptz NOT NULL,
  symptoms            jsonb,
  request             jsonb,
  result              jsonb,
  urgency             text NOT NULL,
  processing_time_ms  double precision NOT NULL,
  agent_responses     jsonb,
  degraded            jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX diagnosis_sessions_patient ON diagnosis_sessions (patient_id, created_at);
CREATE INDEX diagnosis_sessions_created ON diagnosis_sessions (created_at);

-- append-only audit log
CREATE TABLE events (
  id          bigserial PRIMARY KEY,
  session_id  text,
  type        text NOT NULL,
  at          timestamptz NOT NULL,
  data        jsonb
);
CREATE INDEX events_session ON events (session_id, id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
-- row triggers do not see TRUNCATE
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
