/**
 * Emergency detector: the knowledge base's red-flag rules over the case's findings, vitals and patient context.
 * Pure and synchronous, with no model and no worker, so urgency is answered even when every pool is down.
 * Urgency is the highest of: the red flags that fired, and the urgency the differential implies (`assessUrgency`,
 * called by the coordinator once the matcher answers).
 */
import { CALIBRATION } from '../../../models/calibration.ts';
import type { CompiledKb } from '../../kb/compile.ts';
import type { ConditionT, RedFlagT, TriggerT, Urgency } from '../../kb/schema.ts';
import { compareVital, type Evidence } from '../evidence.ts';

export interface FiredFlag { id: string; label: string; urgency: 'emergency' | 'urgent'; action: string; time_to_care: string; evidence: string[] }

export interface UrgencyResult {
  level: Urgency;
  score: number;
  red_flags: FiredFlag[];
  recommended_action: string;
  time_to_care: 'immediately' | 'within 24 hours' | 'within days' | 'self care';
}

const { conditionFloor, routineFloor, cantMissFloor, cantMissSeverity } = CALIBRATION.triage;

const OTHER_SEX = { male: 'female', female: 'male' } as const;

export const URGENCY_RANK: Record<Urgency, number> = { self_care: 0, routine: 1, urgent: 2, emergency: 3 };
const TIME_TO_CARE: Record<Urgency, UrgencyResult['time_to_care']> = {
  emergency: 'immediately', urgent: 'within 24 hours', routine: 'within days', self_care: 'self care',
};

/** What to do when the differential's conditions of this urgency or worse (the most probable named) hold enough of it. */
const LEADING_ACTION: Record<Exclude<Urgency, 'self_care'>, (name: string) => string> = {
  emergency: (n) => `Possibilities that need immediate assessment, such as ${n}.`,
  urgent: (n) => `Possibilities that need assessment within 24 hours, such as ${n}.`,
  routine: (n) => `Possibilities that need a clinician's assessment within days, such as ${n}.`,
};

/**
 * Evidence quoted for a finding: the patient's own words where we have them (those of a narrower finding that
 * implies it, "tearing chest pain" for chest pain), else the finding's label.
 */
function quote(ckb: CompiledKb, ev: Evidence, id: string): string {
  const r = ev.recognised.find((x) => x.id === id && x.present) ?? ev.recognised.find((x) => x.present && ckb.ancestors.get(x.id)?.includes(id));
  return r?.text ? `"${r.text}"` : ckb.findingById.get(id)?.label ?? id;
}

function triggerFires(ckb: CompiledKb, t: TriggerT, ev: Evidence): string[] | undefined {
  const evidence: string[] = [];
  // unknown age: an adult threshold (age_min) still applies, a paediatric-only one (age_max) does not
  if (t.age_min_years !== undefined && ev.age !== undefined && ev.age < t.age_min_years) return undefined;
  if (t.age_max_years !== undefined && (ev.age === undefined || ev.age > t.age_max_years)) return undefined;
  if (t.sex !== undefined && ev.sex !== t.sex) return undefined;
  if (t.unless_any?.some((id) => ev.present.has(id))) return undefined;
  if (t.pregnant !== undefined) {
    const preg = ev.present.has(ckb.kb.qualifiers.patient_map.pregnant_finding);
    if (preg !== t.pregnant) return undefined;
  }
  for (const id of t.findings_all ?? []) { if (!ev.present.has(id)) return undefined; evidence.push(quote(ckb, ev, id)); }
  if (t.findings_any?.length) {
    const hits = t.findings_any.filter((id) => ev.present.has(id));
    if (hits.length < (t.min_any ?? 1)) return undefined;
    for (const id of hits) evidence.push(quote(ckb, ev, id));
  }
  for (const c of t.vitals ?? []) {
    const v = ev.vitals[c.name];
    if (v === undefined || !compareVital(v, c)) return undefined;
    evidence.push(`${c.name.replace('_', ' ')} ${v}`);
  }
  return evidence;
}

/**
 * A condition's urgency for this patient: its own, raised where the knowledge base names the patient at risk of its
 * complications (pregnancy, age, chronic disease).
 */
