// Where the VA's NDF-RT calls an interaction Critical and both drugs are in our catalogue, we flag it major or
// contraindicated, or the entry that decides our severity (the pair, or the class rule interactionBetween used)
// carries an `ndfrt_note` saying why we disagree. Disagreements are printed either way, so a reviewer sees them.
// The reference data lives in ../shared/data and is read here, never copied into the repo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { interactionBetween, type Interaction } from '../src/actors/treatments/retriever.ts';
import { realKb, catalogueDrug } from './helpers/kb.ts';

const DATA = new URL('../../shared/data/', import.meta.url);
const FILE = new URL('ddi/ndfrt_va_interactions.tsv', DATA);
const MAJOR = new Set(['major', 'contraindicated']);


test('NDF-RT Critical interactions are major+ here, or the deciding entry explains the difference', (t) => {
  if (!existsSync(DATA)) { t.skip(`../shared/data absent: ${fileURLToPath(DATA)} not found, NDF-RT severity check not run`); return; }
  const ckb = realKb();
  const cache = new Map<string, { id?: string; misresolved?: string }>();
  const resolve = (name: string) => {
    if (!cache.has(name)) cache.set(name, catalogueDrug(ckb, name));
    return cache.get(name)!.id;
  };
  /** The knowledge-base entry that decided interactionBetween's answer. */
  const entryOf = (x: Interaction) => x.rule
    ? ckb.kb.classRules.find((r) => r.id === x.rule)
    : ckb.kb.interactions.find((p) => (p.drugs[0] === x.drugs[0] && p.drugs[1] === x.drugs[1]) || (p.drugs[0] === x.drugs[1] && p.drugs[1] === x.drugs[0]));

  const rows = readFileSync(FILE, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const col = (n: string) => rows[0].indexOf(n);
  const [oc, pc, sc] = [col('object_drug'), col('precipitant_drug'), col('severity_normalized')];
  const seen = new Set<string>();
  let critical = 0, significant = 0;
  const explained: string[] = [], unexplained: string[] = [], significantMissing: string[] = [];
  for (const r of rows.slice(1)) {
    const severity = r[sc];
    if (severity !== 'Critical' && severity !== 'Significant') continue;
    const a = resolve(r[oc]), b = resolve(r[pc]);
    if (!a || !b || a === b) continue;
    const key = `${[a, b].sort().join('+')}:${severity}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const x = interactionBetween(ckb, a, b);
    const ours = x ? `${x.severity}${x.rule ? ` (rule ${x.rule})` : ' (pair)'}` : 'nothing';
    const line = `${r[oc]} + ${r[pc]} (${a} + ${b}): NDF-RT ${severity}, ours ${ours}`;
    if (severity === 'Significant') {
      significant++;
      if (!x) significantMissing.push(line);
      continue;
    }
    critical++;
    if (x && MAJOR.has(x.severity)) continue;
    const note = x ? entryOf(x)?.ndfrt_note?.trim() : undefined;
    if (note) explained.push(`${line}; ndfrt_note: ${note}`);
    else unexplained.push(line);
  }

  t.diagnostic(`NDF-RT pairs with both drugs in the catalogue: ${critical} Critical, ${significant} Significant`);
  const misresolved = [...cache].filter(([, r]) => r.misresolved).map(([n, r]) => `${n}~>${r.misresolved}`);
  if (misresolved.length) t.diagnostic(`names resolveDrug maps onto a different drug (treated as absent): ${misresolved.join(', ')}`);
  t.diagnostic(`Critical but below major here: ${explained.length} explained by ndfrt_note, ${unexplained.length} unexplained`);
  for (const l of explained) t.diagnostic(`explained: ${l}`);
  for (const l of unexplained) t.diagnostic(`UNEXPLAINED: ${l}`);
  t.diagnostic(`Significant in NDF-RT, no interaction here (informational): ${significantMissing.length}`);
  for (const l of significantMissing) t.diagnostic(`significant-missing: ${l}`);
  assert.deepEqual(unexplained, [], `${unexplained.length} NDF-RT Critical pair(s) rated below major without an ndfrt_note:\n  ${unexplained.join('\n  ')}`);
});
