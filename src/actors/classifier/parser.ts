/**
 * Free text → findings. A pure, synchronous function over the compiled knowledge base:
 *  1. tokenise with character offsets; repair tokens the vocabulary does not know (plural, joined words
 *     such as "sorethroat", one-edit misspellings through a SymSpell deletion index);
 *  2. longest-match the vocabulary's phrase trie;
 *  3. decide each match's context in its sentence with NegEx/ConText-style cues from models/kb/qualifiers.json
 *     (negated, family, hypothetical, historical), then read severity, onset, duration and laterality nearby;
 *  4. read vital signs, age and sex written in the text.
 * Cost is linear in the text length; no allocation beyond the result and the token arrays.
 */
import { type CompiledKb, type TrieNode, correctToken, stem, tokenize } from '../../kb/compile.ts';
import type { VitalName } from '../../kb/schema.ts';

export type Context = 'patient' | 'family' | 'hypothetical' | 'history';

export interface ParsedFinding {
  id: string;
  label: string;
  present: boolean;
  confidence: number;
  context: Context;
  /** "implied": read from another finding's duration (see the vocabulary's `duration`), named in implied_by */
  match: 'exact' | 'repaired' | 'implied';
  implied_by?: string;
  source: { start: number; end: number };
  text: string;
  severity?: number;
  onset?: 'sudden' | 'gradual';
  duration_hours?: number;
  /**
   * what the duration measures when the mention is of episodes: "attacks lasting 2 hours" (the episode) or "episodes
   * of vertigo for 2 weeks" (the illness); absent when the mention is not episodic
   */
  duration_of?: 'episode' | 'illness';
  laterality?: string;
}

export interface ParseResult {
  findings: ParsedFinding[];
  vitals: Partial<Record<VitalName, number>>;
  /** days since the last menstrual period, where the text gives it ("LMP 9 weeks ago") */
  lmpDays?: number;
  /** days since a birth, where the text gives it as time ago ("had her first baby six weeks ago") */
  deliveryDays?: number;
  /** previous births, where the text gives them in obstetric notation ("G5 P2", "Para 4") */
  parity?: number;
  /** drugs the text says the patient takes ("taking amoxicillin", "on warfarin"), as drug ids */
  drugs: string[];
  /** laboratory results written in the text, in the knowledge base's units, with where they were read */
  labs: Record<string, LabReading>;
  age?: number;
  sex?: 'male' | 'female';
}

export interface LabReading { value: number; source: { start: number; end: number }; text: string }

/**
 * a phrase read at toks[i, i + n); `negatedAt`: a negation word standing before the cue a composed site was read with
 * ("abdomen soft and non tender"); `painFromTender`: a tenderness cue read through a pain template (the site has no
 * tenderness finding), which says nothing when negated
 */
interface Match { i: number; n: number; ids: string[]; repaired: boolean; negatedAt?: number; painFromTender?: boolean }

/**
 * `t` the token as the vocabulary knows it (repaired where needed), `w` the word as written, for cue matching;
 * `span` the stretch a phrase may run over, parted by commas and brackets but not by a colon ("Cough: productive")
 */
interface Tok { t: string; w: string; start: number; end: number; sent: number; clause: number; span: number; repaired: boolean }

/** a present reading of a finding and the words it was read from (a finding may be read more than once) */
interface Mention { pf: ParsedFinding; i: number; n: number }

