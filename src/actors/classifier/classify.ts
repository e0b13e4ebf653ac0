/**
 * The symptom classifier's main-thread part: turns a DiagnosisRequest into Evidence.
 *  - structured symptoms by id (validated against the vocabulary) or by text (phrase trie);
 *  - free text through the parser;
 *  - the patient block: age, sex, pregnancy, known conditions and risk factors as history findings, and current
 *    medications (listed, or written with an intake cue: "taking amoxicillin") as the findings of their drug classes;
 *  - age and sex from the text when the patient block does not give them.
 * Texts that the exact vocabulary cannot place are returned as `unplaced` for the semantic lookup, which runs
 * in the inference pool (see coordinator).
 */
import type { CompiledKb } from '../../kb/compile.ts';
import { tokenize, stem, editDistanceAtMost, resolveDrug, normalizeText } from '../../kb/compile.ts';
import type { DiagnosisRequestT } from '../../http/schemas.ts';
import { parseText, parserTables, type ParsedFinding, type ParseResult } from './parser.ts';
import { compareVital, finalizeEvidence, resolveFindingPhrase, type Evidence, type Sex } from '../evidence.ts';

export interface Classified { evidence: Evidence; unplaced: { text: string; present: boolean; source?: { start: number; end: number } }[]; demographicsSource: 'patient' | 'text' | 'none' }

const MAX_UNPLACED = 8;

