/**
 * Evaluation sets read from ../shared/data (never copied into the repo). Each loader turns a dataset into
 * cases: a DiagnosisRequest, the accepted ICD-10-CM prefixes of the gold diagnosis and, where the dataset has
 * one, the gold severity (DDXPlus: 1 most severe … 5).
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DiagnosisRequestT } from '../src/http/schemas.ts';

export const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));

/** `severity`: DDXPlus's (1 most severe … 5); `urgency`: a gold triage level, where a probe set gives one. */
export interface EvalCase { id: string; request: DiagnosisRequestT; gold: string; accept: string[]; severity?: number; urgency?: 'emergency' | 'urgent' | 'routine' | 'self_care' }

export function dataAvailable(): boolean { return existsSync(DATA); }

const norm = (code: string) => code.replace(/\./g, '').trim().toUpperCase();

/** Avey's rule: prefix match, or a header code of 4+ characters that an accepted prefix starts with. */
export function codeMatches(predicted: string, accept: string[]): boolean {
  const p = norm(predicted);
  return accept.some((a) => { const g = norm(a); return p.startsWith(g) || (p.length >= 4 && g.startsWith(p)); });
}

/** Minimal CSV reader (RFC 4180 quotes), enough for the dataset files. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else q = false; } else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/**
 * Errata of the DDXPlus release's ICD-10 codes, applied when scoring and printed by the evaluation. The release
 * codes SLE as M34, which is systemic sclerosis; systemic lupus erythematosus is M32 in ICD-10-CM.
 */
export const DDXPLUS_ICD_ERRATA: Record<string, { release: string; corrected: string; why: string }> = {
  SLE: { release: 'M34', corrected: 'M32', why: 'M34 is systemic sclerosis; SLE is M32 (ICD-10-CM)' },
};

interface DdxEvidence { question_en: string; data_type: string; is_antecedent: boolean; value_meaning: Record<string, { en: string }> }

/**
 * DDXPlus in the full-evidence setting: all of a patient's evidences are given at once as text statements
 * built from the evidence questions (release_evidences.json), unlike the paper's interactive setting where the
 * agent starts from one evidence and asks questions.
 */
