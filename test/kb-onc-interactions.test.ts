// Every pair on the ONC high-priority DDI list (Phansalkar et al., JAMIA 2012: interactions that should always
// alert) whose two drugs are in our catalogue is flagged major or contraindicated by interactionBetween.
// Pairs come from onc_high_priority.tsv and from the 15 class rules of the revised Table 2 expanded to their
// member drugs. The reference data lives in ../shared/data and is read here, never copied into the repo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { interactionBetween } from '../src/actors/treatments/retriever.ts';
import { parseCsv } from '../eval/sets.ts';
import { normalizeText } from '../src/kb/compile.ts';
import { realKb, catalogueDrug } from './helpers/kb.ts';

const DATA = new URL('../../shared/data/', import.meta.url);
const DDI = new URL('ddi/', DATA);


test('ONC high-priority pairs in our catalogue are flagged major or contraindicated', (t) => {
  if (!existsSync(DATA)) { t.skip(`../shared/data absent: ${fileURLToPath(DATA)} not found, ONC high-priority check not run`); return; }
  const ckb = realKb();
  const resolved = new Map<string, { id?: string; misresolved?: string }>();
  const resolve = (name: string) => {
    const key = name.trim();
    if (!resolved.has(key)) resolved.set(key, catalogueDrug(ckb, key));
    return resolved.get(key)!.id;
  };
  /** "Name→id", or "Name~>id" when the name was a typo of the drug's name. */
  const shown = (name: string, id: string) => `${name}${ckb.drugByName.get(normalizeText(name.replace(/_/g, ' ')).trim()) === id ? '→' : '~>'}${id}`;

  const pairs = new Map<string, { a: string; b: string; from: string }>();
  let listed = 0;
  const add = (objectName: string, precipitantName: string, from: string) => {
    listed++;
    const a = resolve(objectName), b = resolve(precipitantName);
    if (!a || !b || a === b) return;
    const key = [a, b].sort().join('+');
    if (!pairs.has(key)) pairs.set(key, { a, b, from: `${shown(objectName, a)} + ${shown(precipitantName, b)} (${from})` });
  };

  const tsv = readFileSync(new URL('onc_high_priority.tsv', DDI), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const col = (n: string) => tsv[0].indexOf(n);
  const [oc, pc] = [col('object_drug'), col('precipitant_drug')];
  for (const r of tsv.slice(1)) add(r[oc] ?? '', r[pc] ?? '', 'pair list');

  const table2 = parseCsv(readFileSync(new URL('onc_high_priority_list_revised_table2.csv', DDI), 'utf8')).filter((r) => r.length >= 5);
  const h = table2[0];
  const [idc, od, pd] = [h.indexOf('onc_id'), h.indexOf('object_drugs'), h.indexOf('precipitant_drugs')];
  const members = (cell: string) => cell.split(';').map((s) => s.trim()).filter(Boolean);
  for (const r of table2.slice(1)) for (const o of members(r[od])) for (const p of members(r[pd])) add(o, p, `class rule ${r[idc]}`);

  const failures: string[] = [];
  for (const { a, b, from } of pairs.values()) {
    const x = interactionBetween(ckb, a, b);
    if (!x || (x.severity !== 'major' && x.severity !== 'contraindicated')) failures.push(`${from}: ${x ? `${x.severity}${x.rule ? ` via ${x.rule}` : ''}` : 'no interaction'}`);
  }
  const names = [...resolved.values()];
  const misresolved = [...resolved].filter(([, r]) => r.misresolved).map(([n, r]) => `${n}~>${r.misresolved}`);
  t.diagnostic(`ONC high-priority: ${listed} listed pairs, ${pairs.size} distinct pairs map to the catalogue (${names.filter((r) => r.id).length} of ${names.length} names), ${failures.length} not flagged major+`);
  if (misresolved.length) t.diagnostic(`names resolveDrug maps onto a different drug (treated as absent): ${misresolved.join(', ')}`);
  assert.ok(pairs.size > 0, 'some ONC pair maps to the catalogue');
  assert.deepEqual(failures, [], `${failures.length} ONC high-priority pair(s) not flagged major or contraindicated:\n  ${failures.join('\n  ')}`);
});
