/**
 * Compiles a loaded knowledge base into the lookup structures the agents use on the hot path:
 * dense finding/condition indexes, the phrase trie of the text parser, drug and allergy name resolution.
 * Built once per thread at start-up; read-only afterwards.
 */
import type { KnowledgeBase } from './load.ts';
import type { FindingT, ConditionT, DrugT, AllergyGroupT } from './schema.ts';

export interface BagEntry { findingId: string; stems: string[] }

/** irregular plurals of body words that the suffix rules below would not bring together */
const IRREGULAR: Record<string, string> = { calves: 'calf', halves: 'half', feet: 'foot', teeth: 'tooth', knives: 'knife' };
/** plurals that name something else: "bloods" are blood tests */
const NOT_PLURALS = new Set(['bloods']);

/** A light suffix stripper so that "breathe", "breathing" and "breaths" meet, and "deeply" meets "deep". */
export function stem(t: string): string {
  if (NOT_PLURALS.has(t)) return t;
  let s = IRREGULAR[t] ?? t;
  if (s.length > 5 && s.endsWith('ing')) s = s.slice(0, -3);
  else if (s.length > 5 && s.endsWith('ly')) s = s.slice(0, -2);
  else if (s.length > 4 && (s.endsWith('ed') || s.endsWith('es'))) s = s.slice(0, -2);
  else if (s.length > 3 && s.endsWith('s') && !s.endsWith('ss')) s = s.slice(0, -1);
  if (s.length > 4 && s.endsWith('e')) s = s.slice(0, -1);
  return s;
}

export interface PhraseEntry { findingIds: string[]; tokens: number }
export interface TrieNode { next: Map<string, TrieNode>; entry?: PhraseEntry }

export interface DurationRule { id: string; minHours: number; maxHours: number }
export interface OnsetRule { id: string; onset: 'sudden' | 'gradual'; minSeverity: number }

export interface CompiledKb {
  kb: KnowledgeBase;
  findings: FindingT[];
  findingIndex: Map<string, number>;
  findingById: Map<string, FindingT>;
  /** all ancestors of each finding (parent chain), for implication */
  ancestors: Map<string, string[]>;
  /** all descendants of each finding, for negation that spreads downwards */
  descendants: Map<string, string[]>;
  /** a patient finding → the family-history finding a relative's mention of it maps to (from `family_of`) */
  familyOf: Map<string, string>;
  /** a current habit → its past form, for a mention that says it stopped (from `past_of`) */
  pastOf: Map<string, string>;
  /** a finding → the findings defined by how long it has lasted (from `duration`: cough → persistent and chronic cough) */
  durationRules: Map<string, DurationRule[]>;
  /** the findings an onset of a mention gives (finding id → rules) */
  onsetRules: Map<string, OnsetRule[]>;
  conditions: ConditionT[];
  conditionIndex: Map<string, number>;
  conditionById: Map<string, ConditionT>;
  trie: TrieNode;
  /** every single token that occurs in a phrase, for fuzzy (misspelling) matching */
  vocabularyTokens: Set<string>;
  /** word-order-free phrase index: multi-word synonyms by their rarest content stem */
  bags: Map<string, BagEntry[]>;
  /** the findings a combination of others may imply (`implied_by`) */
  impliedFindings: FindingT[];
  /** SymSpell-style index: each vocabulary token under each of its one-character deletions */
  deletions: Map<string, string[]>;
  drugById: Map<string, DrugT>;
  drugByName: Map<string, string>;
  drugClassesOf: Map<string, Set<string>>;
  /** a drug → the findings that taking it is evidence of: its own `findings`, else its classes' */
  drugFindings: Map<string, string[]>;
  allergyById: Map<string, AllergyGroupT>;
  allergyByName: Map<string, string>;
}