export function conditionUrgency(c: Pick<ConditionT, 'urgency' | 'urgency_raised'>, ev: Pick<Evidence, 'present' | 'age' | 'sex'>): Urgency {
  let level: Urgency = c.urgency;
  for (const r of c.urgency_raised ?? []) {
    if (URGENCY_RANK[r.to] <= URGENCY_RANK[level]) continue;
    // (a raise for one sex holds while the sex is unknown: "men need a clinician" is no reason to advise self-care to a
    // patient who may be one)
    const atRisk = (r.any_of ?? []).some((id) => ev.present.has(id)) || (r.sex !== undefined && ev.sex !== OTHER_SEX[r.sex])
      || (ev.age !== undefined && ((r.age_under !== undefined && ev.age < r.age_under) || (r.age_from !== undefined && ev.age >= r.age_from)));
    if (atRisk) level = r.to;
  }
  return level;
}

export function detectRedFlags(ckb: CompiledKb, ev: Evidence): FiredFlag[] {
  const fired: FiredFlag[] = [];
  for (const rf of ckb.kb.redFlags as RedFlagT[]) {
    for (const t of rf.triggers) {
      const e = triggerFires(ckb, t, ev);
      if (e) { fired.push({ id: rf.id, label: rf.label, urgency: rf.urgency, action: rf.action, time_to_care: rf.time_to_care, evidence: e }); break; }
    }
  }
  fired.sort((a, b) => URGENCY_RANK[b.urgency] - URGENCY_RANK[a.urgency]);
  return fired;
}

/**
 * Combines fired red flags with the conditions' implied urgency. The differential raises urgency to the highest level
 * whose conditions together (that level or more urgent) hold at least `minProbability` of the posterior (`minRoutine`
 * for a routine appointment over self-care): the chance that the patient needs that much care, not only the leading
 * condition's share.
 */
export function assessUrgency(flags: FiredFlag[], conditions: { urgency: Urgency; probability: number; name: string; severity: number }[] = [], minProbability: number = conditionFloor, minRoutine: number = routineFloor): UrgencyResult {
  let level: Urgency = flags.length ? flags[0].urgency : 'self_care';
  let action = flags.length ? flags[0].action : '';
  let score = flags.length ? (level === 'emergency' ? 0.95 : 0.75) : 0.1;
  // self-care only when a self-limiting condition leads with some confidence; an unclear picture needs a clinician
  if (!flags.length && !conditions.some((c) => c.probability >= minProbability)) level = 'routine';
  for (const c of conditions) {
    // a can't-miss diagnosis (severity ≤ cantMissSeverity) still in the differential warrants at least urgent review
    if (c.severity <= cantMissSeverity && c.probability >= cantMissFloor && URGENCY_RANK[c.urgency] >= URGENCY_RANK.urgent && URGENCY_RANK[level] < URGENCY_RANK.urgent) {
      level = 'urgent';
      action = `Cannot be excluded yet: ${c.name}. Arrange assessment within 24 hours, sooner if worse.`;
      score = Math.max(score, 0.6);
    }
  }
  for (const u of ['emergency', 'urgent', 'routine'] as const) {
    if (URGENCY_RANK[u] <= URGENCY_RANK[level]) break;
    const atLeast = conditions.filter((c) => URGENCY_RANK[c.urgency] >= URGENCY_RANK[u]);
    const mass = atLeast.reduce((s, c) => s + c.probability, 0);
    if (mass < (u === 'routine' ? minRoutine : minProbability)) continue;
    const leading = atLeast.reduce((a, c) => (c.probability > a.probability ? c : a));
    level = u;
    action = LEADING_ACTION[u](leading.name);
    score = Math.max(score, 0.5 + 0.45 * Math.min(1, mass) * (URGENCY_RANK[u] / 3));
    break;
  }
  if (!action) action = level === 'self_care' ? 'Self-care is reasonable; seek care if symptoms worsen or new symptoms appear.' : 'Arrange a routine appointment with a clinician.';
  if (level === 'routine' && score < 0.3) score = 0.3;
  return { level, score: Math.round(score * 100) / 100, red_flags: flags, recommended_action: action, time_to_care: TIME_TO_CARE[level] };
}
