/**
 * Consistency checks of the knowledge base beyond its schema: unique ids, every cross-reference resolves,
 * ICD-10-CM codes exist (when the code set is available), no synonym points at two findings unless declared
 * ambiguous. Used by `npm run kb:check`, by the tests and at model build time.
 */
import { readFileSync, existsSync } from 'node:fs';
import type { KnowledgeBase } from './load.ts';
import { tokenize, mapsTo } from './compile.ts';
import { URGENCIES } from './schema.ts';

export const SHARED_DATA_DIR = new URL('../../../shared/data/', import.meta.url);

/** ICD-10-CM FY2022 codes (no dots) from ../shared/data, or undefined when that folder is absent. */
export function loadIcd10Codes(): Set<string> | undefined {
  const file = new URL('icd10cm/icd10cm_order_fy2022.csv', SHARED_DATA_DIR);
  if (!existsSync(file)) return undefined;
  const codes = new Set<string>();
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines[0].split(',');
  const col = header.findIndex((h) => h.replace(/"/g, '') === 'icd10cm_code');
  for (let i = 1; i < lines.length; i++) {
    const cell = lines[i].split(',')[col];
    if (cell) codes.add(cell.replace(/"/g, '').trim());
  }
  return codes;
}

export interface KbCounts {
  conditions: number; findings: number; synonyms: number; redFlags: number; drugs: number; interactionPairs: number;
  classRules: number; allergyGroups: number; drugClasses: number;
}

export function kbCounts(kb: KnowledgeBase): KbCounts {
  return {
    conditions: kb.conditions.length, findings: kb.findings.length,
    synonyms: kb.findings.reduce((n, f) => n + f.synonyms.length, 0), redFlags: kb.redFlags.length, drugs: kb.drugs.length,
    interactionPairs: kb.interactions.length, classRules: kb.classRules.length, allergyGroups: kb.allergyGroups.length,
    drugClasses: kb.drugClasses.length,
  };
}

export function checkKb(kb: KnowledgeBase, icd?: Set<string>): string[] {
  const problems: string[] = [];
  const where = (o: object) => kb.origin.get(o) ?? '?';
  const unique = <T extends { id: string }>(items: T[], kind: string) => {
    const seen = new Map<string, T>();
    for (const it of items) {
      const prev = seen.get(it.id);
      if (prev) problems.push(`duplicate ${kind} id '${it.id}' in ${where(it)} and ${where(prev)}`);
      else seen.set(it.id, it);
    }
    return new Set(seen.keys());
  };
  const findings = unique(kb.findings, 'finding');
  const conditions = unique(kb.conditions, 'condition');
  const redFlags = unique(kb.redFlags, 'red flag');
  const drugs = unique(kb.drugs, 'drug');
  const classes = unique(kb.drugClasses, 'drug class');
  const groups = unique(kb.allergyGroups, 'allergy group');
  void conditions;

  const need = (set: Set<string>, id: string | undefined, kind: string, ctx: string) => {
    if (id !== undefined && !set.has(id)) problems.push(`${ctx}: unknown ${kind} '${id}'`);
  };

  // text readings (labs, dates of the last period and of a birth): known findings, patterns that compile and capture
  // what the parser reads (a number; a number and a unit), ranges that are ranges
  const groupCount = (r: string) => { try { return new RegExp(`${r.replaceAll('{sep}', '')}|`).exec('')!.length - 1; } catch { return -1; } };
  const patterns = (ctx: string, list: string[], want: number) => {
    for (const r of list) {
      const n = groupCount(r);
      if (n < 0) problems.push(`${ctx}: pattern '${r}' is no regular expression`);
      else if (n < want) problems.push(`${ctx}: pattern '${r}' captures ${n} group(s), ${want} needed`);
    }
  };
  for (const l of kb.qualifiers.lab_readings ?? []) {
    for (const f of l.findings) need(findings, f.id, 'finding', `lab reading ${l.name}`);
    patterns(`lab reading ${l.name}`, l.patterns, 1);
    if (l.range[0] > l.range[1]) problems.push(`lab reading ${l.name}: range [${l.range.join(', ')}] is empty`);
  }
  for (const n of kb.qualifiers.normal_statements ?? []) for (const id of n.absent) need(findings, id, 'finding', `normal statement '${n.phrases[0]}'`);
  for (const g of kb.qualifiers.site_states ?? []) for (const id of Object.values(g.states)) need(findings, id, 'finding', `site state of ${g.sites[0]}`);
  for (const key of ['lmp', 'delivery'] as const) patterns(key, kb.qualifiers[key]?.patterns ?? [], 2);
  patterns('parity', kb.qualifiers.parity?.patterns ?? [], 1);
  need(findings, kb.qualifiers.delivery?.finding, 'finding', 'delivery');

  // a relative's mention must map to one family-history finding, a stopped habit to one past form
  for (const field of ['family_of', 'past_of'] as const) {
    for (const t of mapsTo(kb.findings, field).twice) problems.push(`finding ${t.second.id} (${where(t.second)}): '${t.id}' is already in the ${field} of ${t.first}`);
  }
  for (const f of kb.findings) {
    for (const field of ['family_of', 'past_of'] as const) for (const x of f[field] ?? []) need(findings, x, `finding (${field})`, `finding ${f.id} (${where(f)})`);
    need(findings, f.parent, 'finding (parent)', `finding ${f.id} (${where(f)})`);
    if (f.duration) {
      const d = f.duration;
      for (const x of d.of) {
        need(findings, x, 'finding (duration.of)', `finding ${f.id} (${where(f)})`);
        if (x === f.id) problems.push(`finding ${f.id} (${where(f)}): duration.of names the finding itself`);
      }
      if (d.min_hours === undefined && d.max_hours === undefined) problems.push(`finding ${f.id} (${where(f)}): duration needs min_hours or max_hours`);
      if (d.min_hours !== undefined && d.max_hours !== undefined && d.min_hours >= d.max_hours) problems.push(`finding ${f.id} (${where(f)}): duration min_hours must be below max_hours`);
    }
    if (f.kind === 'vital' && !f.vital) problems.push(`finding ${f.id}: kind vital without a vital comparison`);
    for (const r of f.implied_by ?? []) {
      for (const id of r.all) need(findings, id, 'finding (implied_by)', `finding ${f.id}`);
      if (r.all.includes(f.id)) problems.push(`finding ${f.id}: implied by itself`);
    }
  }
  for (const c of kb.conditions) {
    const ctx = `condition ${c.id} (${where(c)})`;
    const seen = new Set<string>();
    for (const x of c.findings) {
      need(findings, x.id, 'finding', ctx);
      if (seen.has(x.id)) problems.push(`${ctx}: finding '${x.id}' listed twice`);
      seen.add(x.id);
    }
    for (const r of c.risk_factors ?? []) need(findings, r.id, 'finding (risk factor)', ctx);
    for (const r of c.red_flags ?? []) need(redFlags, r, 'red flag', ctx);
    for (const u of c.urgency_raised ?? []) {
      for (const id of u.any_of ?? []) need(findings, id, 'finding (urgency raised)', ctx);
      if (!u.any_of?.length && u.age_under === undefined && u.age_from === undefined && u.sex === undefined) problems.push(`${ctx}: an urgency_raised entry says for whom`);
      // URGENCIES runs from the most urgent down
      if (URGENCIES.indexOf(u.to) >= URGENCIES.indexOf(c.urgency)) problems.push(`${ctx}: urgency_raised to ${u.to} is no raise from ${c.urgency}`);
    }
    for (const t of [...c.treatments.first_line, ...(c.treatments.alternatives ?? [])]) {
      if (t.kind === 'drug' && !t.drug) problems.push(`${ctx}: drug treatment '${t.name}' names no drug id`);
      need(drugs, t.drug, 'drug', ctx);
    }
    if (icd) for (const code of c.icd10) if (!icd.has(code.replace('.', ''))) problems.push(`${ctx}: ICD-10-CM code ${code} does not exist (FY2022)`);
  }
  for (const r of kb.redFlags) {
    const ctx = `red flag ${r.id} (${where(r)})`;
    for (const t of r.triggers) {
      for (const id of [...(t.findings_all ?? []), ...(t.findings_any ?? []), ...(t.unless_any ?? [])]) need(findings, id, 'finding', ctx);
      if (!t.findings_all?.length && !t.findings_any?.length && !t.vitals?.length) problems.push(`${ctx}: a trigger with no findings or vitals`);
    }
  }
  for (const d of kb.drugs) {
    const ctx = `drug ${d.id} (${where(d)})`;
    for (const c of d.classes) need(classes, c, 'drug class', ctx);
    for (const g of d.allergy_groups ?? []) need(groups, g, 'allergy group', ctx);
    for (const f of d.findings ?? []) need(findings, f, 'finding', ctx);
    for (const ci of d.contraindications ?? []) {
      need(findings, ci.finding, 'finding (contraindication)', ctx);
      if (ci.kind === 'condition' && !ci.finding) problems.push(`${ctx}: condition contraindication without a finding`);
    }
  }
  for (const c of kb.drugClasses) {
    need(classes, c.parent, 'drug class (parent)', `class ${c.id}`);
    for (const f of c.findings ?? []) need(findings, f, 'finding', `class ${c.id}`);
  }
  for (const g of kb.allergyGroups) {
    const ctx = `allergy group ${g.id}`;
    for (const c of g.classes ?? []) need(classes, c, 'drug class', ctx);
    for (const d of g.drugs ?? []) need(drugs, d, 'drug', ctx);
    for (const x of g.cross_reactivity ?? []) {
      for (const c of x.classes ?? []) need(classes, c, 'drug class', ctx);
      for (const d of x.drugs ?? []) need(drugs, d, 'drug', ctx);
    }
  }
  const pairSeen = new Set<string>();
  for (const p of kb.interactions) {
    const ctx = `interaction ${p.drugs.join('+')} (${where(p)})`;
    for (const d of p.drugs) need(drugs, d, 'drug', ctx);
    if (p.drugs[0] === p.drugs[1]) problems.push(`${ctx}: a drug interacting with itself`);
    const key = [...p.drugs].sort().join('+');
    if (pairSeen.has(key)) problems.push(`${ctx}: pair listed twice`);
    pairSeen.add(key);
  }
  for (const r of kb.classRules) {
    const ctx = `class rule ${r.id} (${where(r)})`;
    for (const side of [r.a, r.b]) {
      if (!side.classes?.length && !side.drugs?.length) problems.push(`${ctx}: an empty side`);
      for (const c of side.classes ?? []) need(classes, c, 'drug class', ctx);
      for (const d of side.drugs ?? []) need(drugs, d, 'drug', ctx);
    }
  }

  // a phrase may point at one finding only, unless every finding using it declares it ambiguous
  const phraseOwners = new Map<string, Set<string>>();
  for (const f of kb.findings) {
    for (const s of [f.label, ...f.synonyms]) {
      const key = tokenize(s).join(' ');
      if (!key) continue;
      const set = phraseOwners.get(key) ?? new Set();
      set.add(f.id);
      phraseOwners.set(key, set);
    }
  }
  const ambiguous = new Map(kb.findings.map((f) => [f.id, new Set((f.ambiguous ?? []).map((a) => tokenize(a).join(' ')))]));
  for (const [phrase, owners] of phraseOwners) {
    if (owners.size < 2) continue;
    if ([...owners].every((o) => ambiguous.get(o)?.has(phrase))) continue;
    problems.push(`synonym '${phrase}' points at several findings: ${[...owners].join(', ')}`);
  }
  return problems;
}