export function normalizeText(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[’‘`]/g, "'");
}

/** Tokens are runs of letters/digits (with inner ' or -), or single symbols that matter (/, %, +). */
const TOKEN_RE = /[a-z0-9]+(?:['\-][a-z0-9]+)*|[/%+?]/g;
export function tokenize(s: string): string[] {
  return normalizeText(s).match(TOKEN_RE) ?? [];
}

/**
 * A finding list field that maps other findings onto the finding holding it (`family_of`, `past_of`): the map, and
 * each finding listed by a second holder (kb:check rejects those; the map keeps the last).
 */
export function mapsTo(findings: FindingT[], field: 'family_of' | 'past_of'): { map: Map<string, string>; twice: { id: string; first: string; second: FindingT }[] } {
  const map = new Map<string, string>(), twice: { id: string; first: string; second: FindingT }[] = [];
  for (const f of findings) {
    for (const x of f[field] ?? []) {
      const first = map.get(x);
      if (first !== undefined) twice.push({ id: x, first, second: f });
      map.set(x, f.id);
    }
  }
  return { map, twice };
}

export function compileKb(kb: KnowledgeBase): CompiledKb {
  const findingIndex = new Map<string, number>();
  const findingById = new Map<string, FindingT>();
  kb.findings.forEach((f, i) => { findingIndex.set(f.id, i); findingById.set(f.id, f); });

  const ancestors = new Map<string, string[]>();
  const descendants = new Map<string, string[]>();
  for (const f of kb.findings) {
    const chain: string[] = [];
    let p = f.parent;
    while (p && findingById.has(p) && !chain.includes(p) && p !== f.id) {
      chain.push(p);
      const list = descendants.get(p) ?? [];
      list.push(f.id);
      descendants.set(p, list);
      p = findingById.get(p)!.parent;
    }
    ancestors.set(f.id, chain);
  }
  const familyOf = mapsTo(kb.findings, 'family_of').map, pastOf = mapsTo(kb.findings, 'past_of').map;
  const durationRules = new Map<string, DurationRule[]>();
  for (const f of kb.findings) {
    if (!f.duration) continue;
    for (const x of f.duration.of) {
      const list = durationRules.get(x) ?? [];
      list.push({ id: f.id, minHours: f.duration.min_hours ?? 0, maxHours: f.duration.max_hours ?? Infinity });
      durationRules.set(x, list);
    }
  }

  const onsetRules = new Map<string, OnsetRule[]>();
  for (const f of kb.findings) {
    if (!f.onset) continue;
    for (const x of f.onset.of) onsetRules.set(x, [...(onsetRules.get(x) ?? []), { id: f.id, onset: f.onset.onset, minSeverity: f.onset.min_severity ?? 0 }]);
  }

  const trie: TrieNode = { next: new Map() };
  const vocabularyTokens = new Set<string>();
  const addPhrase = (phrase: string, id: string) => {
    const toks = tokenize(phrase);
    if (toks.length === 0) return;
    let node = trie;
    for (const t of toks) {
      vocabularyTokens.add(t);
      let n = node.next.get(t);
      if (!n) { n = { next: new Map() }; node.next.set(t, n); }
      node = n;
    }
    if (!node.entry) node.entry = { findingIds: [id], tokens: toks.length };
    else if (!node.entry.findingIds.includes(id)) node.entry.findingIds.push(id);
  };
  for (const f of kb.findings) {
    addPhrase(f.label, f.id);
    for (const s of f.synonyms) addPhrase(s, f.id);
  }
  const deletions = new Map<string, string[]>();
  const addDeletion = (key: string, t: string) => {
    const list = deletions.get(key);
    if (!list) deletions.set(key, [t]);
    else if (!list.includes(t)) list.push(t);
  };
  for (const t of vocabularyTokens) {
    if (t.length < 4 || /\d/.test(t)) continue;
    addDeletion(t, t);
    for (let i = 0; i < t.length; i++) addDeletion(t.slice(0, i) + t.slice(i + 1), t);
  }

  // word-order-free index: synonyms of 2+ content words, keyed by their rarest stem
  const stop = new Set(kb.qualifiers.stopwords);
  const timeWords = new Set([...Object.keys(kb.qualifiers.duration_units), ...Object.keys(kb.qualifiers.number_words)].filter((w) => w.length > 2));
  const stemFreq = new Map<string, number>();
  const bagList: BagEntry[] = [];
  const bagSeen = new Set<string>();
  for (const f of kb.findings) {
    for (const phrase of [f.label, ...f.synonyms]) {
      // numbers and durations carry meaning ("20 weeks", "cough most days") that a bag of words would drop
      if (/\d/.test(phrase) || tokenize(phrase).some((t) => timeWords.has(t))) continue;
      const stems = [...new Set(tokenize(phrase).filter((t) => !stop.has(t) && /[a-z]/.test(t)).map(stem))];
      if (stems.length < 2) continue;
      const key = `${f.id}:${[...stems].sort().join(' ')}`;
      if (bagSeen.has(key)) continue;
      bagSeen.add(key);
      bagList.push({ findingId: f.id, stems });
      for (const st of stems) stemFreq.set(st, (stemFreq.get(st) ?? 0) + 1);
    }
  }
  const bags = new Map<string, BagEntry[]>();
  for (const b of bagList) {
    const rarest = b.stems.reduce((a, x) => ((stemFreq.get(x) ?? 0) < (stemFreq.get(a) ?? 0) ? x : a));
    const list = bags.get(rarest) ?? [];
    list.push(b);
    bags.set(rarest, list);
  }

  const conditionIndex = new Map<string, number>();
  const conditionById = new Map<string, ConditionT>();
  kb.conditions.forEach((c, i) => { conditionIndex.set(c.id, i); conditionById.set(c.id, c); });

  const drugById = new Map<string, DrugT>();
  const drugByName = new Map<string, string>();
  for (const d of kb.drugs) {
    drugById.set(d.id, d);
    for (const n of [d.id, d.id.replace(/_/g, ' '), d.name, ...((d as { synonyms?: string[] }).synonyms ?? []), ...d.brands, ...(d.misspellings ?? [])]) {
      const key = normalizeText(n).trim();
      if (key && !drugByName.has(key)) drugByName.set(key, d.id);
    }
  }
  const parentOfClass = new Map(kb.drugClasses.map((c) => [c.id, c.parent]));
  const drugClassesOf = new Map<string, Set<string>>();
  for (const d of kb.drugs) {
    const set = new Set<string>();
    for (const c of d.classes) {
      let cur: string | undefined = c;
      while (cur && !set.has(cur)) { set.add(cur); cur = parentOfClass.get(cur); }
    }
    drugClassesOf.set(d.id, set);
  }
  const classFindings = new Map(kb.drugClasses.map((c) => [c.id, c.findings ?? []]));
  const drugFindings = new Map<string, string[]>();
  const ownFindings = new Map(kb.drugs.filter((d) => d.findings).map((d) => [d.id, d.findings!]));
  for (const [drug, classes] of drugClassesOf) {
    const ids = ownFindings.get(drug) ?? [...new Set([...classes].flatMap((c) => classFindings.get(c) ?? []))];
    if (ids.length) drugFindings.set(drug, ids);
  }
  const allergyById = new Map(kb.allergyGroups.map((g) => [g.id, g]));
  const allergyByName = new Map<string, string>();
  for (const g of kb.allergyGroups) {
    for (const n of [g.id, g.id.replace(/_/g, ' '), g.label, ...g.synonyms]) {
      const key = normalizeText(n).trim();
      if (key && !allergyByName.has(key)) allergyByName.set(key, g.id);
    }
  }

  return {
    kb, findings: kb.findings, findingIndex, findingById, ancestors, descendants, familyOf, pastOf, durationRules, onsetRules,
    conditions: kb.conditions, conditionIndex, conditionById, trie, vocabularyTokens, deletions, bags, impliedFindings: kb.findings.filter((f) => f.implied_by?.length),
    drugById, drugByName, drugClassesOf, drugFindings, allergyById, allergyByName,
  };
}

/** Resolves a medication as written (generic, brand, misspelling, with dose text) to a drug id. */
export function resolveDrug(ckb: CompiledKb, written: string): string | undefined {
  const norm = normalizeText(written).trim();
  const direct = ckb.drugByName.get(norm);
  if (direct) return direct;
  // "Advil 200mg bid" -> the longest run of words that is a known name; single words only when 4+ letters
  const words = norm.split(/[^a-z0-9\-']+/).filter(Boolean);
  for (let n = Math.min(words.length, 4); n >= 1; n--) {
    for (let i = 0; i + n <= words.length; i++) {
      const phrase = words.slice(i, i + n).join(' ');
      if (n === 1 && phrase.length < 4) continue;
      const id = ckb.drugByName.get(phrase);
      if (id) return id;
    }
  }
  // one-edit misspellings of long words, and only when exactly one drug is that close
  for (const w of words) {
    if (w.length < 7) continue;
    const hits = new Set<string>();
    for (const [name, id] of ckb.drugByName) {
      if (Math.abs(name.length - w.length) <= 1 && name[0] === w[0] && editDistanceAtMost(w, name, 1)) hits.add(id);
    }
    if (hits.size === 1) return [...hits][0];
  }
  return undefined;
}

const allergyMemo = new WeakMap<CompiledKb, Map<string, { groups: string[]; drug?: string }>>();

/** Resolves an allergy as written ("penicillin", "allergic to sulfa", "Amoxil") to allergy groups. Memoised. */
export function resolveAllergy(ckb: CompiledKb, written: string): { groups: string[]; drug?: string } {
  let m = allergyMemo.get(ckb);
  if (!m) { m = new Map(); allergyMemo.set(ckb, m); }
  const hit = m.get(written);
  if (hit) return hit;
  const r = computeAllergy(ckb, written);
  if (m.size > 10_000) m.clear();
  m.set(written, r);
  return r;
}

function computeAllergy(ckb: CompiledKb, written: string): { groups: string[]; drug?: string } {
  const norm = normalizeText(written).replace(/\b(allerg(y|ic|ies)|to|reaction|intolerance|sensitivity)\b/g, ' ').replace(/\s+/g, ' ').trim();
  const g = ckb.allergyByName.get(norm);
  if (g) return { groups: [g] };
  const drug = resolveDrug(ckb, norm);
  if (drug) return { groups: ckb.drugById.get(drug)?.allergy_groups ?? [], drug };
  for (const [name, id] of ckb.allergyByName) if (name.length >= 4 && norm.includes(name)) return { groups: [id] };
  return { groups: [] };
}

/** The vocabulary token within one edit (insert, delete, substitute, transpose) of `t`, if exactly one is closest. */
export function correctToken(ckb: CompiledKb, t: string): string | undefined {
  if (t.length < 5) return undefined;
  const cands = new Set<string>();
  for (const c of ckb.deletions.get(t) ?? []) cands.add(c);
  for (let i = 0; i < t.length; i++) for (const c of ckb.deletions.get(t.slice(0, i) + t.slice(i + 1)) ?? []) cands.add(c);
  let best: string | undefined;
  for (const c of cands) {
    if (c === t || !editDistanceAtMost(t, c, 1)) continue;
    if (best === undefined || (c[0] === t[0] && best[0] !== t[0])) best = c;
  }
  return best;
}

/** Damerau-Levenshtein (optimal string alignment) distance bounded by max; false when above. */
export function editDistanceAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  const n = a.length, m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m] <= max;
}