const WORD_RE = /\d+\.\d+|[a-z0-9]+(?:['\-][a-z0-9]+)*|[/%+?]|[.;!\n:,()]/g;

export interface ParserTables {
  negPre: PhraseSet; negPost: PhraseSet; negPseudo: PhraseSet; modifierPre: PhraseSet; breakers: PhraseSet; historyPre: PhraseSet; presentingPre: PhraseSet; medicationPre: PhraseSet; relatives: Set<string>; familyPre: PhraseSet; familyPost: PhraseSet; stoppedPost: PhraseSet; hypoPre: PhraseSet; hypoVoid: Set<string>; idioms: PhraseSet;
  /** examination written as normal: the phrases, and the findings each makes absent */
  normalPhrases: PhraseSet; normalAbsent: Map<string, string[]>;
  /** one-word body sites (qualifiers.locations, the sites of site_states), the states a note gives them, parts of a part */
  siteWords: Set<string>; stateWords: Set<string>; partsOfAPart: Set<string>;
  onsetSudden: PhraseSet; onsetGradual: PhraseSet; severity: Map<string, number>; laterality: Map<string, string>; sides: Set<string>;
  durationUnits: Map<string, number>; numberWords: Map<string, number>; sexWords: Map<string, 'male' | 'female'>; dependantAgeRe?: RegExp; ageWordRe?: RegExp; ageWords: Map<string, number>; resultWords: Set<string>;
  vitalRes: { name: string; re: RegExp }[];
  labRes: { name: string; re: RegExp; unitRe?: RegExp; units: Map<string, number>; siBelow?: number; siAbove?: number; siFactor: number; ambiguous?: [number, number]; range: [number, number] }[];
  labOtherSpecimens: Set<string>; labNotAfter: Set<string>;
  lmpRes: RegExp[];
  /** measures of past exposure ("pack years") */
  exposureMeasures: Set<string>;
  /** a bit per cue list scanned over every word, and the lists whose cues start with a word */
  cueBit: Map<PhraseSet, number>; cueStarts: Map<string, number>;
  deliveryRes: RegExp[];
  parityRes: RegExp[];
  /** cue words + templates such as ["{loc}", "pain"] or ["pain", "in", "{loc}"]: pain first, then qualifiers.compose */
  composers: { cues: Set<string>; templates: string[][]; tenderFirst: string[][]; forOtherCues: string[][] }[];
  /** the finding a predicate word gives a site: site words joined by a space → word → finding id */
  siteStates: Map<string, Map<string, string>>;
  stopwords: Set<string>;
  difficulty: Set<string>;
  privative: Map<string, string>;
  episodic: Set<string>;
  episodeLength: Set<string>;
  /** words never repaired: stopwords and common words one edit from a vocabulary word */
  keepAsWritten: Set<string>;
  clauseBreakers: Set<string>;
  imaging: Set<string>;
  upperAbbreviations: Map<string, string[]>;
  upperNotBefore: Set<string>;
  repairCache: Map<string, string[] | null>;
}

/** A set of multi-word cue phrases, matched token-wise. */
class PhraseSet {
  private readonly byFirst = new Map<string, string[][]>();
  private readonly whole = new Set<string>();
  constructor(phrases: Iterable<string>) {
    for (const p of phrases) {
      this.whole.add(p.toLowerCase().trim());
      const toks = p.toLowerCase().match(/[a-z0-9]+(?:['\-][a-z0-9]+)*|[/%+?]/g);
      if (!toks) continue;
      const list = this.byFirst.get(toks[0]) ?? [];
      list.push(toks);
      list.sort((a, b) => b.length - a.length);
      this.byFirst.set(toks[0], list);
    }
  }
  has(phrase: string): boolean { return this.whole.has(phrase); }
  /** the words cues start with */
  firstWords(): Iterable<string> { return this.byFirst.keys(); }
  /**
   * Length in tokens of the longest cue starting at i, or 0. Cue words match the word as written or as repaired
   * ("presents" is repaired to the vocabulary's "present").
   */
  matchAt(toks: Tok[], i: number): number {
    const asWritten = this.byFirst.get(toks[i].w), asRepaired = toks[i].t !== toks[i].w ? this.byFirst.get(toks[i].t) : undefined;
    const cands = asWritten && asRepaired ? [...asWritten, ...asRepaired].sort((a, b) => b.length - a.length) : asWritten ?? asRepaired;
    if (!cands) return 0;
    outer: for (const c of cands) {
      if (i + c.length > toks.length) continue;
      for (let k = 1; k < c.length; k++) if ((toks[i + k].w !== c[k] && toks[i + k].t !== c[k]) || toks[i + k].sent !== toks[i].sent) continue outer;
      return c.length;
    }
    return 0;
  }
}

const tablesCache = new WeakMap<CompiledKb, ParserTables>();
export function parserTables(ckb: CompiledKb): ParserTables {
  let t = tablesCache.get(ckb);
  if (t) return t;
  const q = ckb.kb.qualifiers;
  t = {
    negPre: new PhraseSet(q.negation_pre), negPost: new PhraseSet(q.negation_post), negPseudo: new PhraseSet(q.negation_pseudo ?? []), modifierPre: new PhraseSet(q.modifier_pre ?? []), breakers: new PhraseSet(q.scope_breakers),
    historyPre: new PhraseSet(q.history_pre), presentingPre: new PhraseSet(q.presenting_pre ?? []), medicationPre: new PhraseSet(q.medication_pre ?? []),
    // the relatives of the family cues after a finding ("in her mother" → mother)
    relatives: new Set((q.family_post ?? []).map((c) => c.split(' ').at(-1)!)), familyPre: new PhraseSet(q.family_pre), familyPost: new PhraseSet(q.family_post ?? []), stoppedPost: new PhraseSet(q.stopped_post ?? []), hypoPre: new PhraseSet(q.hypothetical_pre), hypoVoid: new Set(q.hypothetical_void ?? []), idioms: new PhraseSet(q.idioms ?? []),
    stateWords: new Set(q.state_words ?? []), partsOfAPart: new Set(q.parts_of_a_part ?? []),
    siteWords: new Set([...q.locations, ...(q.site_states ?? []).flatMap((g) => g.sites)].filter((w) => !w.includes(' ')).map((w) => w.toLowerCase())),
    normalPhrases: new PhraseSet((q.normal_statements ?? []).flatMap((n) => n.phrases)),
    normalAbsent: new Map((q.normal_statements ?? []).flatMap((n) => n.phrases.map((ph) => [tokenize(ph).join(' '), n.absent] as const))),
    onsetSudden: new PhraseSet(q.onset_sudden), onsetGradual: new PhraseSet(q.onset_gradual),
    severity: new Map(Object.entries(q.severity_words)), laterality: new Map(Object.entries(q.laterality)),
    // side words a phrase may hold without the vocabulary naming them ("the outer side of his right elbow")
    sides: new Set(Object.entries(q.laterality).filter(([w, side]) => (side === 'left' || side === 'right') && /^[a-z]{3,}$/.test(w)).map(([w]) => w)),
    durationUnits: new Map(Object.entries(q.duration_units)), numberWords: new Map(Object.entries(q.number_words)),
    sexWords: new Map(Object.entries(q.sex_words)),
    ageWords: new Map(Object.entries(q.age_words ?? {})),
    siteStates: new Map((q.site_states ?? []).flatMap((g) => g.sites.map((site) => [tokenize(site).join(' '), new Map(Object.entries(g.states))] as const))),
    // the stage word as a subject: first in the text or after a determiner, and followed by what it does or has
    ...(Object.keys(q.age_words ?? {}).length ? { ageWordRe: new RegExp(`(?:^\\s*|\\b(?:my|our|the|a|this|her|his)\\s+)(${Object.keys(q.age_words!).map(escapeRegExp).join('|')})\\b(?!')(?=\\s+(?:(?:boy|girl|son|daughter|baby)\\s+)?(?:is|has|had|keeps|kept|won't|wont|isn't|hasn't|was|seems|started|with|not|can't|cant|cries|crying|vomit\\w*|refus\\w*)\\b|\\s*[(,])`) } : {}),
    resultWords: new Set(q.result_words ?? []),
    ...(q.dependant_age_pre?.length ? { dependantAgeRe: new RegExp(`\\b(?:${q.dependant_age_pre.map(escapeRegExp).join('|')})\\s+(?:my|our|his|her|their|a|an)\\s+$`) } : {}),
    stopwords: new Set(q.stopwords), difficulty: new Set(q.difficulty_words ?? []), privative: new Map(Object.entries(q.privative_words ?? {})), episodic: new Set(q.episodic_words ?? []), episodeLength: new Set(q.episode_length_words ?? []), keepAsWritten: new Set([...q.stopwords, ...(q.not_misspellings ?? [])]), clauseBreakers: new Set(q.clause_breakers), imaging: new Set(q.imaging_words ?? []), upperAbbreviations: new Map(Object.entries(q.upper_abbreviations ?? {}).map(([k, v]) => [k, v.split(' ')])), upperNotBefore: new Set(q.upper_abbreviations_not_before ?? []),
    composers: [{ cues: q.pain_words, templates: q.pain_compose }, ...(q.compose ?? [])].map((c) => {
      const templates = c.templates.map((p) => p.split(/\s+/));
      // "tender" tries the tenderness templates first; other cues never read "tender {loc}" (a pain is no tenderness)
      const tenderness = (tpl: string[]) => tpl.some((w) => TENDER_CUES.has(w));
      return { cues: new Set(c.cues), templates, tenderFirst: [...templates].sort((a, b) => Number(tenderness(b)) - Number(tenderness(a))), forOtherCues: templates.filter((tpl) => !tpl.includes('tender')) };
    }),
    labRes: (q.lab_readings ?? []).flatMap((l) => l.patterns.map((r) => ({
      name: l.name, re: new RegExp(`\\b${r.replaceAll('{sep}', LAB_SEPARATOR)}`, 'g'), units: new Map(Object.entries(l.units ?? {})),
      ...(l.units ? { unitRe: new RegExp(`\\s*(${Object.keys(l.units).map(escapeRegExp).join('|')})(?![a-z])`, 'y') } : {}),
      siBelow: l.si_below, siAbove: l.si_above, siFactor: l.si_factor ?? 1, ambiguous: l.ambiguous_without_unit, range: l.range,
    }))),
    labOtherSpecimens: new Set(q.lab_other_specimens ?? []), labNotAfter: new Set(q.lab_not_after ?? []), exposureMeasures: new Set(q.exposure_measures ?? []),
    vitalRes: Object.entries(q.vital_patterns).flatMap(([name, res]) => res.map((r) => ({ name, re: new RegExp(`\\b${r}`, 'g') }))),
    lmpRes: (q.lmp?.patterns ?? []).map((r) => new RegExp(`\\b${r}`)),
    deliveryRes: (q.delivery?.patterns ?? []).map((r) => new RegExp(`\\b${r}`)),
    parityRes: (q.parity?.patterns ?? []).map((r) => new RegExp(`\\b${r}`)),
    repairCache: new Map(), cueBit: new Map(), cueStarts: new Map(),
  };
  // each cue list's bit, and the lists whose cues start with each word
  [t.negPre, t.breakers, t.historyPre, t.familyPre, t.hypoPre, t.negPost, t.modifierPre, t.familyPost, t.stoppedPost, t.presentingPre, t.negPseudo, t.idioms, t.normalPhrases].forEach((set, i) => {
    t!.cueBit.set(set, 1 << i);
    for (const w of set.firstWords()) t!.cueStarts.set(w, (t!.cueStarts.get(w) ?? 0) | (1 << i));
  });
  tablesCache.set(ckb, t);
  return t;
}

/** Known-token form(s) of a token the vocabulary lacks: plural stem, a split compound, or a one-edit correction. */
function repair(ckb: CompiledKb, tables: ParserTables, t: string): string[] | null {
  const cached = tables.repairCache.get(t);
  if (cached !== undefined) return cached;
  const v = ckb.vocabularyTokens;
  let out: string[] | null = null;
  if (t.length >= 4 && !/^\d+$/.test(t) && !tables.keepAsWritten.has(t)) {
    for (const stem of [t.endsWith('ies') ? t.slice(0, -3) + 'y' : '', t.endsWith('es') ? t.slice(0, -2) : '', t.endsWith('s') ? t.slice(0, -1) : '', t.endsWith('ing') ? t.slice(0, -3) : '', t.endsWith('ed') ? t.slice(0, -2) : '']) {
      // a stem that is a grammar word ("notes" → "not") is no stem of this word
      if (stem.length >= 3 && v.has(stem) && !tables.keepAsWritten.has(stem) && !tables.negPre.has(stem)) { out = [stem]; break; }
    }
    if (!out && t.length >= 6) {
      for (let i = 3; i <= t.length - 3; i++) {
        const a = t.slice(0, i), b = t.slice(i);
        if (v.has(a) && v.has(b) && ckb.trie.next.get(a)?.next.has(b)) { out = [a, b]; break; }
      }
    }
    if (!out) { const c = correctToken(ckb, t); if (c) out = [c]; }
  }
  if (tables.repairCache.size > 50_000) tables.repairCache.clear();
  tables.repairCache.set(t, out);
  return out;
}

/**
 * Where a sentence runs into the next without a space ("a seal-like barkShe has", "Para 4She presented"): two
 * lower-case letters or a digit followed by a capitalised word. Short heads ("McBurney") and acronyms ("HbA1c",
 * "eGFR") are left whole.
 */
const JOINED_SENTENCE_RE = /(?:[a-z]{2}|\d)(?=[A-Z][a-z])/g;
const NON_PREFIX_RE = /^non-?([a-z]{4,})$/;

/**
 * A capital-only abbreviation used in another sense: in brackets after the words it stands for ("hyaluronic acid
 * (HA)"), doubled ("HA HA"), or before a word of that other sense ("HA injection")
 */
function otherSense(tables: ParserTables, original: string, written: string, start: number, end: number): boolean {
  if (original[start - 1] === '(' && original[end] === ')') return true;
  const next = /^\s*([A-Za-z]+)/.exec(original.slice(end, end + 30))?.[1], prev = /([A-Za-z]+)\s*$/.exec(original.slice(Math.max(0, start - 30), start))?.[1];
  return next === written || prev === written || (next !== undefined && tables.upperNotBefore.has(next.toLowerCase()));
}

function tokenizeWithOffsets(ckb: CompiledKb, tables: ParserTables, lower: string, original: string, questions?: Set<number>): Tok[] {
  const toks: Tok[] = [];
  let sent = 0, clause = 0, span = 0;
  const joins = new Set<number>();
  JOINED_SENTENCE_RE.lastIndex = 0;
  for (let m = JOINED_SENTENCE_RE.exec(original); m; m = JOINED_SENTENCE_RE.exec(original)) {
    // "reportedThe": the word before the capital has three or more letters ("mmHg", "McBurney" stay whole)
    if (m.index > 0 && (/\d/.test(m[0]) || /[a-z]/.test(original[m.index - 1]))) joins.add(m.index + m[0].length);
  }
  const word = (w: string, start: number) => {
    const end = start + w.length;
    // "c/o HA x3 days": an abbreviation read only as written in capitals ("ha" is a laugh)
    const written = original.slice(start, end), upper = tables.upperAbbreviations.get(written);
    if (upper && !otherSense(tables, original, written, start, end)) { for (const x of upper) toks.push({ t: x, w: x, start, end, sent, clause, span, repaired: false }); return; }
    if (ckb.vocabularyTokens.has(w) || w.length < 4) { toks.push({ t: w, w, start, end, sent, clause, span, repaired: false }); return; }
    // "nonsmoker", "non-productive": the prefix negates the word after it, as "non smoker" does; so does an a-privative
    // word ("afebrile" is "non febrile", not a misspelt "febrile")
    const rest = NON_PREFIX_RE.exec(w)?.[1] ?? tables.privative.get(w);
    if (rest && ckb.vocabularyTokens.has(rest)) { toks.push({ t: 'non', w: 'non', start, end, sent, clause, span, repaired: false }, { t: rest, w: rest, start, end, sent, clause, span, repaired: false }); return; }
    const r = repair(ckb, tables, w);
    if (!r) toks.push({ t: w, w, start, end, sent, clause, span, repaired: false });
    else for (const x of r) toks.push({ t: x, w: r.length === 1 ? w : x, start, end, sent, clause, span, repaired: true });
  };
  WORD_RE.lastIndex = 0;
  for (let m = WORD_RE.exec(lower); m; m = WORD_RE.exec(lower)) {
    const w = m[0];
    const start = m.index;
    if (w === '.' || w === ';' || w === '!' || w === '\n' || w === '?') {
      if (w === '?') questions?.add(sent);
      // a dot between digits ("39.2", "6.8 kg") is part of the number token, never a sentence end
      sent++;
      clause++;
      span++;
      continue;
    }
    if (w === ':') { clause++; continue; }
    if (w === ',' || w === '(' || w === ')') { clause++; span++; continue; }
    let from = 0;
    if (joins.size) {
      for (let k = 1; k < w.length; k++) {
        if (!joins.has(start + k)) continue;
        word(w.slice(from, k), start + from);
        sent++;
        clause++;
        span++;
        from = k;
      }
    }
    word(from ? w.slice(from) : w, start + from);
  }
  return arrows(original, resultMarks(ckb, tables, lower, toks));
}

/** "loin pain → groin", "CP -> L arm": an arrow between two words reads as "radiating to" */
function arrows(original: string, toks: Tok[]): Tok[] {
  if (!original.includes('→') && !original.includes('->')) return toks;
  const out: Tok[] = [];
  for (let k = 0; k < toks.length; k++) {
    out.push(toks[k]);
    const next = toks[k + 1];
    if (!next || next.sent !== toks[k].sent) continue;
    const gap = original.slice(toks[k].end, next.start);
    const at = gap.includes('→') ? gap.indexOf('→') : gap.indexOf('->');
    if (at < 0 || /[,;:()]/.test(gap)) continue;
    const start = toks[k].end + at, end = start + (gap.includes('→') ? 1 : 2);
    out.push({ ...next, t: 'radiating', w: 'radiating', start, end }, { ...next, t: 'to', w: 'to', start, end });
  }
  return out;
}

/**
 * How far a result mark moves the clause and span numbers of the words after it (past any count a text could reach):
 * `markSegment` of a token is the number of result marks before it, so that a post-negation ("-ve") never reaches
 * past another result ("leuks +++, ketones -ve": the ketones only).
 */
const MARK_PARTS = 1 << 20;
const markSegment = (tk: Tok) => Math.floor(tk.span / MARK_PARTS);
const MINUS_VE_RE = /-\s*ve\b/;

/**
 * Clinicians' result marks: "+ve" and a run of "+" closing its clause ("leuks +++", "blood +") read as "positive", "-ve"
 * as "negative" ("Murphy's -ve"); "+" between words stays "and" ("eating + drinking"). A result word or mark after
 * what it reports ends that result ("leuks ++ nit neg blood +": three results), one before a noun it qualifies does not
 * ("a negative pregnancy test"). A sign's eponym before a mark is the sign ("Kernig's +ve": Kernig's sign).
 */
function resultMarks(ckb: CompiledKb, tables: ParserTables, lower: string, toks: Tok[]): Tok[] {
  if (!lower.includes('+') && !MINUS_VE_RE.test(lower) && !toks.some((tk) => tables.resultWords.has(tk.t))) return toks;
  const out: Tok[] = [];
  let parted = 0;
  // the mark reports on what stands before it in its span (a colon parts no span: "Nitrites: +ve")
  const reportsOn = (k: number) => k > 0 && toks[k - 1].span === toks[k].span && toks[k - 1].sent === toks[k].sent;
  for (let k = 0; k < toks.length; k++) {
    const tk = parted ? { ...toks[k], clause: toks[k].clause + parted, span: toks[k].span + parted } : toks[k];
    if (tk.t === '+') {
      let e = k;
      while (e + 1 < toks.length && toks[e + 1].t === '+' && toks[e + 1].clause === toks[k].clause) e++;
      const ve = e + 1 < toks.length && toks[e + 1].t === 've' && toks[e + 1].start - toks[e].end <= 1;
      const closes = e + 1 >= toks.length || toks[e + 1].clause !== toks[k].clause;
      // "leuks ++ nit neg", "leuks 2+": two or more pluses, or a grade joined to its plus, are a result too
      const graded = e > k || (k > 0 && /^[1-4]$/.test(toks[k - 1].t) && toks[k - 1].end === tk.start);
      if ((ve || closes || graded) && reportsOn(k)) {
        out.push({ ...tk, t: 'positive', w: 'positive', end: ve ? toks[e + 1].end : toks[e].end });
        k = ve ? e + 1 : e;
        parted += MARK_PARTS;
        continue;
      }
    } else if (tk.t === 've' && tk.start > 0 && lower[tk.start - 1] === '-' && (tk.start < 2 || !/[a-z0-9]/.test(lower[tk.start - 2]))) {
      out.push({ ...tk, t: 'negative', w: 'negative', start: tk.start - 1 });
      parted += MARK_PARTS;
      continue;
    }
    out.push(tk);
    // "nit negative blood +": a result word after what it reports ends that result; not "negative for …" (a negation
    // cue) nor one that opens a phrase of its own ("a negative pregnancy test", "positive straight leg raise")
    const next = toks[k + 1];
    if (tables.resultWords.has(tk.t) && reportsOn(k) && next && next.t !== 'for' && !ckb.trie.next.get(tk.t)?.next.has(next.t)) parted += MARK_PARTS;
  }
  // "Murphy's +ve", "Murphy's: -ve": the eponym's sign, where the vocabulary names it so
  for (let k = out.length - 2; k >= 0; k--) {
    const next = out[k + 1].t;
    if ((next !== 'positive' && next !== 'negative') || out[k + 1].sent !== out[k].sent || out[k + 1].span - out[k].span > MARK_PARTS) continue;
    const node = ckb.trie.next.get(out[k].t);
    if (node?.next.has('sign') && !node.entry) out.splice(k + 1, 0, { ...out[k], t: 'sign', w: 'sign' });
  }
  return out;
}

const NEG_WINDOW = 14;
/**
 * The longest vocabulary phrase starting at token `i`, within its sentence. An intensifier inside the phrase may be
 * skipped where the vocabulary has the phrase without it ("feeling really down" is "feeling down"); both readings of
 * such a word are tried ("feeling really weak" is itself a phrase).
 */
function longestPhraseAt(ckb: CompiledKb, sides: Set<string>, toks: Tok[], i: number): Match | undefined {
  let best: Match | undefined;
  // the walk follows the words as written; a skipped intensifier, or a plural the vocabulary has only in the singular
  // inside a longer phrase ("headaches on one side"), is a second path kept for later (rare, so the stack is only made
  // when one is met)
  let pending: [TrieNode, number, boolean, boolean][] | undefined;
  const written = ckb.trie.next.get(toks[i].t), singular = singularOf(toks[i].t);
  const fromSingular = singular ? ckb.trie.next.get(singular) : undefined;
  if (written && fromSingular) pending = [[fromSingular, i, toks[i].repaired, true]];
  const root = written ?? fromSingular;
  if (!root) return undefined;
  // a singular start counts only inside a longer phrase: "does" is not the abbreviation "doe"
  let node: TrieNode = root, k = i, repaired = toks[i].repaired, singularStart = !written;
  for (;;) {
    if (node.entry && (!best || k - i + 1 > best.n) && !(singularStart && k === i)) best = { i, n: k - i + 1, ids: node.entry.findingIds, repaired };
    const next = k + 1;
    let child: TrieNode | undefined;
    // a phrase stays in its span: "vitamin B12 very low, folate normal" is no low folate; "Cough: productive" may join
    if (next < toks.length && toks[next].span === toks[i].span) {
      child = node.next.get(toks[next].t);
      // (and a side inside the phrase: "pain on the outer side of his right elbow")
      if ((INTENSIFIERS.has(toks[next].t) || (next > i && sides.has(toks[next].t))) && next + 1 < toks.length && toks[next + 1].span === toks[i].span) {
        const after = node.next.get(toks[next + 1].t);
        if (after) (pending ??= []).push([after, next + 1, repaired || toks[next + 1].repaired, singularStart]);
      }
    }
    if (child) { node = child; repaired ||= toks[next].repaired; k = next; continue; }
    const resume = pending?.pop();
    if (!resume) return best;
    [node, k, repaired, singularStart] = resume;
  }
}

/** 1 for every token inside a match already read */
function coveredTokens(toks: Tok[], matches: Match[]): Uint8Array {
  const covered = new Uint8Array(toks.length);
  for (const m of matches) for (let k = m.i; k < m.i + m.n; k++) covered[k] = 1;
  return covered;
}

/** the singular of a plural word ("headaches" → "headache", "bodies" → "body"), or undefined */
function singularOf(t: string): string | undefined {
  if (t.length < 4 || !t.endsWith('s') || t.endsWith('ss')) return undefined;
  return t.endsWith('ies') ? t.slice(0, -3) + 'y' : t.slice(0, -1);
}

/** adverbs that may stand inside a vocabulary phrase without changing it ("feeling really down") */
const INTENSIFIERS = new Set(['really', 'very', 'so', 'quite', 'extremely', 'pretty', 'rather', 'terribly', 'incredibly', 'awfully', 'fairly', 'super', 'too', 'constantly', 'always']);
/** most words from a habit to a cue that says it stopped ("smoking history but quit", "smoked … for 40 years but quit") */
const STOPPED_REACH = 8;
const STOPPED_OBJECT_WORDS = new Set(['a', 'an', 'this', 'that', 'these', 'those', 'taking', 'using', 'working', 'eating', 'drinking']);
const SUBJECT_PRONOUNS = new Set(['i', 'he', 'she', 'we', 'they', "i've", "i'm", "i'd", "i'll", "he's", "she's", "we've", "we're", "they've", "they're"]);
/** how far back a difficulty word turns "without Y" into Y happening ("it is hard to walk about without becoming stiff") */
const DIFFICULTY_REACH = 8;

export function parseText(ckb: CompiledKb, text: string): ParseResult {
  const tables = parserTables(ckb);
  // keep offsets: lower-casing ASCII keeps length; other characters are replaced one-for-one
  // (non-ASCII first: "İ" lower-cases to two code units and would shift every offset after it)
  const lower = text.replace(/[^\x00-\x7f]/g, (c) => (c === '’' || c === '‘' ? "'" : c === '°' ? '°' : ' ')).toLowerCase()
    // "31+5/40": 31 weeks and 5 days of gestation is read as "31/40" (the days, kept as blanks, would read "5/40")
    .replace(GESTATION_DAYS_RE, (_, weeks: string, days: string) => weeks + ' '.repeat(days.length));
  const questions = new Set<number>();
  const toks = tokenizeWithOffsets(ckb, tables, lower, text, questions);
  // which cue lists have a cue starting at each word (one lookup per word, not one per list)
  const starts = new Int32Array(toks.length);
  for (let i = 0; i < toks.length; i++) starts[i] = (tables.cueStarts.get(toks[i].w) ?? 0) | (tables.cueStarts.get(toks[i].t) ?? 0);

  // the length of the cue of a list starting at each word (`starts` tells which lists can start there)
  const cueAt = (set: PhraseSet) => {
    const a = new Int8Array(toks.length), bit = tables.cueBit.get(set) ?? -1;
    for (let i = 0; i < toks.length; i++) if (bit < 0 || starts[i] & bit) a[i] = set.matchAt(toks, i);
    return a;
  };
  // words of an idiom say nothing of the body ("keeping an eye on", "first thing in the morning"): 1 + the idiom's end
  const idiom = new Int32Array(toks.length), idiomAt = cueAt(tables.idioms);
  for (let i = 0; i < toks.length; i++) for (let k = i; k < i + idiomAt[i]; k++) idiom[k] = i + idiomAt[i] + 1;
  // … nor does a phrase that ends inside one ("can't see" in "I can't see the point of it"); one that holds it whole does
  const endsInIdiom = (m: Match) => { const e = idiom[m.i + m.n - 1]; return e > 0 && e - 1 > m.i + m.n; };

  // 1. phrase matches (longest first, left to right, non-overlapping)
  const matches: Match[] = [];
  for (let i = 0; i < toks.length;) {
    let best = longestPhraseAt(ckb, tables.sides, toks, i);
    // "pain in the back" of my neck, "spots on the back" of my throat: a phrase ending on a part word followed by "of"
    // names the part of what follows, not the back itself
    if (best && (partOfWhatFollows(tables, toks, best.i + best.n - 1) || endsInIdiom(best))) best = undefined;
    if (best) { matches.push(best); i += best.n; } else i++;
  }

  // "non bloody diarrhoea": "non" negates the bloody kind, the diarrhoea itself is there
  for (const m of [...matches]) {
    if (m.n < 2 || m.i === 0 || toks[m.i - 1].t !== 'non') continue;
    const tail = trieLongest(ckb, toks.slice(m.i + 1, m.i + m.n).map((tk) => tk.t));
    if (tail && tail.n === m.n - 1) matches.push({ i: m.i + 1, n: tail.n, ids: tail.ids, repaired: m.repaired });
  }
  // 1a. a feeling verb carries over "and"/"or" to the next adjective ("I feel tired and weak": "feel weak")
  sharedFeelingVerb(ckb, toks, matches);
  sharedSubject(ckb, tables, toks, matches);
  adjectiveList(ckb, tables, toks, matches);
  // 1b. composed matches: a pain word anywhere in a sentence plus a body location ("pain in my lower back and hip",
  //     "flank (R)") is looked up as "<location> pain" through the same vocabulary; likewise swelling and rash
  composeMatches(ckb, tables, toks, matches, idiom);
  coordinatedCues(ckb, tables.composers, toks, matches);
  // 1c. word-order-free matches of multi-word synonyms within one clause ("pain that is increased when you
  //     breathe in deeply" ~ "pain worse on deep breathing"), for findings not already found in the sentence
  bagMatches(ckb, tables, toks, matches, starts, idiom);
  // 1d. "I have a rash on my legs. It is itchy and spreading": a sentence opened by "it"/"they" speaks of the thing
  //     the previous sentence opened with
  pronounMatches(ckb, toks, matches);
  matches.sort((a, b) => a.i - b.i);

  // 2. cue positions (`cueAt`, above)
  const neg = cueAt(tables.negPre), brk = cueAt(tables.breakers), hist = cueAt(tables.historyPre), fam = cueAt(tables.familyPre), hypo = cueAt(tables.hypoPre);
  const negPost = cueAt(tables.negPost), modPre = cueAt(tables.modifierPre), famPost = cueAt(tables.familyPost), stopped = cueAt(tables.stoppedPost), presenting = cueAt(tables.presentingPre);
  // a negation word inside a pseudo-negation ("no improvement in", "not only") negates nothing
  const pseudo = cueAt(tables.negPseudo);
  for (let i = 0; i < toks.length; i++) for (let k = i; k < i + pseudo[i]; k++) { neg[k] = 0; negPost[k] = 0; }
  // words inside a history, family or hypothetical cue ("diagnosed with") are not scope breakers ("with")
  const inCue = new Uint8Array(toks.length);
  for (const a of [hist, fam, hypo]) for (let i = 0; i < toks.length; i++) for (let k = i; k < i + a[i]; k++) inCue[k] = 1;
  const inMatch = new Uint8Array(toks.length);
  const matchStart = new Int32Array(toks.length).fill(-1);
  for (const m of matches) for (let k = m.i; k < m.i + m.n; k++) { inMatch[k] = 1; matchStart[k] = m.i; }

  const answeredNo = answeredNoRanges(lower);
  // questions the writer asks about what they have ("Could this be …?", "Is it …?")
  const worry = new Set<number>();
  for (let i = 0; i + 1 < toks.length; i++) if ((i === 0 || toks[i - 1].sent !== toks[i].sent) && questions.has(toks[i].sent) && WORRY_OPENERS.has(toks[i].t) && WORRY_SUBJECTS.has(toks[i + 1].t)) worry.add(toks[i].sent);
  const byId = new Map<string, ParsedFinding>();
  // every present reading, where a finding is read more than once
  const mentions: Mention[] = [];
  for (const m of matches) {
    const sent = toks[m.i].sent;
    let negated = false, negAt = -1, otherThan = false, context: Context = 'patient', newStatement = false;
    // look back within the sentence: the nearest cue wins, a scope breaker stops the look-back
    for (let k = m.i - 1, dist = 0; k >= 0 && toks[k].sent === sent && dist < NEG_WINDOW; k--, dist++) {
      if (inMatch[k] === 0 && brk[k] && !neg[k] && !inCue[k]) break;
      // a clause that opens with a new subject ("…, I constantly have a sour taste") is out of an earlier cue's scope,
      // and a relative who reports about the patient does not make the report family history ("her brother noticed
      // she was confused", "my mother says I have asthma")
      if (toks[k].clause !== toks[k + 1].clause && SUBJECT_PRONOUNS.has(toks[k + 1].w)) break;
      // "hasn't opened her bowels for 4 days, feels bloated", "no chest pain, just a heavy feeling in her upper tummy": a
      // clause opening with a verb of its own, or with a word of contrast, says something new: no negation or history
      // before it reaches in (a relative's does: "my brother has asthma, gets eczema too")
      if (toks[k].clause !== toks[k + 1].clause && (CLAUSE_VERBS.has(toks[k + 1].w) || CONTRAST_OPENERS.has(toks[k + 1].t) || siteStatementAt(tables, toks, k + 1))) newStatement = true;
      if (!inMatch[k] && SUBJECT_PRONOUNS.has(toks[k].w) && !neg[k]) break;
      // "… any energy and my throat has been itchy": "and" with a possessed subject and its verb opens a new clause
      // ("no pain in my chest and my left arm" is still one list)
      if (k + 1 < m.i && newSubjectAt(toks, k)) break;
      // "I'm not in the mood to eat, and swallowing is difficult": ", and" opening a clause with its own verb ends the
      // scope too ("no fever, chills, and night sweats" is still one list: no verb)
      if (k > 0 && toks[k - 1].clause !== toks[k].clause && clauseWithVerbAt(toks, k)) break;
      // "lost 6 kg without trying and feels tired": "and" with a verb of its own ends it without a comma too
      if (toks[k].t === 'and' && k + 1 < m.i && (CLAUSE_VERBS.has(toks[k + 1].w) || FEELING_VERBS.has(toks[k + 1].t))) break;
      // "FHx: Mother T2DM, father MI at 52": a relative opening a clause right before the finding is its subject (a son
      // or daughter so written is more often the patient: "Daughter: fever 3 days")
      // (only where the finding has a family form: "Father chest pain" in a caller's note is the father's complaint)
      if (k === m.i - 1 && tables.relatives.has(toks[k].t) && !DEPENDANT_WORDS.has(toks[k].t) && (k === 0 || toks[k - 1].clause !== toks[k].clause)
        && m.ids.some((id) => id.startsWith('family_') || ckb.familyOf.has(id))) { context = 'family'; break; }
      // family and hypothetical cues count even inside another finding's phrase ("mother had diabetes")
      // (a cue may end on the phrase's first word: "mother had" + "had a stroke")
      if (fam[k] && k < m.i) {
        // "her mother has just noticed purple spots on her trunk": a relative who noticed or says something reports it
        let reports = false;
        for (let j = k + fam[k]; j < m.i && j <= k + fam[k] + REPORTER_REACH && !reports; j++) reports = REPORTING_VERBS.has(toks[j].t);
        if (reports) continue;
        context = 'family';
        break;
      }
      // "worried about this rash", "concerned about my cough": a possessive or demonstrative says the thing is there
      if (hypo[k] && k + hypo[k] <= m.i) {
        let real = false;
        for (let j = k + hypo[k]; j < m.i && !real; j++) real = tables.hypoVoid.has(toks[j].t);
        if (!real) context = 'hypothetical';
        break;
      }
      if (inMatch[k]) continue;
      // "pain not relieved by analgesia, radiating to the back": a modifier cue ends what a negation before it covers
      if (modPre[k] && k + modPre[k] <= m.i) break;
      // a negation cue may run into the phrase it negates ("no history of" + "history of kidney stones")
      if (neg[k]) {
        if (newStatement) break;
        // "I have not had a period": a cue running into a phrase that holds its own negation is that phrase's
        if (k + neg[k] > m.i && negationInside(neg, m.i, m.n)) break;
        // "I can't walk without pain", "hard to move about while not feeling stiff": the pain or stiffness is there
        if (afterDifficulty(tables, toks, k)) break;
        // "bruising without trauma, difficulty rising from a chair, and muscle wasting": "without" reaches past a
        // comma only into a list that closes with "or" ("without fever, chills or sweats")
        if (toks[k].t === 'without' && toks[k].clause !== toks[m.i].clause && !orClosesList(toks, k, m.i)) break;
        // "No fever, PMH asthma", "denies chest pain, history of MI": a history cue in a later clause starts the history,
        // out of the list ("no fever, rash or history of injury" is still one list, closed by "or")
        if (toks[k].clause !== toks[m.i].clause) {
          const h = historyCueAt(hist, toks, k + neg[k], m.i);
          if (h >= 0 && !orBetween(toks, k, h)) break;
        }
        negated = true;
        negAt = k;
        // "denies any other joint pain": the other ones only; the one described is there, so nothing is said of it
        for (let j = Math.max(k + neg[k], m.i - 2); j < m.i; j++) if (toks[j].t === 'other') otherThan = true;
        break;
      }
      if (hist[k] && k + hist[k] <= m.i && dist < 6) {
        if (newStatement) break;
        // "a 3-week history of headaches", "2 months history of leg oedema": the length of the present illness
        if (k > 0 && toks[k - 1].sent === sent && durationEndingAt(tables, toks, k - 1) !== undefined) break;
        // "presents with a history of worsening pain": the presenting complaint
        const before = k > 0 && ARTICLES.has(toks[k - 1].t) ? k - 1 : k;
        if (endsCue(presenting, toks, before, sent)) break;
        // "his sister was diagnosed with X", "no family history of X": a family cue just before the history cue wins
        for (let j = k - 1; j >= Math.max(0, k - 4) && toks[j].sent === sent; j--) if (fam[j]) { context = 'family'; break; }
        if (context === 'family') break;
        // "no history of X", "no known allergies": a negation right before the history cue negates the finding
        for (let j = k - 1; j >= Math.max(0, k - 2); j--) if (neg[j] && toks[j].clause === toks[k].clause) negated = true;
        // "no fever, redness, locking or history of injury": a history cue inside a negated list closed by "or"
        for (let j = k - 1, d = dist; !negated && j >= 0 && toks[j].sent === sent && d < NEG_WINDOW; j--, d++) {
          if ((brk[j] && !neg[j]) || SUBJECT_PRONOUNS.has(toks[j].w)) break;
          if (neg[j]) { if (toks[j].clause === toks[k].clause || orBetween(toks, j, k)) negated = true; break; }
        }
        if (!negated) context = 'history';
        break;
      }
    }
    // "non" right before a phrase negates that phrase only ("non bloody diarrhoea", "non smoker"), and a negated cue a
    // site was composed with negates that site ("abdomen soft and non tender")
    if (m.i > 0 && toks[m.i - 1].t === 'non' && toks[m.i - 1].sent === sent) negated = true;
    if (m.negatedAt !== undefined && !afterDifficulty(tables, toks, m.negatedAt)) negated = true;
    // post-negation: "fever: negative", "chest pain denied"
    const after = m.i + m.n;
    // "heart disease in her father": a family cue right after the phrase
    if (context === 'patient' && after < toks.length && toks[after].sent === sent && famPost[after]) context = 'family';
    // (not past another result: "leuks +++, ketones -ve" negates the ketones only)
    for (let k = after; k < Math.min(toks.length, after + 2); k++) if (toks[k].sent === sent && markSegment(toks[k]) === markSegment(toks[after - 1]) && negPost[k]) negated = true;
    // a question or label answered "no" ("Chest pain? No.", "Recent travel: N")
    if (!negated && answeredNo.some(([a, b]) => toks[m.i].start >= a && toks[m.i].start < b)) negated = true;

    // "pain aggravated by coughing", "worse on walking": the words after the cue say what changes a complaint,
    // they are not a complaint of their own
    if (otherThan || modifiesComplaint(toks, modPre, matchStart, m.i)) continue;
    const first = toks[m.i], last = toks[m.i + m.n - 1];
    // "a 30-pack-year smoking history but quit 5 years ago": a stop cue a few words on makes a habit a past one
    let stoppedAfter = false;
    if (!negated && context === 'patient') {
      for (let k = after; k < Math.min(toks.length, after + STOPPED_REACH) && toks[k].sent === sent && !stoppedAfter; k++) {
        // … but not "has stopped his statin", "quit the job", "stopped taking it": an object of its own; and a
        // conjunction starts another statement ("she smokes and the bleeding stopped") unless it opens the cue ("but quit")
        const next = toks[k + stopped[k]];
        stoppedAfter = stopped[k] > 0 && !(next && next.sent === sent && (DETERMINERS.has(next.t) || STOPPED_OBJECT_WORDS.has(next.t)));
        if (!stopped[k] && tables.clauseBreakers.has(toks[k].t)) break;
      }
    }
    // "stopped taking ibuprofen", "no longer gets headaches": a stop cue running into the phrase, in its clause
    // ("no longer smokes": the cue's own negation word is no negation of its own)
    let stoppedBefore = false;
    if (context === 'patient') {
      // a verb or determiner may come between ("no longer has any chest pain", "stopped the aspirin")
      for (let k = m.i - 1; k >= Math.max(0, m.i - 5) && toks[k].clause === first.clause; k--) {
        if (!stopped[k] || k + stopped[k] > m.i) continue;
        let gap = true;
        for (let j = k + stopped[k]; j < m.i && gap; j++) gap = CLAUSE_VERBS.has(toks[j].w) || DETERMINERS.has(toks[j].t) || STOPPED_OBJECT_WORDS.has(toks[j].t) || toks[j].t === 'any';
        stoppedBefore = gap && m.i - (k + stopped[k]) <= 2 && (!negated || (negAt >= k && negAt < k + stopped[k]));
        break;
      }
      if (stoppedBefore) negated = false;
    }
    for (const spoken of m.ids) {
      // a relative's condition is the patient's family history of it, where the vocabulary has that finding; a
      // stopped habit is its past form, and anything else that stopped is not there now
      const past = stoppedAfter || stoppedBefore ? ckb.pastOf.get(spoken) : undefined;
      const id = context === 'family' && !spoken.startsWith('family_') ? ckb.familyOf.get(spoken) : past ?? spoken;
      const now = !negated && !(stoppedBefore && !past);
      const f = id ? ckb.findingById.get(id) : undefined;
      if (!id || !f) continue;
      if (context === 'hypothetical') continue;
      // "Could this give me skin cancer?": a condition a question asks about is a worry, not the patient's history
      if (worry.has(sent) && (f.kind === 'history' || f.kind === 'risk_factor')) continue;
      // "the bony points of the ankle are not tender": no tenderness there says nothing of pain there (the sprain hurts)
      if (!now && m.painFromTender) continue;
      // for history/risk items the history cue is exactly what they express
      const ctx: Context = context === 'history' && (f.kind === 'history' || f.kind === 'risk_factor' || f.kind === 'exposure') ? 'patient' : context;
      const pf: ParsedFinding = {
        id, label: f.label, present: now, confidence: m.repaired ? 0.8 : 0.95, context: ctx,
        match: m.repaired ? 'repaired' : 'exact', source: { start: first.start, end: last.end }, text: text.slice(first.start, last.end),
      };
      if (now) readModifiers(tables, toks, m.i, m.n, pf);
      if (now) mentions.push({ pf, i: m.i, n: m.n });
      const prev = byId.get(id);
      // a present mention outweighs a negated one; the patient's own context outweighs history
      if (!prev || (!prev.present && pf.present) || (prev.context !== 'patient' && pf.context === 'patient' && pf.present === prev.present)) byId.set(id, pf);
    }
  }

  orQuestionAnswers(ckb, toks, inMatch, questions, mentions, byId);
  normalStatements(ckb, tables, toks, cueAt(tables.normalPhrases), text, byId);

  const out: ParseResult = { findings: [...byId.values()], vitals: readVitals(tables, lower), drugs: drugsTaken(ckb, tables, toks, neg, stopped, questions), labs: readLabs(tables, lower, text) };
  const lmp = readDaysAgo(tables, lower, tables.lmpRes), parity = readParity(tables, lower), delivery = readDaysAgo(tables, lower, tables.deliveryRes, true);
  if (lmp !== undefined) out.lmpDays = lmp;
  if (delivery !== undefined) out.deliveryDays = delivery;
  if (parity !== undefined) out.parity = parity;
  const demo = readDemographics(tables, lower);
  if (demo.age !== undefined) out.age = demo.age;
  if (demo.sex) out.sex = demo.sex;
  return out;
}

const GESTATION_DAYS_RE = /\b(\d{1,2})(\s?\+\s?\d)(?=\/40\b)/g;

/**
 * "O/E: chest clear, HS I+II+0": an examination written as normal makes its findings absent, where nothing in the text
 * reads them present ("chest clear" beside "bibasal crackles" keeps the crackles)
 */
function normalStatements(ckb: CompiledKb, tables: ParserTables, toks: Tok[], normalAt: Int8Array, text: string, byId: Map<string, ParsedFinding>): void {
  for (let i = 0; i < toks.length; i++) {
    const n = normalAt[i];
    if (!n) continue;
    const first = toks[i], last = toks[i + n - 1];
    for (const id of tables.normalAbsent.get(toks.slice(i, i + n).map((tk) => tk.t).join(' ')) ?? []) {
      const f = ckb.findingById.get(id);
      if (!f || byId.has(id)) continue;
      byId.set(id, { id, label: f.label, present: false, confidence: 0.9, context: 'patient', match: 'exact', source: { start: first.start, end: last.end }, text: text.slice(first.start, last.end) });
    }
    i += n - 1;
  }
}

/** a question opening "could this", "is it", "can I": the writer asks what they have or may get */
const WORRY_OPENERS = new Set(['could', 'can', 'will', 'would', 'might', 'may', 'should', 'is', 'does', 'am', 'do']);
const WORRY_SUBJECTS = new Set(['this', 'it', 'that', 'these', 'i', 'my']);
/** Words a question may put between "or" and its next alternative ("or do you feel"). */
const OR_QUESTION_GAP = 3;

/**
 * "Do you feel your heart is beating fast (racing), irregularly (missing a beat) or do you feel palpitations: yes": a
 * yes to a question that offers findings as alternatives affirms one of them, not each; where one alternative is a
 * kind of another, only the general one is known from the question (a reading elsewhere in the text still counts).
 * Alternatives with nothing in common stay as read: the answer says nothing about which, and dropping both would lose a
 * yes. The answer is a "yes" closing the question after a colon, or a next sentence that opens with "yes".
 */
function orQuestionAnswers(ckb: CompiledKb, toks: Tok[], inMatch: Uint8Array, questions: Set<number>, mentions: Mention[], byId: Map<string, ParsedFinding>): void {
  if (!mentions.length) return;
  const yesTo = new Set<number>();
  for (let k = 0; k < toks.length; k++) {
    if (toks[k].t !== 'yes') continue;
    const sent = toks[k].sent;
    const closes = (k + 1 >= toks.length || toks[k + 1].sent !== sent) && k > 0 && toks[k - 1].sent === sent && toks[k - 1].clause !== toks[k].clause;
    if (closes) yesTo.add(sent);
    else if ((k === 0 || toks[k - 1].sent !== sent) && questions.has(sent - 1)) yesTo.add(sent - 1);
  }
  if (!yesTo.size) return;
  const endingAt = new Map<number, Mention[]>(), startingAt = new Map<number, Mention[]>();
  for (const x of mentions) {
    endingAt.set(x.i + x.n - 1, [...(endingAt.get(x.i + x.n - 1) ?? []), x]);
    startingAt.set(x.i, [...(startingAt.get(x.i) ?? []), x]);
  }
  // the alternatives: a reading ending right at an "or", and one starting within a question's few words after it, none
  // of them read ("a cough that produces colored or more abundant sputum" is one cough: the "or" joins kinds of sputum)
  const dropped = new Set<Mention>();
  for (let o = 1; o < toks.length; o++) {
    if (toks[o].t !== 'or' || !yesTo.has(toks[o].sent)) continue;
    const before = endingAt.get(o - 1);
    if (!before) continue;
    let after: Mention[] | undefined;
    for (let k = o + 1; k <= o + 1 + OR_QUESTION_GAP && k < toks.length && toks[k].sent === toks[o].sent; k++) {
      after = startingAt.get(k);
      if (after || inMatch[k]) break;
    }
    for (const x of before) for (const y of after ?? []) {
      if (ckb.ancestors.get(x.pf.id)?.includes(y.pf.id)) dropped.add(x);
      else if (ckb.ancestors.get(y.pf.id)?.includes(x.pf.id)) dropped.add(y);
    }
  }
  for (const x of dropped) {
    if (byId.get(x.pf.id) !== x.pf) continue;
    const other = mentions.find((m) => m.pf.id === x.pf.id && !dropped.has(m));
    if (other) byId.set(x.pf.id, other.pf); else byId.delete(x.pf.id);
  }
}

const FEELING_VERBS = new Set(['feel', 'feels', 'feeling', 'felt']);
/** How far back, in words, a feeling verb may stand from the "and" that joins a second adjective to it. */
const FEELING_VERB_REACH = 4;

/**
 * "I feel tired and weak", "feeling sick or dizzy": the words after "and"/"or" are read as if the feeling verb stood
 * before them, where the vocabulary has that phrase ("feel weak") and the words were not read already.
 */
function sharedFeelingVerb(ckb: CompiledKb, toks: Tok[], matches: Match[]): void {
  const covered = coveredTokens(toks, matches);
  for (let a = 1; a + 1 < toks.length; a++) {
    if ((toks[a].t !== 'and' && toks[a].t !== 'or') || covered[a + 1] || toks[a + 1].clause !== toks[a].clause) continue;
    let verb = -1;
    for (let v = a - 1; v >= Math.max(0, a - FEELING_VERB_REACH) && toks[v].clause === toks[a].clause; v--) if (FEELING_VERBS.has(toks[v].t)) { verb = v; break; }
    if (verb < 0) continue;
    let best: { n: number; ids: string[] } | undefined;
    for (const form of new Set([toks[verb].t, 'feel'])) {
      let node = ckb.trie.next.get(form);
      for (let k = a + 1; node && k < toks.length && toks[k].clause === toks[a].clause && !covered[k]; k++) {
        node = node.next.get(toks[k].t);
        if (node?.entry && (!best || k - a > best.n)) best = { n: k - a, ids: node.entry.findingIds };
      }
    }
    if (!best) continue;
    matches.push({ i: a + 1, n: best.n, ids: best.ids, repaired: false });
    for (let k = a + 1; k <= a + best.n; k++) covered[k] = 1;
  }
}

/**
 * "my nose is runny and blocked", "my urine is cloudy and smells bad", "my eyes are red, itchy and watery": a possessed
 * subject carries over "and" and over a comma list of short predicates, each read as "<subject> <verb> <predicate>",
 * "<subject> <predicate>", "<predicate> <subject>" or a composition of its cue word with the subject as the site ("my
 * knee is swollen, hot and painful": knee pain), where the vocabulary has one; a reading of a later predicate alone
 * ("itchy") gives way to it, the first predicate's stays beside it ("my hands were tingling": tingling and numb hands).
 */
function sharedSubject(ckb: CompiledKb, tables: ParserTables, toks: Tok[], matches: Match[]): void {
  for (let s = 1; s < toks.length; s++) {
    if (toks[s].sent !== toks[s - 1].sent || toks[s].t === 'and' || toks[s].t === 'or') continue;
    const afterAnd = toks[s - 1].t === 'and' && toks[s].clause === toks[s - 1].clause;
    // a predicate opens after "and", opens a comma item ("…, hot and painful") or follows its subject's verb ("her foot
    // is pale": a pale foot, not pallor)
    const afterVerb = !afterAnd && toks[s].clause === toks[s - 1].clause && CLAUSE_VERBS.has(toks[s - 1].w);
    if (!afterAnd && !afterVerb && toks[s].clause === toks[s - 1].clause) continue;
    // the subject: "my <noun> [<noun>]" (or "the …" opening its clause) then its verb
    let subj = -1, verb = -1;
    let pastVerb = false;
    for (let p = s - (afterAnd || afterVerb ? 2 : 1); p >= Math.max(0, s - 1 - SUBJECT_REACH) && toks[p].sent === toks[s].sent; p--) {
      // an "and" after the verb joins predicates of another subject; one before it joins two nouns of this one
      if ((toks[p].t === 'and' || toks[p].t === 'or') && !pastVerb) break;
      if (CLAUSE_VERBS.has(toks[p].w) || FEELING_VERBS.has(toks[p].t)) pastVerb = true;
      if (POSSESSIVES.has(toks[p].t) || (toks[p].t === 'the' && (p === 0 || toks[p - 1].clause !== toks[p].clause))) { subj = p + 1; break; }
    }
    if (subj < 0) continue;
    // (a subject of two nouns joined by "and": "my back and shoulders are bright red")
    for (let v = subj + 1; v < Math.min(s, subj + SUBJECT_WORDS + 1) && toks[v].clause === toks[subj].clause; v++) if (CLAUSE_VERBS.has(toks[v].w) || FEELING_VERBS.has(toks[v].t)) { verb = v; break; }
    if (verb < 0 || (afterVerb && verb !== s - 1)) continue;
    // across commas only a list of short modifiers, with no new subject, negation or word of normality
    if (toks[s].clause !== toks[subj].clause && !modifierList(tables, toks, subj, s)) continue;
    const written = toks.slice(subj, verb).map((tk) => tk.t);
    // "my left breast is red, hot and painful": the site with and without its side; two sites joined by "and" ("my back
    // and shoulders are … sore") each on its own
    const sites: string[][][] = [];
    const joined = written.includes('and');
    for (const part of joined ? splitAt(written, 'and') : [written]) {
      if (!part.length || (joined && part.length > SUBJECT_WORDS - 1)) continue;
      const bare = part.filter((w) => !tables.laterality.has(w));
      sites.push(bare.length && bare.length < part.length ? [part, bare] : [part]);
    }
    if (!sites.length) continue;
    // the predicate's words past an intensifier ("really tender": tender)
    const after: string[] = [];
    let from = s;
    for (let k = s; k < Math.min(toks.length, s + SUBJECT_PREDICATE_WORDS) && toks[k].clause === toks[s].clause && toks[k].t !== 'and'; k++) {
      if (!after.length && INTENSIFIERS.has(toks[k].t)) { from = k + 1; continue; }
      after.push(toks[k].t);
    }
    if (!after.length) continue;
    const found: { n: number; ids: string[] }[] = [];
    for (const subjects of sites) {
      let best: { n: number; ids: string[] } | undefined;
      const tryPath = (path: string[], n: number) => {
        const e = trieLongest(ckb, path);
        if (e && e.n === path.length && (!best || n > best.n)) best = { n, ids: e.ids };
      };
      for (let n = after.length; n >= 1; n--) {
        const pred = after.slice(0, n);
        for (const subject of subjects) {
          tryPath([...subject, toks[verb].t, ...pred], n);
          tryPath([...subject, ...pred], n);
          tryPath([...pred, ...subject], n);
        }
      }
      // a one-word predicate that is a composer's cue, with the subject as its site ("painful" + knee: knee pain)
      if (!best) {
        for (const c of tables.composers) {
          if (!c.cues.has(after[0])) continue;
          for (const tpl of c.templates) for (const subject of subjects) tryPath(tpl.flatMap((w) => (w === '{loc}' ? subject : [w])), 1);
        }
      }
      // … or a state of the site the knowledge base names ("my lower leg is red": red skin)
      for (const subject of subjects) {
        const id = best ? undefined : tables.siteStates.get(subject.join(' '))?.get(after[0]);
        if (id) best = { n: 1, ids: [id] };
      }
      if (best) found.push(best);
    }
    if (!found.length) continue;
    const best = found.reduce((a, b) => (b.n > a.n ? b : a));
    // the predicate's own reading gives way when it lies inside the new one (not when one only overlaps it)
    const lo = from, hi = from + best.n - 1;
    if (matches.some((m) => m.i <= hi && m.i + m.n - 1 >= lo && !(m.i >= lo && m.i + m.n - 1 <= hi))) continue;
    // (the first predicate keeps its own reading too: "my hands were tingling" is tingling as well as numb hands)
    if (!afterVerb) yieldTo(matches, (m) => m.i >= lo && m.i + m.n - 1 <= hi);
    for (const f of found) matches.push({ i: lo, n: f.n, ids: f.ids, repaired: false });
  }
}
/**
 * "black, sticky, foul-smelling stools", "dry, itchy and scaly skin": each adjective of a list before a noun is read
 * with that noun ("black stools") where the vocabulary has the pair; the adjective next to the noun is read as usual.
 */
function adjectiveList(ckb: CompiledKb, tables: ParserTables, toks: Tok[], matches: Match[]): void {
  const covered = coveredTokens(toks, matches);
  for (let e = 2; e < toks.length; e++) {
    // e: the noun phrase's first word, right after the list's last adjective in the same clause, which opens its clause
    // or follows "and"/"or" (else there is no list)
    if (toks[e - 1].clause !== toks[e].clause || toks[e - 1].sent !== toks[e].sent) continue;
    const before = toks[e - 2];
    if (before.clause === toks[e - 1].clause && before.t !== 'and' && before.t !== 'or') continue;
    if (!adjectiveLike(toks[e - 1])) continue;
    const noun: string[] = [];
    for (let k = e; k < Math.min(toks.length, e + ADJECTIVE_NOUN_WORDS) && toks[k].clause === toks[e].clause; k++) noun.push(toks[k].t);
    // the list: one word per item, items parted by commas or "and"/"or"
    let item = e - 1;
    for (let n = 0; n < ADJECTIVE_LIST_ITEMS; n++) {
      let prev = item - 1;
      if (prev >= 0 && (toks[prev].t === 'and' || toks[prev].t === 'or') && toks[prev].clause === toks[item].clause) prev--;
      else if (prev >= 0 && toks[prev].clause === toks[item].clause) break;
      if (prev < 0 || toks[prev].sent !== toks[e].sent) break;
      // an item of one word only: the word before it opens the list or ends another clause
      if (item - prev > 2 || (item - prev === 1 && toks[prev].span === toks[item].span)) break;
      item = prev;
      if (!adjectiveLike(toks[item])) break;
      // an adjective read alone ("pale": pallor) gives way to its reading with the noun; a longer phrase does not
      if (covered[item] && !matches.some((m) => m.i === item && m.n === 1)) continue;
      // "a cold, pale, painful right leg": the noun with and without its side
      const pair = (words: string[]) => { const h = trieLongest(ckb, [toks[item].t, ...words]); return h && h.n >= 2 ? h : undefined; };
      const hit = pair(noun) ?? pair(noun.filter((w) => !tables.laterality.has(w)));
      if (!hit) continue;
      yieldTo(matches, (m) => m.i === item && m.n === 1);
      matches.push({ i: item, n: 1, ids: hit.ids, repaired: toks[item].repaired });
      covered[item] = 1;
    }
  }
}
/** a word that may be an adjective of a list: no determiner, possessive, pronoun, linking verb or number */
function adjectiveLike(tk: Tok): boolean {
  return !DETERMINERS.has(tk.t) && !ARTICLES.has(tk.t) && !SUBJECT_PRONOUNS.has(tk.w) && !CLAUSE_VERBS.has(tk.w) && !/^\d/.test(tk.t);
}
/** items walked back in an adjective list, and words of the noun phrase tried after it */
const ADJECTIVE_LIST_ITEMS = 3;
const ADJECTIVE_NOUN_WORDS = 3;

/** Removes the matches `drop` picks, from `matches` and from any other list of them (`also`) */
function yieldTo(matches: Match[], drop: (m: Match) => boolean, also?: Match[]): void {
  for (const list of also ? [matches, also] : [matches]) for (let x = list.length - 1; x >= 0; x--) if (drop(list[x])) list.splice(x, 1);
}

/** two findings with a common ancestor and neither the other's ancestor (productive cough and haemoptysis, under cough) */
function siblings(ckb: CompiledKb, a: string, b: string): boolean {
  const up = (id: string) => ckb.ancestors.get(id) ?? [];
  if (up(b).includes(a) || up(a).includes(b)) return false;
  return up(a).some((x) => up(b).includes(x));
}

/** the parts of a word list between the separators */
function splitAt(words: string[], sep: string): string[][] {
  const out: string[][] = [[]];
  for (const w of words) if (w === sep) out.push([]); else out[out.length - 1].push(w);
  return out;
}
/** words of a shared subject before its verb ("back and shoulders") */
const SUBJECT_WORDS = 4;
/** words from "and" back to the possessive of a shared subject, and predicate words tried after "and" */
const SUBJECT_REACH = 9;
const SUBJECT_PREDICATE_WORDS = 3;

/** a clause-breaking conjunction ("and", "but") among toks[from, to) */
function conjunctionBetween(tables: ParserTables, toks: Tok[], from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (tables.clauseBreakers.has(toks[j].t)) return true;
  return false;
}

/**
 * A duration ending at `k`, before the finding at `i`, tied to it: by "of" or "with" ("3 days of worsening fever", "a
 * 2-week history of cough", "started one week ago with a dry cough") or as a hyphenated adjective right before it ("a
 * two-day fever").
 */
function durationTiedBefore(toks: Tok[], k: number, i: number): boolean {
  if (toks[k].t.includes('-') && i - k <= 2) return true;
  for (let j = k + 1; j < i && j <= k + 3; j++) if (toks[j].t === 'of' || toks[j].t === 'with') return i - j <= 3;
  return false;
}

/**
 * A duration whose unit is the token at `k`, in hours: "3 weeks", "two days", or one hyphenated token "3-week",
 * "two-day".
 */
function durationEndingAt(tables: ParserTables, toks: Tok[], k: number): number | undefined {
  const tk = toks[k];
  // "62 year old man": an age, not a duration
  if (k + 1 < toks.length && toks[k + 1].t === 'old' && toks[k + 1].sent === tk.sent) return undefined;
  const dash = tk.t.lastIndexOf('-');
  if (dash > 0) {
    const unit = tables.durationUnits.get(tk.t.slice(dash + 1));
    const n = unit !== undefined && tk.t.length - dash > 2 ? numberValue(tables, tk.t.slice(0, dash)) : undefined;
    return n !== undefined ? n * unit! : undefined;
  }
  // "x5d", "3wks", "48h": a number and its unit written as one word
  const joined = JOINED_DURATION_RE.exec(tk.t);
  if (joined) { const u = tables.durationUnits.get(joined[2]); if (u !== undefined) return Number(joined[1]) * u; }
  // "2/7", "3/52", "6/12": days, weeks and months in clinicians' notation (a date "2/7/2025" is none)
  if (k >= 2 && toks[k - 1].t === '/' && toks[k - 1].start === toks[k - 2].end && tk.start === toks[k - 1].end && !(toks[k + 1]?.t === '/' && toks[k + 1].start === tk.end)) {
    const u = tables.durationUnits.get(`/${tk.t}`), n = numberValue(tables, toks[k - 2].t);
    if (u !== undefined && n !== undefined && !(k >= 3 && toks[k - 3].t === '/' && toks[k - 3].end === toks[k - 2].start)) return n * u;
  }
  const unit = tables.durationUnits.get(tk.t);
  if (unit === undefined || tk.t.length < 2 || k === 0 || toks[k - 1].sent !== tk.sent) return undefined;
  // "3 times a day": a rate, not a duration
  if (k >= 2 && (toks[k - 2].t === 'times' || toks[k - 2].t === 'time')) return undefined;
  // "for months", "for weeks": at least two of them
  if (toks[k - 1].t === 'for' && tk.t.endsWith('s')) return 2 * unit;
  const n = numberValue(tables, toks[k - 1].t);
  return n !== undefined ? n * unit : undefined;
}

const NUMBER_RE = /^\d+(?:\.\d+)?$/;
const JOINED_DURATION_RE = /^x?(\d{1,3})([a-z]{1,5})$/;
function numberValue(tables: ParserTables, w: string): number | undefined {
  return NUMBER_RE.test(w) ? Number(w) : tables.numberWords.get(w);
}

/**
 * Whether the phrase at `i` only says what changes a complaint: a modifier cue ends at most one word before it
 * ("worse with coughing", "relieved by the inhaler"), or before the first item of an "or" list it belongs to
 * ("more frequent with coughing or laughing or sneezing", "worse with coughing, sneezing or laughing"). "And" joins
 * such a list only between two activities ("worse when straining and coughing"): "pain worse on exertion and
 * shortness of breath" reports the breathlessness.
 */
function modifiesComplaint(toks: Tok[], modPre: Int8Array, matchStart: Int32Array, i: number): boolean {
  const sent = toks[i].sent;
  const cueEndsNear = (start: number) => {
    for (let k = start - 1; k >= Math.max(0, start - 4) && toks[k].clause === toks[start].clause; k--) if (modPre[k] && k + modPre[k] >= start - 1) return true;
    return false;
  };
  // a comma-separated item belongs to a modifier list only when the list closes with "or" further on
  let orAhead = false;
  for (let k = i + 1; k < Math.min(toks.length, i + 8) && toks[k].sent === sent; k++) if (toks[k].t === 'or') { orAhead = true; break; }
  let start = i;
  for (let items = 0; items < 6; items++) {
    if (cueEndsNear(start)) return true;
    let k = start - 1;
    if (k < 0 || toks[k].sent !== sent) return false;
    if (toks[k].t === 'or') k--;
    // "worse when straining and coughing": "and" joins two activities, not a complaint to an activity
    else if (toks[k].t === 'and' && k > 0 && isGerund(toks[start]) && isGerund(toks[k - 1])) k--;
    else if (!(orAhead && toks[k].clause !== toks[start].clause)) return false;
    if (k < 0 || toks[k].sent !== sent) return false;
    // the previous item: a recognised phrase, or up to two other words ("laughing")
    if (matchStart[k] >= 0) {
      start = matchStart[k];
      // that phrase holds the cue itself ("headache worse with bending" or coughing)
      for (let j = start; j < k; j++) if (modPre[j]) return true;
    } else {
      let j = k;
      while (j > k - 2 && j > 0 && toks[j - 1].clause === toks[k].clause && toks[j - 1].sent === sent && matchStart[j - 1] < 0 && toks[j - 1].t !== 'or' && !modPre[j - 1]) j--;
      start = j;
    }
  }
  return false;
}

const ARTICLES = new Set(['a', 'an', 'the']);
/** whether a cue of `cues` ends right before token `k` in the sentence, or runs into it ("presents with" + "with a history of") */
function endsCue(cues: Int8Array, toks: Tok[], k: number, sent: number): boolean {
  for (let j = k - 1; j >= Math.max(0, k - 4) && toks[j].sent === sent; j--) if (cues[j] && j + cues[j] >= k) return true;
  return false;
}

const CLAUSE_VERBS = new Set(['is', 'are', 'was', 'were', 'has', 'have', 'had', 'feels', 'felt', 'hurts', 'hurt', 'aches', 'ached', 'gets', 'got', 'became', 'becomes', 'keeps', 'kept', 'started', 'seems', 'looks', 'went', 'goes', 'turned', 'turns']);
/** relatives who, named bare before a finding, are more often the patient than family history */
const DEPENDANT_WORDS = new Set(['son', 'daughter']);
/**
 * "no focal neurology, neck stiff on flexion": a clause of a site and its state ("neck stiff", "abdo is soft") is a
 * statement of its own, not an item of the negated list before it
 */
function siteStatementAt(tables: ParserTables, toks: Tok[], k: number): boolean {
  if (!tables.siteWords.has(toks[k].t) || k + 1 >= toks.length || toks[k + 1].clause !== toks[k].clause) return false;
  const next = CLAUSE_VERBS.has(toks[k + 1].w) ? toks[k + 2] : toks[k + 1];
  return next !== undefined && next.clause === toks[k].clause && tables.stateWords.has(next.t);
}
/** words that open a clause in contrast with a negated one before it ("no chest pain, just a heavy feeling") */
const CONTRAST_OPENERS = new Set(['just', 'only']);
/** "and my throat has been itchy": a conjunction at `k` opening a clause with a possessed subject and its own verb */
function newSubjectAt(toks: Tok[], k: number): boolean {
  if ((toks[k].t !== 'and' && toks[k].t !== 'but') || !POSSESSIVES.has(toks[k + 1]?.t ?? '')) return false;
  for (let j = k + 2; j < Math.min(toks.length, k + 6); j++) if (CLAUSE_VERBS.has(toks[j].w)) return true;
  return false;
}

/** "…, and swallowing is difficult": a conjunction at `k` with a verb of its own within a few words, in its clause */
function clauseWithVerbAt(toks: Tok[], k: number): boolean {
  if (toks[k].t !== 'and' && toks[k].t !== 'but') return false;
  for (let j = k + 1; j < Math.min(toks.length, k + 5) && toks[j].clause === toks[k].clause; j++) if (CLAUSE_VERBS.has(toks[j].w)) return true;
  return false;
}

/** a "without" (or "while not") cue with a difficulty word shortly before it in its clause ("but" ends the look-back) */
function afterDifficulty(tables: ParserTables, toks: Tok[], k: number): boolean {
  const without = toks[k].t === 'without' || (toks[k].t === 'not' && k > 0 && toks[k - 1].t === 'while');
  if (!without) return false;
  for (let j = k - 1; j >= Math.max(0, k - DIFFICULTY_REACH) && toks[j].clause === toks[k].clause; j--) {
    if (tables.difficulty.has(toks[j].w)) return true;
    if (tables.breakers.matchAt(toks, j)) return false;
  }
  return false;
}

/** where a history cue starts in toks[from, to], in a later clause than `from - 1`, or -1 */
function historyCueAt(hist: Int8Array, toks: Tok[], from: number, to: number): number {
  for (let j = from; j <= to && j < toks.length; j++) if (hist[j] && toks[j].clause !== toks[from - 1].clause) return j;
  return -1;
}

/** an "or" between a negation cue and the history cue it reaches: "no fever, redness, locking or history of injury" */
function orBetween(toks: Tok[], cue: number, until: number): boolean {
  for (let k = cue + 1; k < until; k++) if (toks[k].t === 'or') return true;
  return false;
}

/**
 * The list a cue opens past its own clause closes with "or" (before an "and" does): "without nausea, vomiting, or
 * photophobia". An "or" inside the cue's own clause ("without fever or chills, developed a rash") closes nothing.
 */
function orClosesList(toks: Tok[], cue: number, item: number): boolean {
  for (let k = cue + 1; k < toks.length && toks[k].sent === toks[cue].sent; k++) {
    if (toks[k].clause === toks[cue].clause) continue;
    if (toks[k].t === 'or') return true;
    if (toks[k].t === 'and' && k > item) return false;
  }
  return false;
}

function negationInside(neg: Int8Array, i: number, n: number): boolean {
  for (let j = i; j < i + n; j++) if (neg[j]) return true;
  return false;
}

const isGerund = (tk: Tok) => !tk.repaired && tk.t.length > 5 && tk.t.endsWith('ing');

const ANSWER_NO_RE = /[?:]\s*(?:no|n|none|nil|negative|absent|denied|denies)\s*$/;

/** Character ranges of questions or labels whose answer is "no": "Chest pain? No.", "Travel: N". */
function answeredNoRanges(lower: string): [number, number][] {
  const out: [number, number][] = [];
  // one sentence at a time, so the pattern never scans past a sentence end
  let start = 0;
  for (let i = 0; i <= lower.length; i++) {
    const ch = lower.charCodeAt(i);
    if (i < lower.length && ch !== 46 /* . */ && ch !== 33 /* ! */ && ch !== 59 /* ; */ && ch !== 10 /* \n */) continue;
    if (i > start) {
      const seg = lower.slice(start, i);
      const m = ANSWER_NO_RE.exec(seg);
      if (m) out.push([start + seg.lastIndexOf('?', m.index - 1) + 1, start + m.index]);
    }
    start = i + 1;
  }
  return out;
}

/** The trie entry of a template with its {loc} filled by toks[j, j + n), without building the phrase. */
function templateEntry(ckb: CompiledKb, tpl: string[], toks: Tok[], j: number, n: number) {
  let node: CompiledKb['trie'] | undefined = ckb.trie;
  for (const w of tpl) {
    if (w === '{loc}') { for (let k = j; node && k < j + n; k++) node = node.next.get(toks[k].t); } else node = node.next.get(w);
    if (!node) return undefined;
  }
  return node.entry;
}

const BAG_SLACK = 4;

function bagMatches(ckb: CompiledKb, tables: ParserTables, toks: Tok[], matches: Match[], starts: Int32Array, idiom: Int32Array): void {
  // the findings read per sentence, and the matches by their first word, so that each clause looks at its own only
  const haveBySent = new Map<number, Set<string>>();
  for (const m of matches) { const sent = toks[m.i].sent; const set = haveBySent.get(sent) ?? new Set<string>(); for (const id of m.ids) set.add(id); haveBySent.set(sent, set); }
  const byStart = [...matches].sort((a, b) => a.i - b.i);
  // each word's stem, once
  const stemOf = toks.map((tk) => stem(tk.t));
  const longest = byStart.reduce((mx, m) => Math.max(mx, m.n), 0);
  let first = 0;
  let start = 0;
  while (start < toks.length) {
    // a clause: same sentence and comma-clause, cut at coordinating words
    let end = start;
    while (end < toks.length && toks[end].clause === toks[start].clause && !(end > start && tables.clauseBreakers.has(toks[end].t))) end++;
    if (end - start >= 2) {
      const pos = new Map<string, number>();
      for (let k = start; k < end; k++) {
        const t = toks[k].t;
        if (tables.stopwords.has(t) || !/[a-z]/.test(t) || idiom[k]) continue;
        const st = stemOf[k];
        if (!pos.has(st)) pos.set(st, k);
      }
      // most clauses hold no bag's rarest word: nothing to set up for them
      let candidates = false;
      for (const st of pos.keys()) if (ckb.bags.has(st)) { candidates = true; break; }
      if (!candidates) { start = end === start ? start + 1 : end; continue; }
      const sent = toks[start].sent;
      let have = haveBySent.get(sent);
      if (!have) { have = new Set(); haveBySent.set(sent, have); }
      while (first < byStart.length && byStart[first].i + longest <= start) first++;
      const near: Match[] = [];
      for (let x = first; x < byStart.length && byStart[x].i < end; x++) if (byStart[x].i + byStart[x].n > start) near.push(byStart[x]);
      // words already read as part of a longer phrase ("secondhand cigarette smoke", "standing for long periods")
      // do not make a second finding; a bag may build on a phrase's head, its last word ("severe … epigastric
      // abdominal pain"), but not take a modifier out of it ("periods" out of "standing for long periods of time")
      const covered = new Uint8Array(end - start), phraseAt = new Int32Array(end - start).fill(-1);
      const phraseWords: number[][] = [];
      for (const m of near) {
        const words: number[] = [];
        for (let k = Math.max(m.i, start); k < Math.min(m.i + m.n, end); k++) {
          covered[k - start] = 1;
          if (m.n > 1) { phraseAt[k - start] = phraseWords.length; if (pos.get(stemOf[k]) === k) words.push(k); }
        }
        if (m.n > 1) phraseWords.push(words);
      }
      // words of a negation cue ("can't put on" weight)
      const inNegation = new Uint8Array(end - start);
      const negBit = tables.cueBit.get(tables.negPre) ?? -1;
      for (let k = start; k < end; k++) {
        if (negBit > 0 && !(starts[k] & negBit)) continue;
        for (let x = k, n = tables.negPre.matchAt(toks, k); x < Math.min(end, k + n); x++) inNegation[x - start] = 1;
      }
      // "abdo soft non tender": a "non" inside is a negation the bag may not step over ("abdo … tender" is not read)
      for (let k = start; k < end; k++) if (toks[k].t === 'non') inNegation[k - start] = 1;
      // a bag may not take a modifier out of a phrase, nor add only a negation's words to a whole phrase ("can't put
      // on weight" is "put on weight" negated, not "can't put weight on" the leg)
      const misreadsPhrase = (stems: string[]) => {
        const used = new Set(stems.map((x) => pos.get(x)!));
        for (const k of used) {
          const ph = phraseAt[k - start];
          if (ph < 0) continue;
          const words = phraseWords[ph];
          if (!used.has(words[words.length - 1])) return true;
          if (words.every((w) => used.has(w)) && [...used].every((w) => words.includes(w) || inNegation[w - start])) return true;
        }
        return false;
      };
      // nor step over a negation its phrase does not hold ("pain not relieved by bowel movements" is not pain on
      // moving the bowels)
      const skipsNegation = (stems: string[], lo: number, hi: number) => {
        for (let k = lo + 1; k < hi; k++) if (inNegation[k - start] && !stems.includes(stemOf[k]) && !tables.stopwords.has(toks[k].t)) return true;
        return false;
      };
      // nor, for a relative's condition, run past another subject ("my mum says I have asthma" is not "mum has asthma")
      const crossesSubject = (stems: string[], lo: number, hi: number) => {
        for (let k = lo + 1; k < hi; k++) if (SUBJECT_PRONOUNS.has(toks[k].w) && !stems.includes(stemOf[k])) return true;
        return false;
      };
      // a negation word of the bag's own phrase negates the word right after it, so nothing else may come between
      // ("not had a bowel movement" is not "not relieved by bowel movement", "no children" not "no contact with sick children")
      const looseNegation = (stems: string[]) => {
        for (const x of stems) {
          const p = pos.get(x)!;
          if (!tables.negPre.has(toks[p].w) && !tables.negPre.has(x)) continue;
          let q = p + 1;
          while (q < end && tables.stopwords.has(toks[q].t)) q++;
          if (q >= end || !stems.includes(stemOf[q])) return true;
        }
        return false;
      };
      // every bag whose words all occur close together; the longest first, so that its words are not read twice
      const found: { findingId: string; stems: string[]; lo: number; hi: number }[] = [];
      for (const st of pos.keys()) {
        for (const b of ckb.bags.get(st) ?? []) {
          if (have.has(b.findingId)) continue;
          let lo = Infinity, hi = -1, ok = true;
          for (const x of b.stems) { const p = pos.get(x); if (p === undefined) { ok = false; break; } lo = Math.min(lo, p); hi = Math.max(hi, p); }
          if (ok && hi - lo + 1 <= b.stems.length + BAG_SLACK && !misreadsPhrase(b.stems) && !skipsNegation(b.stems, lo, hi) && !(b.findingId.startsWith('family_') && crossesSubject(b.stems, lo, hi)) && !partOfWhatFollows(tables, toks, hi) && !looseNegation(b.stems) && !b.stems.some((x) => adverbialBack(toks, pos.get(x)!))) found.push({ findingId: b.findingId, stems: b.stems, lo, hi });
        }
      }
      found.sort((a, b) => b.stems.length - a.stems.length || (a.hi - a.lo) - (b.hi - b.lo) || a.lo - b.lo);
      for (const b of found) {
        if (have.has(b.findingId) || b.stems.every((x) => covered[pos.get(x)! - start])) continue;
        // "weakness of the left arm": the one-word reading of a word the bag is built on ("weakness") gives way to it
        // where it is the bag's generalisation or an unrelated sense; a sibling stays ("coughing … blood in the phlegm":
        // productive cough beside haemoptysis)
        yieldTo(matches, (m) => m.n === 1 && m.i >= b.lo && m.i <= b.hi && b.stems.includes(stemOf[m.i]) && m.ids.every((id) => id !== b.findingId && !siblings(ckb, id, b.findingId)), byStart);
        matches.push({ i: b.lo, n: b.hi - b.lo + 1, ids: [b.findingId], repaired: true });
        have.add(b.findingId);
        for (let k = b.lo; k <= b.hi; k++) covered[k - start] = 1;
      }
    }
    start = end === start ? start + 1 : end;
  }
}

/** Longest location first: "back of the neck", "dorsal aspect of the foot", "side of the chest". */
const COMPOSE_SPANS = [4, 3, 2, 1];
/** most words from the cue (or the previous location read) to a location after it, and from a location to a cue after it */
const COMPOSE_LIST_GAP = 5;
const COMPOSE_BEFORE_CUE = 4;
/** the same from a location that opens its clause as the subject ("my knees have been really stiff and painful") */
const COMPOSE_SUBJECT_BEFORE_CUE = 7;
const COMPOSE_CUE_REACH = 40;
const POSSESSIVES = new Set(['my', 'his', 'her', 'their', 'your', 'our']);
const LOCATION_PREPOSITIONS = new Set(['in', 'on', 'at', 'into', 'over', 'around', 'across', 'behind', 'under', 'below', 'above', 'to', 'of']);
/** a word that negates the cue word right after it ("non tender", "not painful", "doesn't hurt"): "non", or a one-word negation cue */
const negatingWord = (tables: ParserTables, w: string) => w === 'non' || tables.negPre.has(w);
const BACK_ADVERB_VERBS = new Set(['come', 'comes', 'came', 'coming', 'go', 'goes', 'went', 'going', 'gone', 'get', 'gets', 'got', 'getting', 'bring', 'brings', 'brought', 'flare', 'flares', 'flared', 'keeps', 'kept', 'grow', 'grows', 'grew', 'fight', 'fought', 'call', 'called', 'hold', 'held', 'cut', 'looking', 'looked']);
/** "the pain came back", "it goes away and comes back": "back" as an adverb after a verb of motion, not the back */
function adverbialBack(toks: Tok[], k: number): boolean {
  return toks[k].t === 'back' && k > 0 && BACK_ADVERB_VERBS.has(toks[k - 1].w);
}
/** "tingling on the edge of my bottom lip": "bottom" says which lip, it is not the bottom */
const partBefore = (tables: ParserTables, toks: Tok[], k: number) => (toks[k].t === 'bottom' || toks[k].t === 'top') && tables.partsOfAPart.has(toks[k + 1]?.t ?? '');
const PART_WORDS = new Set(['back', 'backs', 'front', 'fronts', 'side', 'sides', 'top', 'tops', 'bottom', 'bottoms', 'base', 'tip', 'tips', 'inside', 'outside', 'middle', 'frequency']);
/**
 * a part word followed by "of" names a part or an attribute of what follows ("the back of my neck", "the frequency of
 * my headaches"), not a site or a finding of its own
 */
function partOfWhatFollows(tables: ParserTables, toks: Tok[], k: number): boolean {
  if (!PART_WORDS.has(toks[k].t) || k + 2 >= toks.length || toks[k + 1].t !== 'of' || toks[k + 1].sent !== toks[k].sent) return false;
  // "frequency of 15 times a day", "lower back of 3 weeks duration": a quantity follows, not a body part
  const next = DETERMINERS.has(toks[k + 2].t) && k + 3 < toks.length ? toks[k + 3] : toks[k + 2];
  return /^[a-z]/.test(next.t) && numberValue(tables, next.t) === undefined;
}
const DETERMINERS = new Set(['the', 'my', 'his', 'her', 'their', 'your', 'both']);
/**
 * Whether the location at `j` opens its clause as a possessed subject ("My legs are causing a lot of discomfort")
 * and the cue at `cue` is its predicate: same clause, nothing but "and"/"or" among the clause breakers between.
 */
function clauseSubject(tables: ParserTables, toks: Tok[], j: number, cue: number): boolean {
  const breakers = tables.clauseBreakers;
  const d = j - 1;
  if (d < 0 || !POSSESSIVES.has(toks[d].t) || (d > 0 && toks[d - 1].clause === toks[d].clause && !breakers.has(toks[d - 1].t))) return false;
  if (toks[cue].clause !== toks[j].clause && !modifierList(tables, toks, j, cue)) return false;
  for (let k = j + 1; k < cue; k++) if (breakers.has(toks[k].t) && toks[k].t !== 'and' && toks[k].t !== 'or') return false;
  return true;
}

/** "my calf is red, hot and swollen": the commas between j and cue only part short modifiers, no new subject */
function modifierList(tables: ParserTables, toks: Tok[], j: number, cue: number): boolean {
  if (toks[cue].sent !== toks[j].sent) return false;
  let segStart = -1;
  for (let k = j + 1; k <= cue; k++) {
    if (toks[k].clause === toks[k - 1].clause) continue;
    if (segStart >= 0 && k - segStart > MODIFIER_LIST_ITEM) return false;
    const w = toks[k].t;
    if (SUBJECT_PRONOUNS.has(toks[k].w) || POSSESSIVES.has(w) || DETERMINERS.has(w) || ARTICLES.has(w)) return false;
    segStart = k;
  }
  // "my throat is fine, no cough, ears painful": a negation or a word of normality ends the subject's predicates
  for (let k = j + 1; k < cue; k++) if (negatingWord(tables, toks[k].w) || NORMAL_WORDS.has(toks[k].t)) return false;
  return segStart < 0 || cue - segStart < MODIFIER_LIST_ITEM + 2;
}
/** whether the words from `k` say that the site before them is well: "is fine", "feels ok", "normal" */
function saidWell(toks: Tok[], k: number): boolean {
  if (k < toks.length && k > 0 && toks[k].clause === toks[k - 1].clause && CLAUSE_VERBS.has(toks[k].w)) k++;
  return k < toks.length && k > 0 && toks[k].clause === toks[k - 1].clause && NORMAL_WORDS.has(toks[k].t) && toks[k].t !== 'better';
}
/** predicate words that say a body part is well ("my throat is fine") */
const NORMAL_WORDS = new Set(['fine', 'ok', 'okay', 'normal', 'well', 'good', 'better']);
/** words in one item of a comma list of modifiers ("red, hot and swollen", "swollen, very painful") */
const MODIFIER_LIST_ITEM = 3;

/** the preposition written right before a location, past a determiner ("in my mouth", "around the eyes"), if any */
function prepositionBefore(toks: Tok[], j: number): string | undefined {
  const k = j > 0 && DETERMINERS.has(toks[j - 1].t) ? j - 2 : j - 1;
  return k >= 0 && toks[k].sent === toks[j].sent && LOCATION_PREPOSITIONS.has(toks[k].t) ? toks[k].t : undefined;
}

/** "…, and my nose feels stuffy": a conjunction, a possessive and a verb of its own between a cue and a later site */
function opensNewSubject(toks: Tok[], from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) if (newSubjectAt(toks, k)) return true;
  return false;
}

/**
 * Per sentence: each uncovered word span is tried as a location with the composer whose cue word is nearest,
 * same clause first ("a rash on my face and swollen ankles": face goes with rash, ankles with swollen), longest
 * span first.
 */
function composeMatches(ckb: CompiledKb, tables: ParserTables, toks: Tok[], matches: Match[], idiom: Int32Array): void {
  const { composers, clauseBreakers: breakers } = tables;
  const covered = coveredTokens(toks, matches);
  const cue = Uint8Array.from(toks, (t) => (composers.some((c) => c.cues.has(t.t)) ? 1 : 0));
  let start = 0;
  while (start < toks.length) {
    let end = start;
    while (end < toks.length && toks[end].sent === toks[start].sent) end++;
    const cuePos = composers.map((c) => { const at: number[] = []; for (let k = start; k < end; k++) if (c.cues.has(toks[k].t)) at.push(k); return at; });
    if (cuePos.some((at) => at.length)) {
      const have = new Set(matches.filter((m) => m.i >= start && m.i < end).flatMap((m) => m.ids));
      const cues = cuePos.flat().sort((a, b) => a - b);
      // phrases already read that hold a cue ("pain in my lower back") anchor a list as well ("… and hip")
      const cueMatchEnds = new Set(matches.filter((m) => m.i >= start && m.i < end && cue.subarray(m.i, m.i + m.n).includes(1)).map((m) => m.i + m.n - 1));
      let lastAnchor = -Infinity;
      for (let j = start; j < end; j++) {
        if (cue[j] || cueMatchEnds.has(j)) { lastAnchor = j; continue; }
        // every word of a location is a vocabulary word, else no template can match
        if (covered[j] || idiom[j] || !ckb.vocabularyTokens.has(toks[j].t)) continue;
        // a location is read only next to its cue or as the next item of a list that follows it
        // ("pain somewhere: tonsil (R), pharynx, under the jaw"), not anywhere in a long sentence
        const nextCue = cues.find((k) => k > j);
        if (j - lastAnchor > COMPOSE_LIST_GAP && (nextCue === undefined || nextCue - j > (clauseSubject(tables, toks, j, nextCue) ? COMPOSE_SUBJECT_BEFORE_CUE : COMPOSE_BEFORE_CUE)) && !(lastAnchor >= 0 && prepositionBefore(toks, j) !== undefined)) continue;
        // "my eyes are red and itchy, and my nose feels stuffy": a site that opens a new clause of its own ("and my …")
        // is not the last cue's, unless its own cue follows
        if (lastAnchor >= 0 && lastAnchor < j && (nextCue === undefined || nextCue - j > COMPOSE_SUBJECT_BEFORE_CUE) && opensNewSubject(toks, lastAnchor, j)) continue;
        // a cue in the same clause ("and", "but" and punctuation part clauses) is nearer than any cue in another one
        const apart = (k: number) => { if (toks[k].clause !== toks[j].clause) return true; for (let x = Math.min(j, k) + 1; x < Math.max(j, k); x++) if (breakers.has(toks[x].t)) return true; return false; };
        const away = (k: number) => Math.abs(k - j) + (apart(k) ? 1000 : 0);
        // cues further than COMPOSE_CUE_REACH words away are never the nearest that matters; skipping them bounds the
        // work per word in a long run-on sentence
        const dist = cuePos.map((at) => { let d = Infinity; for (const k of at) if (Math.abs(k - j) <= COMPOSE_CUE_REACH) d = Math.min(d, away(k)); return d; });
        const nearest = Math.min(...dist);
        // "… is now in the right lower quadrant" reads a site after a preposition; "of" ties a site to the next word
        const before = prepositionBefore(toks, j), written = before === 'of' ? undefined : before;
        // "oedema to the knees", "radiates to the arm": a site after "to" is an extent or a destination, not where it is
        if (written === 'to') continue;
        for (const n of COMPOSE_SPANS) {
          if (j + n > end) continue;
          // "the back of my throat", "the side of her hand": a part of what follows is not a site of its own
          if (partOfWhatFollows(tables, toks, j + n - 1)) continue;
          if (n === 1 && (adverbialBack(toks, j) || partBefore(tables, toks, j))) continue;
          // "chest X-ray", "knee MRI": the site imaged
          if (j + n < end && tables.imaging.has(toks[j + n].t)) continue;
          // "since last night", "this morning": a time, not a site
          if (j > 0 && (toks[j - 1].t === 'last' || toks[j - 1].t === 'this')) continue;
          let free = true;
          for (let k = j; k < j + n; k++) if (covered[k] || cue[k] || !ckb.vocabularyTokens.has(toks[k].t)) { free = false; break; }
          if (!free) continue;
          // "my knee is fine, painful elbow": a site said to be well is not where the complaint is
          if (saidWell(toks, j + n)) continue;
          for (let ci = 0; ci < composers.length && !covered[j]; ci++) {
            if (dist[ci] !== nearest) continue;
            // the cue it is read with; "tender" tries the tenderness templates first ("abdomen non tender": no
            // abdominal tenderness, which is not the same as no abdominal pain)
            const at = cuePos[ci].find((k) => Math.abs(k - j) <= COMPOSE_CUE_REACH && away(k) === nearest)!;
            const tender = TENDER_CUES.has(toks[at].t);
            const templates = tender ? composers[ci].tenderFirst : composers[ci].forOtherCues;
            for (const tpl of templates) {
              // "sores in my mouth" is not "a rash around my mouth": a template's preposition must be the one written
              if (written && tpl.some((w) => LOCATION_PREPOSITIONS.has(w) && w !== 'of' && w !== written)) continue;
              const e = templateEntry(ckb, tpl, toks, j, n);
              if (e) {
                // a location whose finding is already read is still used up, so its words make nothing else
                // ("tonsil (L), thyroid cartilage": not thyroid tenderness)
                // and a negation word right before the cue when the cue comes after the site
                const negatedAt = at > j && at > 0 && negatingWord(tables, toks[at - 1].w) ? at - 1 : undefined;
                matches.push({ i: j, n, ids: e.findingIds.filter((id) => !have.has(id)), repaired: toks[j].repaired, ...(negatedAt !== undefined ? { negatedAt } : {}), ...(tender && !tpl.some((w) => TENDER_CUES.has(w)) ? { painFromTender: true } : {}) });
                for (const id of e.findingIds) have.add(id);
                for (let k = j; k < j + n; k++) covered[k] = 1;
                lastAnchor = j + n - 1;
                break;
              }
            }
          }
          if (covered[j]) break;
        }
      }
    }
    start = end;
  }
}

/** verbs by which a relative reports what they saw in the patient, and how far after the relative they may stand */
const REPORTING_VERBS = new Set(['noticed', 'notices', 'says', 'said', 'reports', 'reported', 'thinks', 'thought', 'found', 'saw', 'spotted', 'observed', 'describes', 'described', 'mentions', 'mentioned', 'worried', 'concerned']);
const REPORTER_REACH = 4;

/** cue words of tenderness (an examination finding), which compose with a site into its pain finding */
const TENDER_CUES = new Set(['tender', 'tenderness']);

const REFERRING_PRONOUNS = new Set(['it', "it's", 'they', "they're", 'these', 'those']);
/** words between the pronoun and what it is said to be or do ("it is really", "they have become") */
const LINKING_WORDS = new Set(['is', 'are', 'was', 'were', 'has', 'have', 'had', 'been', 'be', 'become', 'becoming', 'became', 'getting', 'gets', 'got', 'looks', 'look', 'seems', 'seem', 'feels', 'feel', 'also', 'now', 'very', 'really', 'quite', 'so', 'extremely', 'more', 'and', 'still', 'always', 'started', 'starting']);
const REFERENT_DETERMINERS = new Set(['the', 'a', 'an', 'my', 'his', 'her', 'their', 'this', 'these', 'some']);
/** how far into the previous sentence its opening noun phrase may start, and how many predicate words are tried */
const REFERENT_REACH = 6;
const PREDICATE_WORDS = 6;

/** The longest vocabulary phrase reading `seq` from its start, as a count of words, or 0. */
function trieLongest(ckb: CompiledKb, seq: string[]): { n: number; ids: string[] } | undefined {
  let node = ckb.trie.next.get(seq[0]);
  let best: { n: number; ids: string[] } | undefined;
  for (let k = 0; node; ) {
    if (node.entry) best = { n: k + 1, ids: node.entry.findingIds };
    if (++k >= seq.length) break;
    node = node.next.get(seq[k]);
  }
  return best;
}

/**
 * A sentence that opens with "it" or "they" is read with the noun the previous sentence opened with (after a
 * determiner, "I have a rash …", "The veins on my legs …") in the pronoun's place: "they are swollen" as "swollen
 * veins", "it's spreading all over my body" as "rash spreading all over my body", where the vocabulary has that phrase.
 */
function pronounMatches(ckb: CompiledKb, toks: Tok[], matches: Match[]): void {
  for (let p = 1; p < toks.length; p++) {
    if (!REFERRING_PRONOUNS.has(toks[p].w) || toks[p - 1].sent === toks[p].sent) continue;
    // the previous sentence's opening noun phrase: the word after its first determiner
    const prevStart = toks.findIndex((t) => t.sent === toks[p - 1].sent);
    let ref = -1;
    for (let k = prevStart; k < Math.min(p, prevStart + REFERENT_REACH); k++) {
      if (REFERENT_DETERMINERS.has(toks[k].t) && k + 1 < p && ckb.vocabularyTokens.has(toks[k + 1].t) && !REFERENT_DETERMINERS.has(toks[k + 1].t)) { ref = k + 1; break; }
    }
    if (ref < 0) continue;
    const referent = toks[ref].t;
    const have = new Set(matches.filter((m) => toks[m.i].sent === toks[p].sent).flatMap((m) => m.ids));
    let q = p + 1;
    while (q < toks.length && toks[q].sent === toks[p].sent && LINKING_WORDS.has(toks[q].t)) q++;
    for (let w = q; w < Math.min(toks.length, q + PREDICATE_WORDS) && toks[w].sent === toks[p].sent; w++) {
      if (LINKING_WORDS.has(toks[w].t)) continue;
      // "swollen veins", "itchy rash": the predicate word before the referent
      const before = trieLongest(ckb, [toks[w].t, referent]);
      // "rash spreading all over my body": the referent, then the predicate from this word on
      const rest: string[] = [referent];
      for (let k = w; k < toks.length && toks[k].sent === toks[p].sent && rest.length < 8; k++) rest.push(toks[k].t);
      const after = trieLongest(ckb, rest);
      const hit = before?.n === 2 ? { n: 1, ids: before.ids } : after && after.n > 1 ? { n: after.n - 1, ids: after.ids } : undefined;
      if (!hit) continue;
      const ids = hit.ids.filter((id) => !have.has(id));
      if (ids.length) matches.push({ i: w, n: hit.n, ids, repaired: false });
      for (const id of ids) have.add(id);
    }
  }
}

/**
 * "pain and swelling in the fingers", "swelling and pain in the left knee": two cue words joined by "and"/"or" share
 * the location after the second, which the composer gave to the nearer cue only; the first cue composes with it too
 * unless it already has a location of its own ("chest pain and swelling of the ankles").
 */
function coordinatedCues(ckb: CompiledKb, composers: ParserTables['composers'], toks: Tok[], matches: Match[]): void {
  const covered = coveredTokens(toks, matches);
  const composerOf = (k: number) => composers.findIndex((c) => c.cues.has(toks[k].t));
  for (let a = 0; a + 3 < toks.length; a++) {
    if (covered[a] || (toks[a + 1].t !== 'and' && toks[a + 1].t !== 'or') || toks[a + 2].clause !== toks[a].clause) continue;
    const ca = composerOf(a), cb = composerOf(a + 2);
    if (ca < 0 || cb < 0 || ca === cb) continue;
    const have = new Set(matches.filter((m) => toks[m.i].sent === toks[a].sent).flatMap((m) => m.ids));
    found: for (let j = a + 3; j < Math.min(toks.length, a + 3 + COMPOSE_LIST_GAP) && toks[j].clause === toks[a].clause; j++) {
      for (const n of COMPOSE_SPANS) {
        if (j + n > toks.length || toks[j + n - 1].clause !== toks[a].clause) continue;
        for (const tpl of composers[ca].templates) {
          const e = templateEntry(ckb, tpl, toks, j, n);
          if (!e) continue;
          const ids = e.findingIds.filter((id) => !have.has(id));
          if (ids.length) matches.push({ i: j, n, ids, repaired: toks[j].repaired });
          break found;
        }
      }
    }
  }
}

function readModifiers(tables: ParserTables, toks: Tok[], i: number, n: number, pf: ParsedFinding): void {
  const clause = toks[i].clause;
  let durationDistance = Infinity, durationAt = -1, episodic = false;
  const lo = Math.max(0, i - 8), hi = Math.min(toks.length, i + n + 10);
  for (let k = lo; k < hi; k++) {
    const tk = toks[k];
    if (tk.clause !== clause || (k >= i && k < i + n)) continue;
    const sev = tables.severity.get(tk.t);
    if (sev !== undefined && pf.severity === undefined && k < i) pf.severity = sev;
    // "8/10", "8 out of 10"
    if (/^\d{1,2}$/.test(tk.t) && k + 2 < toks.length && (toks[k + 1].t === '/' || toks[k + 1].t === 'out') ) {
      const denom = toks[k + 1].t === '/' ? toks[k + 2].t : toks[k + 3]?.t;
      if (denom === '10') pf.severity = Math.min(10, Number(tk.t));
    }
    if (pf.onset === undefined) {
      if (tables.onsetSudden.matchAt(toks, k)) pf.onset = 'sudden';
      else if (tables.onsetGradual.matchAt(toks, k)) pf.onset = 'gradual';
    }
    if (pf.laterality === undefined && k < i && k >= i - 3) {
      const lat = tables.laterality.get(tk.t);
      if (lat && tk.t.length > 1) pf.laterality = lat;
    }
    // the unit is read within the window, its number just before it ("cough for 3 days", "a 3-week history")
    // the nearest duration wins, one after the finding before one the same distance before it ("fever for 3 days and
    // a cough for 2 weeks": the cough's is 2 weeks)
    const hours = durationEndingAt(tables, toks, k);
    // a duration before the finding belongs to it only through "of" ("3 days of fever", "a 2-week history of cough");
    // one after it may not reach past another finding's conjunction ("a cough for 10 weeks and a fever")
    if (hours !== undefined && (k >= i + n ? !conjunctionBetween(tables, toks, i + n, k) : durationTiedBefore(toks, k, i))) {
      const distance = k >= i + n ? k - (i + n) : (i - k) + 0.5;
      if (distance < durationDistance) { pf.duration_hours = hours; durationDistance = distance; durationAt = k; }
    }
    if (tables.episodic.has(tk.t)) episodic = true;
  }
  for (let k = i; k < i + n && !episodic; k++) episodic = tables.episodic.has(toks[k].t);
  if (episodic && durationAt >= 0) {
    // the words before the number: "lasting 2 hours", "each lasting 20 minutes" measure one episode
    const numberAt = toks[durationAt].t.includes('-') ? durationAt : durationAt - 1;
    let episode = false;
    for (let k = Math.max(0, numberAt - 2); k < numberAt; k++) episode ||= tables.episodeLength.has(toks[k].t);
    pf.duration_of = episode ? 'episode' : 'illness';
  }
  if (pf.duration_hours === undefined) {
    for (let k = lo; k < hi; k++) {
      const tk = toks[k];
      // "a cough for months and today I coughed up blood": "today" is the blood's, past the conjunction
      if (tk.clause !== clause || (k >= i + n ? conjunctionBetween(tables, toks, i + n, k) : conjunctionBetween(tables, toks, k, i))) continue;
      if (tk.t === 'yesterday' || tk.t === 'overnight' || tk.t === 'tonight') { pf.duration_hours = 24; break; }
      if (tk.t === 'today' || tk.t === 'this' && toks[k + 1]?.t === 'morning') { pf.duration_hours = 6; break; }
    }
  }
}

function readVitals(tables: ParserTables, lower: string): Partial<Record<VitalName, number>> {
  const v: Partial<Record<VitalName, number>> = {};
  for (const { name, re } of tables.vitalRes) {
    re.lastIndex = 0;
    const m = re.exec(lower);
    if (!m) continue;
    const a = Number(m[1]);
    switch (name) {
      case 'bp': {
        const b = Number(m[2]);
        if (a >= 40 && a <= 300 && b >= 20 && b <= 200 && v.sbp === undefined) { v.sbp = a; v.dbp = b; }
        break;
      }
      case 'temp_f':
        if (a >= 90 && a <= 110 && v.temp_c === undefined) v.temp_c = Math.round(((a - 32) * 5 / 9) * 10) / 10;
        break;
      case 'temp_c': if (a >= 30 && a <= 44 && v.temp_c === undefined) v.temp_c = a; break;
      case 'heart_rate': if (a >= 20 && a <= 260 && v.heart_rate === undefined) v.heart_rate = a; break;
      case 'resp_rate': if (a >= 4 && a <= 80 && v.resp_rate === undefined) v.resp_rate = a; break;
      case 'spo2': if (a >= 50 && a <= 100 && v.spo2 === undefined) v.spo2 = a; break;
      case 'gcs': if (a >= 3 && a <= 15 && v.gcs === undefined) v.gcs = a; break;
    }
  }
  return v;
}

/**
 * Between a result's name and its number: "Hb 86", "Hb of 86", "platelet count is 40", "BMI: 36". Each gap has one
 * owner (no run of optional blanks), so a failed match on a long run of spaces stays linear.
 */
const LAB_SEPARATOR = '\\s*(?:(?:level|count)\\s*)?(?:(?:of|is|was|were|=|:|at)\\s*)?';
const escapeRegExp = (x: string) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * "Hb 86", "K+ 5.9", "adj Ca 3.05 mmol/L", "BMI of 36": the first plausible reading of each result, in the knowledge
 * base's units. A unit written after the number decides the conversion; without one the size of the number does,
 * and a value that fits both units is no reading. Not the patient's result, or not a result at all: another
 * specimen's ("CSF: glucose 1.2", "urine WBC 500"), a relative's, a hypothetical one ("if K 6.5 call"), an old one
 * ("Hb 86 a year ago"), a dose or an amount ("potassium 2 tablets", "platelets 2 units transfused").
 */
function readLabs(tables: ParserTables, lower: string, text: string): Record<string, LabReading> {
  const out: Record<string, LabReading> = {};
  for (const l of tables.labRes) {
    if (out[l.name]) continue;
    l.re.lastIndex = 0;
    for (let m = l.re.exec(lower); m; m = l.re.exec(lower)) {
      let v = Number(m[1]);
      let end = m.index + m[0].length;
      if (!Number.isFinite(v)) continue;
      let unit: string | undefined;
      if (l.unitRe) { l.unitRe.lastIndex = end; const u = l.unitRe.exec(lower); if (u) { unit = u[1]; end += u[0].length; } }
      if (unit !== undefined) v *= l.units.get(unit)!;
      else {
        if (l.ambiguous && v >= l.ambiguous[0] && v <= l.ambiguous[1]) continue;
        if ((l.siBelow !== undefined && v < l.siBelow) || (l.siAbove !== undefined && v > l.siAbove)) v *= l.siFactor;
      }
      if (v < l.range[0] || v > l.range[1] || !patientsResult(tables, lower, m.index, end)) continue;
      const start = m.index + (m[0].length - m[0].trimStart().length);
      out[l.name] = { value: Math.round(v * 100) / 100, source: { start, end }, text: text.slice(start, end) };
      break;
    }
  }
  return out;
}

/** The sentence before `at` and the clause after `end` in `lower` */
function sentenceAround(lower: string, at: number, end: number): { before: string[]; after: string[] } {
  // (a dot between digits, "1.8", ends no sentence)
  const ends = (k: number) => /[;!?\n]/.test(lower[k]) || (lower[k] === '.' && !(/\d/.test(lower[k - 1] ?? '') && /\d/.test(lower[k + 1] ?? '')));
  let a = at;
  while (a > 0 && !ends(a - 1)) a--;
  let b = end;
  while (b < lower.length && !ends(b) && lower[b] !== ',') b++;
  const words = (x: string) => x.split(/[^a-z0-9']+/).filter(Boolean).map((w) => w.replace(/'s$/, ''));
  return { before: words(lower.slice(a, at)), after: words(lower.slice(end, b)) };
}

/** what is written from `at` is the patient's: no relative and no "if" before it in its sentence */
function patientsOwn(tables: ParserTables, before: string[]): boolean {
  return !before.some((w) => tables.relatives.has(w) || w === 'if');
}

/** a lab result written at [at, end) is the patient's now: theirs, no other specimen before it, no dose, amount or "ago" right after */
function patientsResult(tables: ParserTables, lower: string, at: number, end: number): boolean {
  const { before, after } = sentenceAround(lower, at, end);
  if (!patientsOwn(tables, before) || before.some((w) => tables.labOtherSpecimens.has(w))) return false;
  return !after.slice(0, LAB_AFTER_WORDS).some((w) => tables.labNotAfter.has(w));
}
/** words after a result in which a dose, an amount or "ago" says it is none of the patient's now */
const LAB_AFTER_WORDS = 4;

/** How many words may stand between an intake cue and the drug name ("taking a course of amoxicillin"). */
const MEDICATION_CUE_REACH = 3;

/**
 * Drugs the text says the patient takes: a drug name (one to three words, as the drug vocabulary spells it) within a
 * few words after an intake cue ("taking", "started on", "prescribed"). Not when a negation or a stop cue stands right
 * before the intake cue ("not taking", "stopped taking"), a relative is the sentence's subject ("my mother takes
 * warfarin"), or the sentence asks ("should I start taking aspirin?"). A name without a cue ("allergic to penicillin")
 * is not taken.
 */
function drugsTaken(ckb: CompiledKb, tables: ParserTables, toks: Tok[], neg: Int8Array, stopped: Int8Array, questions: Set<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const cue = tables.medicationPre.matchAt(toks, i);
    const sent = toks[i].sent;
    if (!cue || questions.has(sent)) continue;
    let against = false;
    for (let j = i - 1; j >= Math.max(0, i - 2) && toks[j].sent === sent && !against; j--) against = neg[j] > 0 || stopped[j] > 0;
    for (let j = i - 1; j >= 0 && toks[j].sent === sent && !against; j--) against = tables.relatives.has(toks[j].w);
    if (against) continue;
    const from = i + cue;
    for (let j = from; j < Math.min(toks.length, from + MEDICATION_CUE_REACH) && toks[j].sent === sent; j++) {
      let drug: string | undefined;
      for (let n = 3; n >= 1 && !drug; n--) if (j + n <= toks.length) drug = ckb.drugByName.get(toks.slice(j, j + n).map((tk) => tk.w).join(' '));
      if (drug) { out.push(drug); break; }
    }
  }
  return out;
}

/**
 * "LMP was 9 weeks ago", "had her first baby six weeks ago": a number (or number word) and a duration unit, in days;
 * with `own`, only where the sentence speaks of the patient ("my sister had a baby 3 weeks ago" is not hers)
 */
function readDaysAgo(tables: ParserTables, lower: string, res: RegExp[], own = false): number | undefined {
  for (const re of res) {
    const m = re.exec(lower);
    if (!m || (own && !patientsOwn(tables, sentenceAround(lower, m.index, m.index).before))) continue;
    const n = numberValue(tables, m[1]), unit = tables.durationUnits.get(m[2]);
    if (n !== undefined && unit !== undefined) return (n * unit) / 24;
  }
  return undefined;
}

/** "G5 P2", "Para 4": the number of births */
function readParity(tables: ParserTables, lower: string): number | undefined {
  for (const re of tables.parityRes) {
    const m = re.exec(lower);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * Ages written with their unit ("45 year old", "27F", "6-week-old") are strong; "aged 12", "45 m" and "I'm 34" are weak,
 * read only where no strong one is written ("asthma since age 5. 34 year old woman", "fell 3 m from a ladder").
 */
/** who an age may be written of, bare ("my father is 76", "Toddler (2 yrs)"): the patient or the person spoken for */
const PERSON_WORDS = 'baby|toddler|child|son|daughter|boy|girl|husband|wife|partner|mum|mom|mother|dad|father|grandad|grandpa|grandma|granny|nan|nana|grandson|granddaughter|brother|sister|patient|he|she';
/** whose age may be written in weeks or months */
const CHILD_WORDS = 'baby|newborn|infant|toddler|son|daughter|boy|girl';
/** a bare number that is no age: a decimal, a weight or a temperature ("the baby is 3.2kg", "my baby was 39.5") */
const NOT_AN_AGE = '(?!\\.\\d|\\d)(?!\\s*(?:kg|kilos?|st\\b|stone|lbs?\\b|pounds|°|degrees|c\\b|cm|feet|foot|ft\\b|inches))';
/** Tiers of age patterns: written with a unit (strong), bare but the writer's or the patient's, then of the person spoken for. */
const enum AgeTier { Strong, Weak, SpokenFor }
const AGE_RES: [RegExp, number, AgeTier][] = [
  [/\b(\d{1,3})\s*(?:-|\s)?\s*(?:y\/o|yo|y\.o\.?|yrs?\.? old|years? old|year-old|yr-old|years?-old|y old|yoa)\b/, 1, AgeTier.Strong],
  [/\b(\d{1,2})\s*(?:-|\s)?\s*(?:months?[- ]old|mo[- ]old|m\/o|mos? old)\b/, 1 / 12, AgeTier.Strong],
  [/\b(\d{1,2})\s*(?:-|\s)?\s*(?:weeks?[- ]old|wk[- ]old)\b/, 1 / 52, AgeTier.Strong],
  // "18/12 boy", "6/52 old baby": months and weeks in clinicians' notation, before a word for the child
  [/\b(\d{1,2})\/12(?![\d/])(?=\s*(?:old|boy|girl|baby|infant|child|toddler|son|daughter|male|female|m\b|f\b))/, 1 / 12, AgeTier.Strong],
  [/\b(\d{1,2})\/52(?![\d/])(?=\s*(?:old|boy|girl|baby|infant|son|daughter|male|female|m\b|f\b))/, 1 / 52, AgeTier.Strong],
  [/\b(\d{1,2})\s*(?:-|\s)?\s*(?:days?[- ]old)\b/, 1 / 365, AgeTier.Strong],
  // "Day 4 of life" (not "day 3 of life support")
  [/\bday\s*(\d{1,2})\s*of\s*life\b(?!\s*support|-)/, 1 / 365, AgeTier.Strong],
  // "27F", "45M": a sex letter joined to the number
  [/\b(\d{1,3})(?:m|f)\b/, 1, AgeTier.Strong],
  [/(?<!\b(?:since|from|at|by|until|till|before|after)\s)\b(?:aged?|age)\s*(?:of|:)?\s*(\d{1,3})\b/, 1, AgeTier.Weak],
  [/\b(\d{1,3})\s*(?:m|f|male|female|man|woman)\b/, 1, AgeTier.Weak],
  // "I'm 34", "im 25 and …", but not "I'm 8 weeks pregnant" nor "I'm 5 and a half months pregnant"
  [/\b(?:i am|i'm|im)\s+(\d{1,3})(?!\s*and a half)(?=\s*(?:$|[,.;!)]|and\b|but\b|so\b|with\b|now\b|too\b|(?:years?|yrs?)\b|y\/?o\b))/, 1, AgeTier.Weak],
  // "my mum, shes 79", "my father is 76.", "Toddler (2 yrs)", "my husband, 81, …", "my baby is 9 months", "my baby (7 months)"
  [new RegExp(`\\b(?:${PERSON_WORDS})(?:'s|s| is| was) (\\d{1,3})${NOT_AN_AGE} ?(?:years?|yrs?)?(?= ?(?:$|[,.;!)]|and\\b|but\\b|so\\b|with\\b|now\\b|old\\b))`), 1, AgeTier.SpokenFor],
  [new RegExp(`\\b(?:${PERSON_WORDS}) ?\\( ?(\\d{1,3})${NOT_AN_AGE} ?(?:years?|yrs?|y)? ?\\)`), 1, AgeTier.SpokenFor],
  [new RegExp(`\\b(?:my|our|the) (?:${PERSON_WORDS}) ?, ?(\\d{1,3})${NOT_AN_AGE} ?,`), 1, AgeTier.SpokenFor],
  // months and weeks of a child only, never of a pregnancy or a time since ("she is 6 weeks postpartum")
  [new RegExp(`\\b(?:${CHILD_WORDS})(?:'s|s| is| was)? ?(?:\\( ?)?(\\d{1,2})${NOT_AN_AGE} ?(?:months?|mos?)\\b(?! ?(?:pregnant|gone|post|after|ago|since|of))`), 1 / 12, AgeTier.SpokenFor],
  [new RegExp(`\\b(?:${CHILD_WORDS})(?:'s|s| is| was)? ?(?:\\( ?)?(\\d{1,2})${NOT_AN_AGE} ?(?:weeks?|wks?)\\b(?! ?(?:pregnant|gone|post|after|ago|since|of|overdue|early|late|prem))`), 1 / 52, AgeTier.SpokenFor],
];
/**
 * A text in which the writer tells of a complaint of their own ("I have a cough too", "my breast is red"): a relative's
 * bare age or a child's stage is then not the patient's ("my mum is 80 and I have chest pain")
 */
const OWN_COMPLAINT_RE = /\bi (?:have|had|get|got|keep|feel|felt|woke|can't|cant|cannot)\b|\bi've (?:got|had|been)\b|\bi'?m (?:in pain|feeling|having|suffering|coughing|bleeding|vomiting|being sick)\b|\bmy (?:breast|nipple|head|chest|stomach|tummy|back|throat|period|periods)\b/;
/** a pregnancy in the text: a baby's weeks or months are then its gestation, not an age */
const PREGNANCY_TEXT_RE = /pregnan|gestation|antenatal|\b\d{1,2}\s*(?:\+\s*\d\s*)?\/40\b|\bwomb\b|\bbump\b|\bmidwife\b/;

/** characters before an age searched for a verb of caring ("looking after my …") */
const DEPENDANT_CUE_REACH = 40;
/** each age pattern as a global one, to look past a dependant's age to the next match */
const AGE_RES_ALL = new Map(AGE_RES.map(([re]) => [re, new RegExp(re.source, 'g')]));

/** characters after a dependant's age that still name the dependant ("my 3 week old baby boy") */
const DEPENDANT_NOUN_REACH = 16;
const THIRD_PERSON = /\b(?:he|she|his|him|her|hers|he's|she's|hes|shes)\b/;

function readDemographics(tables: ParserTables, text: string): { age?: number; sex?: 'male' | 'female' } {
  const out: { age?: number; sex?: 'male' | 'female' } = {};
  // (one blank between words: no pattern below then walks a long run of blanks, whatever was pasted)
  let lower = text.replace(/\s+/g, ' ');
  // "breastfeeding my 3 week old boy … my breast is red": the age (and sex) of someone the writer cares for, unless the
  // sentence goes on about that someone ("… and he keeps vomiting", "looking after my 80 year old mum, she is confused")
  const dependants: [number, number][] = [];
  const dependant = (index: number, length: number) => {
    if (!tables.dependantAgeRe?.test(lower.slice(Math.max(0, index - DEPENDANT_CUE_REACH), index))) return false;
    const rest = lower.slice(index + length), sentenceEnd = rest.search(/[.!?\n]/);
    if (THIRD_PERSON.test(sentenceEnd < 0 ? rest : rest.slice(0, sentenceEnd))) return false;
    dependants.push([index, index + length + DEPENDANT_NOUN_REACH]);
    return true;
  };
  // the first strong age written is the patient's ("27F breastfeeding, baby 5 weeks old"); else the first weak one; else
  // that of the person spoken for, where the writer tells of no complaint of their own
  const ownComplaint = OWN_COMPLAINT_RE.test(lower), pregnancy = PREGNANCY_TEXT_RE.test(lower);
  for (const tier of [AgeTier.Strong, AgeTier.Weak, AgeTier.SpokenFor]) {
    if (tier === AgeTier.SpokenFor && ownComplaint) break;
    let at = Infinity;
    for (const [re, scale, reTier] of AGE_RES) {
      // (a baby's weeks or months in a text about a pregnancy are its gestation)
      if (reTier !== tier || (pregnancy && tier === AgeTier.SpokenFor && scale < 1)) continue;
      // each pattern's first match that is not a dependant's ("looking after my 80 year old mum. I am a 52 year old man")
      const all = AGE_RES_ALL.get(re)!;
      all.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = all.exec(lower)) && m.index < at && dependant(m.index, m[0].length));
      if (!m || m.index >= at) continue;
      const a = Number(m[1]) * scale;
      if (a >= 0 && a <= 120) { out.age = Math.round(a * 100) / 100; at = m.index; }
    }
    if (out.age !== undefined) break;
  }
  // "my toddler has …": a stage of life, where no age is written
  const stage = out.age === undefined && !ownComplaint && !pregnancy ? tables.ageWordRe?.exec(lower) : undefined;
  if (stage && !dependant(stage.index + stage[0].length - stage[1].length, stage[1].length)) out.age = tables.ageWords.get(stage[1]);
  // a dependant's words say nothing of the writer's sex ("my 3 week old boy")
  if (dependants.length) lower = dependants.reduce((text, [a, b]) => text.slice(0, a) + ' '.repeat(Math.min(b, text.length) - a) + text.slice(Math.min(b, text.length)), lower);
  // strong sex words first ("56 y/o M", "61 year old male", "a woman"), pronouns only as a fallback
  // (an age's unit, a letter joined to the number, a sex word; a letter after a bare number last: "walked 5 m")
  const strong = /\b(\d{1,3})\s*(?:-|\s)?\s*(?:y\/o|yo|year[- ]old|years? old|yrs? old)\s*(m|f|male|female|man|woman|boy|girl|gentleman|lady)\b/.exec(lower)
    ?? /\b\d{1,3}(m|f)\b/.exec(lower)
    ?? /\b(male|female|man|woman|boy|girl|gentleman|lady)\b/.exec(lower)
    ?? /\b\d{1,3}\s+(m|f)\b/.exec(lower);
  const word = strong ? strong[strong.length - 1] : undefined;
  if (word) out.sex = tables.sexWords.get(word);
  if (!out.sex) {
    const he = (lower.match(/\b(he|his|him)\b/g) ?? []).length, she = (lower.match(/\b(she|her|hers)\b/g) ?? []).length;
    if (he > she) out.sex = 'male'; else if (she > he) out.sex = 'female';
  }
  return out;
}
