/**
 * Parameters of the diagnosis model fitted on the dev sets (npm run eval), not per case:
 * the softmax temperature (calibration of the probabilities) and the weight of the semantic
 * (condition-profile similarity) signal. Changing them changes the built models.
 */
export const CALIBRATION = {
  model: { temperature: 1.0, unmentionedWeight: 0.2, unmentionedSignWeight: 0, unmentionedHistoryWeight: 0.2, priorWeight: 0.5, repairedWeight: 1, impliedWeight: 1 },
  semanticWeight: 0.0,
} as const;