/** the writer speaking of herself just before a mention ("I'm 32 and not pregnant"), within this many characters */
const FIRST_PERSON_REACH = 24;
const FIRST_PERSON_BEFORE = /\b(?:i'm|i am|im|i)\b[^.!?\n]*$/;

export function classify(ckb: CompiledKb, req: DiagnosisRequestT): Classified {
  const ev: Evidence = { present: new Set(), absent: new Set(), recognised: [], vitals: { ...(req.vitals ?? {}) }, unresolved: 0 };
  const unplaced: Classified['unplaced'] = [];
  const add = (pf: ParsedFinding) => {
    if (pf.context === 'history' && ckb.findingById.get(pf.id)?.kind !== 'history') {
      // a past episode of a symptom is history, not the current complaint
      ev.recognised.push(pf);
      return;
    }
    ev.recognised.push(pf);
    if (pf.present) { ev.present.add(pf.id); ev.absent.delete(pf.id); } else if (!ev.present.has(pf.id)) ev.absent.add(pf.id);
    if (pf.present && pf.duration_hours !== undefined && pf.context === 'patient') byDuration(pf, pf.duration_hours);
    if (pf.present && pf.onset && pf.context === 'patient') byOnset(pf, pf.onset);
  };
  // "I suddenly got the most horrendous headache": a sudden severe headache is a thunderclap headache
  const byOnset = (pf: ParsedFinding, onset: NonNullable<ParsedFinding['onset']>) => {
    for (const of of [pf.id, ...(ckb.ancestors.get(pf.id) ?? [])]) {
      for (const rule of ckb.onsetRules.get(of) ?? []) {
        if (rule.id === pf.id || rule.onset !== onset || (pf.severity ?? 0) < rule.minSeverity || ev.present.has(rule.id) || ev.absent.has(rule.id)) continue;
        ev.recognised.push({ ...pf, id: rule.id, label: ckb.findingById.get(rule.id)!.label, present: true, match: 'implied', implied_by: pf.id });
        ev.present.add(rule.id);
      }
    }
  };
  // "a cough for 10 weeks" is a chronic cough; "vertigo lasting 30 seconds" is not a vertigo attack lasting hours
  const byDuration = (pf: ParsedFinding, hours: number) => {
    for (const of of [pf.id, ...(ckb.ancestors.get(pf.id) ?? [])]) {
      for (const rule of ckb.durationRules.get(of) ?? []) {
        if (rule.id === pf.id || ev.present.has(rule.id) || hours > rule.maxHours) continue;
        // "episodes of vertigo for 2 weeks": the illness's length says nothing of a finding defined by an episode's
        if (pf.duration_of === 'illness' && rule.maxHours < Infinity) continue;
        const present = hours >= rule.minHours;
        if (!present && ev.absent.has(rule.id)) continue;
        ev.recognised.push({ ...pf, id: rule.id, label: ckb.findingById.get(rule.id)!.label, present, match: 'implied', implied_by: pf.id });
        if (present) { ev.present.add(rule.id); ev.absent.delete(rule.id); } else ev.absent.add(rule.id);
      }
    }
  };

  for (const s of req.symptoms ?? []) {
    const present = s.present !== false;
    const id = s.id && ckb.findingById.has(s.id) ? s.id : s.text ? resolveFindingPhrase(ckb, s.text) : s.id ? resolveFindingPhrase(ckb, s.id.replace(/_/g, ' ')) : undefined;
    if (!id) { if (s.text || s.id) unplaced.push({ text: s.text ?? s.id!.replace(/_/g, ' '), present }); continue; }
    const f = ckb.findingById.get(id)!;
    add({ id, label: f.label, present, confidence: s.id === id ? 1 : 0.9, context: 'patient', match: 'exact', source: { start: 0, end: 0 }, text: s.text ?? f.label, ...(s.severity !== undefined ? { severity: s.severity } : {}), ...(s.onset_hours !== undefined ? { duration_hours: s.onset_hours } : {}) });
  }

  let textDemo: { age?: number; sex?: Sex } = {};
  let lmpDays: number | undefined, deliveryDays: number | undefined, parity: number | undefined, written: string[] = [];
  if (req.text) {
    const parsed = parseText(ckb, req.text);
    for (const pf of parsed.findings) add(pf);
    for (const [k, v] of Object.entries(parsed.vitals)) if ((ev.vitals as Record<string, number>)[k] === undefined) (ev.vitals as Record<string, number>)[k] = v;
    textDemo = { ...(parsed.age !== undefined ? { age: parsed.age } : {}), ...(parsed.sex ? { sex: parsed.sex } : {}) };
    lmpDays = parsed.lmpDays;
    parity = parsed.parity;
    written = parsed.drugs;
    byLabs(ckb, parsed.labs, add, (id) => ev.present.has(id) || ev.absent.has(id));
    deliveryDays = parsed.deliveryDays;
    unplaced.push(...unplacedClauses(ckb, req.text, parsed.findings).slice(0, MAX_UNPLACED));
  }

  const p = req.patient ?? {};
  let demographicsSource: Classified['demographicsSource'] = 'none';
  if (p.age !== undefined) { ev.age = p.age; demographicsSource = 'patient'; } else if (textDemo.age !== undefined) { ev.age = textDemo.age; demographicsSource = 'text'; }
  if (p.sex === 'male' || p.sex === 'female') { ev.sex = p.sex; if (demographicsSource === 'none') demographicsSource = 'patient'; } else if (textDemo.sex) { ev.sex = textDemo.sex; if (demographicsSource === 'none') demographicsSource = 'text'; }
  // "I'm breastfeeding … my husband says he can drive me": a pregnancy or breastfeeding read in the text is the
  // patient's own, so the patient is a woman whatever the pronouns say
  const pm = ckb.kb.qualifiers.patient_map;
  // ("I'm 32 and not pregnant": only a woman says so of herself)
  const ownPregnancy = (r: ParsedFinding) => r.context === 'patient' && (r.id === pm.pregnant_finding || (ckb.ancestors.get(r.id)?.includes(pm.pregnant_finding) ?? false))
    && FIRST_PERSON_BEFORE.test((req.text ?? '').slice(Math.max(0, r.source.start - FIRST_PERSON_REACH), r.source.start).toLowerCase());
  if (p.sex !== 'male' && p.sex !== 'female' && ([pm.pregnant_finding, pm.breastfeeding_finding].some((id) => id && ev.present.has(id)) || (!textDemo.sex && ev.recognised.some(ownPregnancy)))) ev.sex = 'female';
  if (p.pregnant !== undefined) ev.pregnant = p.pregnant;
  if (lmpDays !== undefined) byLmp(ckb, ev, lmpDays);
  // "had her first baby six weeks ago": the postnatal year
  const d = ckb.kb.qualifiers.delivery;
  if (d && deliveryDays !== undefined && deliveryDays < d.within_days && ev.sex !== 'male' && ckb.findingById.has(d.finding) && !ev.absent.has(d.finding)) ev.present.add(d.finding);
  const par = ckb.kb.qualifiers.parity;
  if (parity !== undefined && par && ev.sex !== 'male') {
    const id = parity >= par.multiparity_from ? par.multiparity_finding : parity === 0 ? par.nulliparity_finding : undefined;
    if (id && !ev.absent.has(id)) ev.present.add(id);
  }

  // history items written by the clinician resolve through the same vocabulary
  const fromPatient = new Set<string>();
  for (const item of [...(p.conditions ?? []), ...(p.risk_factors ?? [])]) {
    const id = resolveFindingPhrase(ckb, item) ?? resolveFindingPhrase(ckb, `history of ${item}`);
    if (id) { ev.present.add(id); ev.absent.delete(id); fromPatient.add(id); } else ev.unresolved++;
  }
  // current medicines, listed or written ("taking amoxicillin"), are evidence through their classes (anticoagulant use)
  const drugs = [...(p.medications ?? []).map((m) => resolveDrug(ckb, m)), ...written];
  for (const drug of drugs) {
    if (!drug) continue;
    for (const id of ckb.drugFindings.get(drug) ?? []) if (!ev.absent.has(id)) ev.present.add(id);
  }
  // "ex-smoker, 20 pack-years": a habit read only from a measure of past exposure, beside its own past form, is the past
  // one ("Do you smoke: yes. Former smoker: yes" keeps both)
  const measures = parserTables(ckb).exposureMeasures;
  const isMeasure = (text: string) => measures.has(normalizeText(text).replace(/[\d.,]+/g, ' ').trim().replace(/\s+/g, ' '));
  const onlyMeasure = (id: string) => {
    const read = ev.recognised.filter((r) => r.id === id);
    return read.length > 0 && read.every((r) => isMeasure(r.text)) && !fromPatient.has(id);
  };
  for (const [current, past] of ckb.pastOf) {
    if (!ev.present.has(current) || !ev.present.has(past) || !onlyMeasure(current)) continue;
    ev.present.delete(current);
    ev.recognised = ev.recognised.filter((r) => r.id !== current);
  }
  return { evidence: finalizeEvidence(ckb, ev), unplaced, demographicsSource };
}

/**
 * Laboratory results written in the text as findings, both ways like vital signs ("Hb 86": anaemia; "Hb 140": none);
 * a finding the text states outright is left as written.
 */
function byLabs(ckb: CompiledKb, labs: ParseResult['labs'], add: (pf: ParsedFinding) => void, stated: (id: string) => boolean): void {
  for (const rule of ckb.kb.qualifiers.lab_readings ?? []) {
    const r = labs[rule.name];
    if (!r) continue;
    for (const f of rule.findings) {
      const finding = ckb.findingById.get(f.id);
      if (!finding || stated(f.id)) continue;
      const present = compareVital(r.value, f);
      if (!present && f.present_only) continue;
      add({ id: f.id, label: finding.label, present, confidence: 0.95, context: 'patient', match: 'exact', source: r.source, text: r.text });
    }
  }
}

/**
 * The last menstrual period's date as findings: in the fertile age, a period longer ago than a cycle's upper limit is a
 * missed period (and one within it rules a missed period out); a year or more ago is postmenopause.
 */
function byLmp(ckb: CompiledKb, ev: Evidence, days: number): void {
  const lmp = ckb.kb.qualifiers.lmp;
  if (!lmp || ev.sex === 'male') return;
  const [minAge, maxAge] = ckb.kb.qualifiers.patient_map.fertile_age_years;
  const set = (id: string, present: boolean) => {
    if (!ckb.findingById.has(id) || ev.present.has(id) || ev.absent.has(id)) return;
    (present ? ev.present : ev.absent).add(id);
  };
  if (days >= lmp.postmenopause_after_days) { if (ev.age === undefined || ev.age >= 40) set(lmp.postmenopause_finding, true); return; }
  if (ev.age !== undefined && (ev.age < minAge || ev.age > maxAge)) return;
  set(lmp.late_finding, days > lmp.late_after_days);
}

/** Short clauses of the text in which nothing was recognised, for the semantic (encoder) lookup. */
function unplacedClauses(ckb: CompiledKb, text: string, found: ParsedFinding[]): Classified['unplaced'] {
  const tables = parserTables(ckb);
  const out: Classified['unplaced'] = [];
  const re = /[^,.;:!?\n()]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index, end = start + m[0].length;
    if (found.some((f) => f.source.end > start && f.source.start < end)) continue;
    let toks = tokenize(m[0]);
    if (toks.length === 0 || toks.length > 6) continue;
    let present = true;
    for (let n = Math.min(3, toks.length); n >= 1; n--) {
      const cue = toks.slice(0, n).join(' ');
      if (tables.negPre.has(cue)) { present = false; toks = toks.slice(n); break; }
    }
    const content = toks.filter((t) => t.length > 3);
    if (content.length === 0 || /\d/.test(m[0])) continue;
    out.push({ text: toks.join(' '), present, source: { start, end } });
  }
  return out;
}

/**
 * Whether an encoder hit may stand for a text: every content word of the vocabulary phrase (negations included)
 * must be in the text, up to a suffix or one typing error. The encoder tolerates word order, extra words and
 * misspellings; it must not add meaning ("finger" is not "trigger finger", "normal urine output" is not
 * "no urine output").
 */
export function semanticHitCovered(ckb: CompiledKb, text: string, phrase: string): boolean {
  const { stopwords: stop, negPre } = parserTables(ckb);
  const have = tokenize(text).map((t) => ({ t, st: stem(t) }));
  return tokenize(phrase).every((t) => {
    if (stop.has(t) && !negPre.has(t)) return true;
    const st = stem(t);
    return have.some((h) => h.st === st || (t.length > 4 && editDistanceAtMost(h.t, t, 1)));
  });
}
