/**
 * Parameters fitted on the dev sets (npm run eval), not per case. `model` and `semanticWeight` are compiled into
 * the built models (changing them makes the artifacts stale): the softmax temperature, how much unmentioned
 * findings count as absent, the prior's exponent, the weight of repaired mentions and of the semantic signal.
 * `triage` sets how the differential raises urgency: to a level once the conditions of that level or worse hold
 * `conditionFloor` of the posterior together (`routineFloor` for a routine appointment over self-care, fitted on the
 * probe sets' gold triage: 0.25 agreed best with no more under-triage); a can't-miss condition (severity ≤ `cantMissSeverity`) raises it to at least urgent from
 * `cantMissFloor`.
 */
export const CALIBRATION = {
  model: { temperature: 1.0, unmentionedWeight: 0.2, unmentionedSignWeight: 0, unmentionedHistoryWeight: 0.2, priorWeight: 0.5, repairedWeight: 1 },
  semanticWeight: 0.0,
  triage: { conditionFloor: 0.15, routineFloor: 0.25, cantMissFloor: 0.05, cantMissSeverity: 2 },
} as const;
