/**
 * npm run kb:coverage — how the reference datasets in ../shared/data map onto the knowledge base in models/kb:
 *   (a) DDXPlus pathologies → KB conditions, by ICD-10 prefix (either way, dots removed, case-insensitive) or name;
 *   (b) Avey dev vignettes: the share of cases whose gold diagnosis some KB condition covers (Avey's code rule);
 *   (c) Symptom2Disease labels → KB conditions through eval/sets.ts S2D_ICD (all should map);
 *   (d) DDXPlus evidence questions in which the text parser recognises no finding (vocabulary gaps).
 * A report: it prints readable lists and, last, one JSON summary line, and exits 0 whatever the coverage.
 * It exits 1 only when the knowledge base itself does not load. The datasets are read, never copied.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadKnowledgeBase, KbInvalidError, type KnowledgeBase } from '../../src/kb/load.ts';
import { compileKb, normalizeText } from '../../src/kb/compile.ts';
import type { ConditionT } from '../../src/kb/schema.ts';
import { parseText } from '../../src/actors/classifier/parser.ts';
import { DATA, S2D_ICD, codeMatches, parseCsv } from '../../eval/sets.ts';

if (!existsSync(DATA)) {
  console.log(`kb:coverage: ../shared/data absent (${DATA} not found): skipped`);
  process.exit(0);
}

let kb: KnowledgeBase;
try { kb = loadKnowledgeBase(); } catch (e) {
  console.error(e instanceof KbInvalidError ? e.message : `kb:coverage: cannot load the knowledge base: ${(e as Error).message}`);
  process.exit(1);
}
const ckb = compileKb(kb);

const code = (c: string) => c.replace(/\./g, '').trim().toUpperCase();
const words = (s: string) => normalizeText(s).replace(/[^a-z0-9]+/g, ' ').trim();
const has = (file: string) => existsSync(`${DATA}${file}`);
const readJson = <T>(file: string) => JSON.parse(readFileSync(`${DATA}${file}`, 'utf8')) as T;
const section = (title: string) => console.log(`\n== ${title} ==`);
const namesOf = (c: ConditionT) => new Set([c.name, ...c.synonyms].map(words).filter(Boolean));
const coveredBy = (accept: string[]) => kb.conditions.filter((c) => c.icd10.some((x) => codeMatches(x, accept)));

const summary: Record<string, unknown> = { kb: { conditions: kb.conditions.length, findings: kb.findings.length } };

// (a) DDXPlus pathologies
if (has('ddxplus/release_conditions.json')) {
  section('(a) DDXPlus pathologies → KB conditions');
  const conds = readJson<Record<string, { condition_name?: string; 'cond-name-eng'?: string; 'icd10-id': string }>>('ddxplus/release_conditions.json');
  let mapped = 0;
  const unmapped: string[] = [];
  for (const [key, p] of Object.entries(conds)) {
    const codes = p['icd10-id'].split(',').map(code).filter(Boolean);
    const names = new Set([key, p.condition_name ?? '', p['cond-name-eng'] ?? ''].flatMap((n) => [n, ...n.split('/')]).map(words).filter(Boolean));
    const hits = kb.conditions.flatMap((c) => {
      const byCode = c.icd10.some((x) => codes.some((d) => code(x).startsWith(d) || d.startsWith(code(x))));
      const byName = [...namesOf(c)].some((n) => names.has(n));
      return byCode || byName ? [`${c.id} [${c.icd10.join(', ')}]${byCode ? '' : ' (by name)'}`] : [];
    });
    if (hits.length) mapped++;
    else unmapped.push(`${key} (${p['icd10-id']})`);
    console.log(`  ${hits.length ? 'ok ' : 'NO '} ${key} (${p['icd10-id']}) → ${hits.length ? hits.join('; ') : '-'}`);
  }
  const total = Object.keys(conds).length;
  console.log(`  ${mapped} of ${total} DDXPlus pathologies map to the knowledge base`);
  summary.ddxplus = { mapped, total, unmapped };
} else console.log('(a) skipped: ddxplus/release_conditions.json absent');

// (b) Avey dev vignettes
if (has('avey-dev/gold_icd10.json')) {
  section('(b) Avey dev vignettes: gold diagnoses covered by a KB condition');
  const gold = readJson<Record<string, { dx: string; accept: string[] }>>('avey-dev/gold_icd10.json');
  const entries = Object.entries(gold);
  const withCode = entries.filter(([, g]) => g.accept?.length);
  const uncovered = new Map<string, { n: number; accept: string[] }>();
  let covered = 0;
  for (const [, g] of withCode) {
    if (coveredBy(g.accept).length) { covered++; continue; }
    const u = uncovered.get(g.dx) ?? { n: 0, accept: g.accept };
    u.n++;
    uncovered.set(g.dx, u);
  }
  const share = withCode.length ? Math.round((covered / withCode.length) * 1000) / 1000 : 0;
  console.log(`  ${covered} of ${withCode.length} cases covered (${(share * 100).toFixed(1)}%); ${entries.length - withCode.length} case(s) have no gold code`);
  console.log(`  uncovered gold diagnoses (${uncovered.size}):`);
  for (const [dx, u] of [...uncovered].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))) console.log(`    ${u.n}× ${dx} [${u.accept.join(', ')}]`);
  summary.avey = { covered, cases: withCode.length, share, uncovered_dx: uncovered.size, no_gold_code: entries.length - withCode.length };
} else console.log('(b) skipped: avey-dev/gold_icd10.json absent');

// (c) Symptom2Disease labels
if (has('symptom2disease/Symptom2Disease.csv')) {
  section('(c) Symptom2Disease labels → KB conditions (through S2D_ICD)');
  const rows = parseCsv(readFileSync(`${DATA}symptom2disease/Symptom2Disease.csv`, 'utf8'));
  const col = rows[0].indexOf('label');
  const labels = [...new Set(rows.slice(1).filter((r) => r.length > col && r[col]).map((r) => r[col]))].sort();
  const unmapped: string[] = [];
  for (const label of labels) {
    const accept = S2D_ICD[label] ?? [];
    const hits = accept.length ? coveredBy(accept) : [];
    if (!hits.length) unmapped.push(label);
    console.log(`  ${hits.length ? 'ok ' : 'NO '} ${label} [${accept.join(', ') || 'no S2D_ICD entry'}] → ${hits.map((c) => c.id).join(', ') || '-'}`);
  }
  console.log(`  ${labels.length - unmapped.length} of ${labels.length} labels map${unmapped.length ? `; NOT mapped: ${unmapped.join(', ')}` : ' (all)'}`);
  summary.s2d = { mapped: labels.length - unmapped.length, total: labels.length, unmapped };
} else console.log('(c) skipped: symptom2disease/Symptom2Disease.csv absent');

// (d) DDXPlus evidences the vocabulary cannot express
if (has('ddxplus/release_evidences.json')) {
  section('(d) DDXPlus evidence questions with no finding recognised');
  const evidences = readJson<Record<string, { question_en: string; is_antecedent?: string | boolean }>>('ddxplus/release_evidences.json');
  const missing: string[] = [];
  for (const [id, e] of Object.entries(evidences)) {
    if (parseText(ckb, e.question_en).findings.length === 0) missing.push(id);
  }
  for (const id of missing) console.log(`  ${id}: ${evidences[id].question_en}`);
  const total = Object.keys(evidences).length;
  console.log(`  ${missing.length} of ${total} evidence questions have no finding recognised`);
  summary.evidences = { unexpressed: missing.length, total };
} else console.log('(d) skipped: ddxplus/release_evidences.json absent');

console.log(`\n${JSON.stringify({ kb_coverage: summary })}`);