export function ddxplus(limit?: number): EvalCase[] {
  const dir = `${DATA}ddxplus/`;
  const conditions = JSON.parse(readFileSync(`${dir}release_conditions.json`, 'utf8')) as Record<string, { 'icd10-id': string; severity: number }>;
  const evidences = JSON.parse(readFileSync(`${dir}release_evidences.json`, 'utf8')) as Record<string, DdxEvidence>;
  const rows = parseCsv(readFileSync(`${dir}sample_test_patients_mini.csv`, 'utf8'));
  const head = rows[0];
  const col = (n: string) => head.indexOf(n);
  const out: EvalCase[] = [];
  for (const r of rows.slice(1)) {
    if (r.length < head.length) continue;
    const pathology = r[col('diagnosis')];
    const cond = conditions[pathology];
    if (!cond) continue;
    const feats = JSON.parse(r[col('features')].replace(/'/g, '"')) as string[];
    const grouped = new Map<string, string[]>();
    for (const f of feats) {
      const [code, value] = f.split('_@_');
      const list = grouped.get(code) ?? [];
      if (value !== undefined) list.push(value);
      grouped.set(code, list);
    }
    const statements: string[] = [];
    for (const [code, values] of grouped) {
      const e = evidences[code];
      if (!e) continue;
      const q = e.question_en.replace(/\?\s*$/, '').trim();
      if (values.length === 0) { statements.push(`${q}: yes.`); continue; }
      // scale answers of 0 mean "none"; N/Y are no/yes
      const vals = values.map((v) => e.value_meaning[v]?.en ?? v).filter((v) => v !== 'NA' && v !== 'nowhere').map((v) => (v === 'N' || v === '0' ? 'no' : v === 'Y' ? 'yes' : v));
      if (vals.length === 0) continue;
      statements.push(`${q}: ${vals.join(', ')}.`);
    }
    out.push({
      id: `ddxplus-${out.length + 1}`,
      request: { patient: { age: Number(r[col('age')]), sex: r[col('sex')] === 'M' ? 'male' : 'female' }, text: statements.join('\n') },
      // DDXPlus is scored at the ICD-10 category (first three characters), as issue 4 asks
      gold: pathology, accept: [...new Set((DDXPLUS_ICD_ERRATA[pathology]?.corrected ?? cond['icd10-id']).split(',').map((s) => s.trim().toUpperCase().slice(0, 3)))], severity: cond.severity,
    });
    if (limit && out.length >= limit) break;
  }
  return out;
}

interface AveyCase { case_id: number; correct_diagnosis: string; demographics: string; chief_complaints: string; presentation: string; absent_findings: string; physical_history: string; family_history: string; social_history: string }

export function avey(): EvalCase[] {
  const dir = `${DATA}avey-dev/`;
  const gold = JSON.parse(readFileSync(`${dir}gold_icd10.json`, 'utf8')) as Record<string, { dx: string; accept: string[] }>;
  return readFileSync(`${dir}avey_dev_200.jsonl`, 'utf8').split('\n').filter(Boolean).map((line) => {
    const c = JSON.parse(line) as AveyCase;
    const part = (label: string, v: string) => (v && v.trim() && v.trim() !== '-' ? `${label}${v.trim()}${/[.!?]$/.test(v.trim()) ? '' : '.'}` : '');
    const text = [
      part('', c.demographics), part('Chief complaints: ', c.chief_complaints), part('', c.presentation),
      part('', c.absent_findings), part('Past history: ', c.physical_history), part('Family history: ', c.family_history), part('Social history: ', c.social_history),
    ].filter(Boolean).join('\n');
    const g = gold[String(c.case_id)];
    return { id: `avey-${c.case_id}`, request: { text }, gold: g?.dx ?? c.correct_diagnosis, accept: g?.accept ?? [] };
  }).filter((c) => c.accept.length > 0);
}

/** Symptom2Disease labels → ICD-10-CM categories (our evaluation mapping; the dataset has no codes). */
export const S2D_ICD: Record<string, string[]> = {
  'Psoriasis': ['L40'], 'Varicose Veins': ['I83'], 'Typhoid': ['A01'], 'Chicken pox': ['B01'], 'Impetigo': ['L01'],
  'Dengue': ['A90', 'A91'], 'Fungal infection': ['B35', 'B36', 'B37', 'B48', 'B49'], 'Common Cold': ['J00', 'J06'],
  'Pneumonia': ['J12', 'J13', 'J14', 'J15', 'J16', 'J17', 'J18'], 'Dimorphic Hemorrhoids': ['K64', 'I84'],
  'Arthritis': ['M05', 'M06', 'M08', 'M13', 'M15', 'M16', 'M17', 'M18', 'M19'], 'Acne': ['L70'], 'Bronchial Asthma': ['J45'],
  'Hypertension': ['I10', 'I11', 'I12', 'I13', 'I15', 'I16'], 'Migraine': ['G43'], 'Cervical spondylosis': ['M47', 'M50'],
  'Jaundice': ['R17', 'K70', 'K71', 'K72', 'K73', 'K74', 'K75', 'K76', 'K80', 'K83', 'B15', 'B16', 'B17', 'B19', 'P59'],
  'Malaria': ['B50', 'B51', 'B52', 'B53', 'B54'], 'urinary tract infection': ['N39.0', 'N30', 'N10'],
  'allergy': ['T78', 'J30', 'L50', 'T88.7', 'L23'], 'gastroesophageal reflux disease': ['K21'], 'drug reaction': ['L27', 'T88.7', 'T50'],
  'peptic ulcer disease': ['K25', 'K26', 'K27', 'K28'], 'diabetes': ['E08', 'E10', 'E11', 'E13'],
};

export function symptom2disease(): EvalCase[] {
  const rows = parseCsv(readFileSync(`${DATA}symptom2disease/Symptom2Disease.csv`, 'utf8'));
  // the file's first column restarts per label, so cases are numbered by their line
  return rows.slice(1).filter((r) => r.length >= 3).map((r, i) => ({ id: `s2d-${i + 1}`, request: { text: r[2] }, gold: r[1], accept: S2D_ICD[r[1]] ?? [] }));
}

export function loadSet(name: string): EvalCase[] {
  switch (name) {
    case 'ddxplus': return ddxplus();
    case 'avey': return avey();
    case 's2d': case 'symptom2disease': return symptom2disease();
    default: {
      // a JSON or JSONL file of EvalCase objects
      const text = readFileSync(name, 'utf8');
      return text.trim().startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    }
  }
}
