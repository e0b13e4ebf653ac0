/**
 * typebox schemas of every knowledge-base file (models/kb/README.md describes them in prose).
 * The loader validates each file against these with compiled checkers, so the engine can rely on shapes.
 */
import { Type, type Static } from '@sinclair/typebox';

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9_]*$', maxLength: 80 });
const Sources = Type.Array(Type.String({ minLength: 3 }), { minItems: 1 });
const Prob = Type.Number({ minimum: 0.0001, maximum: 0.9999 });

export const SYSTEMS = [
  'general', 'cardiovascular', 'respiratory', 'ent', 'gastrointestinal', 'genitourinary', 'obstetric_gynaecological',
  'neurological', 'psychiatric', 'musculoskeletal', 'dermatological', 'infectious', 'endocrine', 'haematological',
  'toxicological', 'ophthalmological', 'allergic_immunological', 'paediatric',
] as const;
const System = Type.Union(SYSTEMS.map((s) => Type.Literal(s)));

export const VITAL_NAMES = ['heart_rate', 'resp_rate', 'spo2', 'temp_c', 'sbp', 'dbp', 'gcs'] as const;
const VitalName = Type.Union(VITAL_NAMES.map((s) => Type.Literal(s)));
const Op = Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>=')]);
export const VitalComparison = Type.Object({ name: VitalName, op: Op, value: Type.Number() }, { additionalProperties: false });

export const URGENCIES = ['emergency', 'urgent', 'routine', 'self_care'] as const;
const Urgency = Type.Union(URGENCIES.map((s) => Type.Literal(s)));

export const Finding = Type.Object({
  id: Id,
  label: Type.String({ minLength: 2 }),
  system: System,
  kind: Type.Union(['symptom', 'sign', 'vital', 'history', 'risk_factor', 'exposure', 'demographic'].map((s) => Type.Literal(s))),
  synonyms: Type.Array(Type.String({ minLength: 2 })),
  question: Type.Optional(Type.String()),
  parent: Type.Optional(Id),
  /** on a family-history finding: the patient's own findings that a relative's mention maps to it ("mother has coeliac disease") */
  family_of: Type.Optional(Type.Array(Id)),
  /** on a past-habit finding: the current findings that a stopped mention maps to it ("smoked but quit": smoker → former_smoker) */
  past_of: Type.Optional(Type.Array(Id)),
  ambiguous: Type.Optional(Type.Array(Type.String())),
  vital: Type.Optional(VitalComparison),
  /**
   * a finding defined by how long another one has lasted ("chronic cough": a cough of 8 weeks or more): a mention
   * of any finding in `of` (or a narrower one) with a duration in [min_hours, max_hours] makes this one present,
   * and a duration below min_hours makes it absent
   */
  duration: Type.Optional(Type.Object({
    of: Type.Array(Id, { minItems: 1 }),
    min_hours: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    max_hours: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  }, { additionalProperties: false })),
  /**
   * a finding defined by how another began ("a sudden severe headache" is a thunderclap headache): a present mention of
   * any finding in `of` (or a narrower one) whose onset is `onset`, and whose severity is at least `min_severity` (0-10)
   * where given, makes this one present
   */
  onset: Type.Optional(Type.Object({
    of: Type.Array(Id, { minItems: 1 }),
    onset: Type.Union([Type.Literal('sudden'), Type.Literal('gradual')]),
    min_severity: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
  }, { additionalProperties: false })),
  /**
   * combinations that make this finding present when no phrase names it ("fever" in a patient under 3 months is a fever
   * in a young infant; vaginal bleeding while pregnant is bleeding in pregnancy): all of `all` present, and the age
   * below `age_under` / at least `age_from` years where given (an unknown age satisfies neither)
   */
  implied_by: Type.Optional(Type.Array(Type.Object({
    all: Type.Array(Id, { minItems: 1 }),
    age_under: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    age_from: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  }, { additionalProperties: false }))),
  /**
   * P(finding | a condition that does not list it), where the model's default (2% for symptoms and signs, 10% for
   * history) is far from the truth: a sign that hardly occurs outside the conditions listing it (stridor)
   */
  default_p: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
  sources: Type.Optional(Sources),
}, { additionalProperties: true });

export const FindingsFile = Type.Object({
  system: System,
  sources: Sources,
  findings: Type.Array(Finding),
}, { additionalProperties: true });

const Treatment = Type.Object({
  name: Type.String({ minLength: 2 }),
  kind: Type.Union(['drug', 'procedure', 'self_care', 'referral'].map((s) => Type.Literal(s))),
  drug: Type.Optional(Id),
}, { additionalProperties: true });

const AgeBands = Type.Object({
  lt1: Type.Optional(Type.Number({ minimum: 0 })),
  '1-4': Type.Optional(Type.Number({ minimum: 0 })),
  '5-14': Type.Optional(Type.Number({ minimum: 0 })),
  '15-24': Type.Optional(Type.Number({ minimum: 0 })),
  '25-44': Type.Optional(Type.Number({ minimum: 0 })),
  '45-64': Type.Optional(Type.Number({ minimum: 0 })),
  '65+': Type.Optional(Type.Number({ minimum: 0 })),
}, { additionalProperties: false });

export const Condition = Type.Object({
  id: Id,
  name: Type.String({ minLength: 2 }),
  synonyms: Type.Array(Type.String()),
  icd10: Type.Array(Type.String({ pattern: '^[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?$' }), { minItems: 1 }),
  system: System,
  prior: Type.Object({
    per_100k: Type.Number({ exclusiveMinimum: 0 }),
    age: Type.Optional(AgeBands),
    sex: Type.Optional(Type.Object({ male: Type.Optional(Type.Number({ minimum: 0 })), female: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false })),
  }, { additionalProperties: true }),
  findings: Type.Array(Type.Object({ id: Id, p: Prob }, { additionalProperties: true }), { minItems: 3 }),
  risk_factors: Type.Optional(Type.Array(Type.Object({ id: Id, lr: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: true }))),
  severity: Type.Integer({ minimum: 1, maximum: 5 }),
  urgency: Urgency,
  /**
   * a higher urgency for patients at risk of this condition's complications ("influenza: self-care, but routine care
   * for the pregnant, the over-65s and chronic lung disease"): raised to `to` when any of `any_of` is present, the
   * age is below `age_under` or at least `age_from` years, or the patient is of `sex` or of unknown sex (cystitis:
   * self-care for women, a clinician for men); any one of these raises it
   */
  urgency_raised: Type.Optional(Type.Array(Type.Object({
    to: Urgency,
    any_of: Type.Optional(Type.Array(Id)),
    sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
    age_under: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    age_from: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    sources: Sources,
  }, { additionalProperties: false }))),
  red_flags: Type.Optional(Type.Array(Id)),
  treatments: Type.Object({
    first_line: Type.Array(Treatment),
    alternatives: Type.Optional(Type.Array(Treatment)),
    self_care: Type.Optional(Type.Array(Type.Any())),
    seek_care: Type.Optional(Type.String()),
    referral: Type.Optional(Type.String()),
  }, { additionalProperties: true }),
  sources: Sources,
}, { additionalProperties: true });

export const ConditionsFile = Type.Object({ system: System, conditions: Type.Array(Condition) }, { additionalProperties: true });

export const Trigger = Type.Object({
  findings_all: Type.Optional(Type.Array(Id)),
  findings_any: Type.Optional(Type.Array(Id)),
  min_any: Type.Optional(Type.Integer({ minimum: 1 })),
  /** findings that explain the trigger away ("an abdominal mass in a child", unless it is faecal: constipation) */
  unless_any: Type.Optional(Type.Array(Id)),
  vitals: Type.Optional(Type.Array(VitalComparison)),
  age_min_years: Type.Optional(Type.Number({ minimum: 0 })),
  age_max_years: Type.Optional(Type.Number({ minimum: 0 })),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
  pregnant: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const RedFlag = Type.Object({
  id: Id,
  label: Type.String({ minLength: 3 }),
  urgency: Type.Union([Type.Literal('emergency'), Type.Literal('urgent')]),
  time_to_care: Type.String(),
  action: Type.String({ minLength: 3 }),
  triggers: Type.Array(Trigger, { minItems: 1 }),
  sources: Sources,
}, { additionalProperties: true });

export const RedFlagsFile = Type.Object({ system: System, red_flags: Type.Array(RedFlag) }, { additionalProperties: true });

const Pregnancy = Type.Union(['compatible', 'caution', 'avoid', 'contraindicated'].map((s) => Type.Literal(s)));
export const Contraindication = Type.Object({
  kind: Type.Union(['condition', 'age', 'renal', 'hepatic', 'pregnancy', 'lactation'].map((s) => Type.Literal(s))),
  finding: Type.Optional(Id),
  age_below_years: Type.Optional(Type.Number({ minimum: 0 })),
  egfr_below: Type.Optional(Type.Number({ minimum: 0 })),
  severity: Type.Union([Type.Literal('absolute'), Type.Literal('relative')]),
  detail: Type.String(),
}, { additionalProperties: true });

export const Drug = Type.Object({
  id: Id,
  name: Type.String({ minLength: 2 }),
  brands: Type.Array(Type.String()),
  misspellings: Type.Optional(Type.Array(Type.String())),
  classes: Type.Array(Id),
  allergy_groups: Type.Optional(Type.Array(Id)),
  contraindications: Type.Optional(Type.Array(Contraindication)),
  pregnancy: Type.Optional(Pregnancy),
  lactation: Type.Optional(Pregnancy),
  /**
   * what taking this drug is evidence of, in place of its classes' findings where those would mislead (methotrexate
   * is an antineoplastic, but a patient taking it is far more often immunosuppressed for arthritis than on chemotherapy)
   */
  findings: Type.Optional(Type.Array(Id)),
  sources: Sources,
}, { additionalProperties: true });
export const DrugsFile = Type.Object({ group: Type.String(), drugs: Type.Array(Drug) }, { additionalProperties: true });

export const DrugClass = Type.Object({
  id: Id, label: Type.String(), parent: Type.Optional(Id),
  /** findings that taking a drug of this class (or of a narrower class) is evidence of (antibacterial → recent_antibiotics) */
  findings: Type.Optional(Type.Array(Id)),
}, { additionalProperties: true });
export const DrugClassesFile = Type.Object({ classes: Type.Array(DrugClass) }, { additionalProperties: true });

const RiskLevel = Type.Union([Type.Literal('high'), Type.Literal('moderate'), Type.Literal('low')]);
export const AllergyGroup = Type.Object({
  id: Id,
  label: Type.String(),
  synonyms: Type.Array(Type.String()),
  classes: Type.Optional(Type.Array(Id)),
  drugs: Type.Optional(Type.Array(Id)),
  cross_reactivity: Type.Optional(Type.Array(Type.Object({
    classes: Type.Optional(Type.Array(Id)), drugs: Type.Optional(Type.Array(Id)), risk: RiskLevel, detail: Type.String(),
  }, { additionalProperties: true }))),
  sources: Sources,
}, { additionalProperties: true });
export const AllergyGroupsFile = Type.Object({ groups: Type.Array(AllergyGroup) }, { additionalProperties: true });

export const SEVERITIES = ['contraindicated', 'major', 'moderate', 'minor'] as const;
const Severity = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));
export const InteractionPair = Type.Object({
  drugs: Type.Tuple([Id, Id]),
  severity: Severity,
  mechanism: Type.String({ minLength: 3 }),
  advice: Type.String({ minLength: 3 }),
  sources: Sources,
  ndfrt_note: Type.Optional(Type.String()),
}, { additionalProperties: true });
const Side = Type.Object({ classes: Type.Optional(Type.Array(Id)), drugs: Type.Optional(Type.Array(Id)) }, { additionalProperties: false });
export const ClassRule = Type.Object({
  id: Id, a: Side, b: Side, severity: Severity,
  mechanism: Type.String({ minLength: 3 }), advice: Type.String({ minLength: 3 }), sources: Sources,
  ndfrt_note: Type.Optional(Type.String()),
}, { additionalProperties: true });
export const InteractionsFile = Type.Object({
  pairs: Type.Array(InteractionPair),
  class_rules: Type.Optional(Type.Array(ClassRule)),
}, { additionalProperties: true });

export const QualifiersFile = Type.Object({
  negation_pre: Type.Array(Type.String()),
  negation_post: Type.Array(Type.String()),
  /** phrases holding a negation word that negate nothing ("no improvement in her cough", "no obvious cause for the bruising") */
  negation_pseudo: Type.Optional(Type.Array(Type.String())),
  scope_breakers: Type.Array(Type.String()),
  history_pre: Type.Array(Type.String()),
  /** words right before a drug name that say the patient takes it ("taking amoxicillin", "started on warfarin") */
  medication_pre: Type.Optional(Type.Array(Type.String())),
  /** cues of the presenting complaint: a history cue right after one is the present illness ("presents with a history of worsening pain") */
  presenting_pre: Type.Optional(Type.Array(Type.String())),
  family_pre: Type.Array(Type.String()),
  /** family cues after the finding ("heart disease in her father") */
  family_post: Type.Optional(Type.Array(Type.String())),
  /** cues after a habit that say it has stopped ("a 30-pack-year smoking history but quit 5 years ago"), see `past_of` */
  stopped_post: Type.Optional(Type.Array(Type.String())),
  hypothetical_pre: Type.Array(Type.String()),
  /** words between a hypothetical cue and a finding that show the finding is there ("worried about this rash") */
  hypothetical_void: Type.Optional(Type.Array(Type.String())),
  severity_words: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 10 })),
  onset_sudden: Type.Array(Type.String()),
  onset_gradual: Type.Array(Type.String()),
  duration_units: Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 })),
  number_words: Type.Record(Type.String(), Type.Number()),
  locations: Type.Array(Type.String()),
  laterality: Type.Record(Type.String(), Type.String()),
  sex_words: Type.Record(Type.String(), Type.Union([Type.Literal('male'), Type.Literal('female')])),
  vital_patterns: Type.Record(Type.String(), Type.Array(Type.String())),
  /**
   * laboratory results written in text ("Hb 86", "K 5.9", "adj Ca 3.05", "BMI 36"): each `pattern` captures the number
   * (`{sep}` stands for the words that may come between the name and it: "of", "is", "level", a colon); a unit written
   * after it converts by `units` (unit as written in lower case → factor to the knowledge base's unit); without one, a
   * value below `si_below` (or above `si_above`) is taken to be in the other common unit and multiplied by `si_factor`
   * (Hb 9.2 g/dL is 92 g/L), and one within `ambiguous_without_unit` fits both units and is no reading; a value outside
   * `range` is no reading; each finding is present when the value passes its comparison and absent when it does not,
   * like a vital sign's
   */
  lab_readings: Type.Optional(Type.Array(Type.Object({
    name: Type.String(),
    patterns: Type.Array(Type.String(), { minItems: 1 }),
    units: Type.Optional(Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 }))),
    ambiguous_without_unit: Type.Optional(Type.Tuple([Type.Number(), Type.Number()])),
    si_below: Type.Optional(Type.Number()),
    si_above: Type.Optional(Type.Number()),
    si_factor: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    range: Type.Tuple([Type.Number(), Type.Number()]),
    /** `present_only`: the reading shows the finding when it passes, and says nothing when it does not (an HbA1c is a
     * three-month average: a normal one says nothing of today's glucose) */
    findings: Type.Array(Type.Object({ id: Id, op: Op, value: Type.Number(), present_only: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), { minItems: 1 }),
  }, { additionalProperties: false }))),
  pain_words: Type.Array(Type.String()),
  /** cues after which a finding only says what changes a complaint ("worse with coughing") */
  modifier_pre: Type.Optional(Type.Array(Type.String())),
  stopwords: Type.Array(Type.String()),
  /** words before "without" that make what follows happen ("I can't walk without pain", "hard to move without stiffness") */
  difficulty_words: Type.Optional(Type.Array(Type.String())),
  /** words that make a mention one of episodes ("attacks", "spells", "recurrent"), and words before a length that make it one episode's ("lasting") */
  episodic_words: Type.Optional(Type.Array(Type.String())),
  episode_length_words: Type.Optional(Type.Array(Type.String())),
  /**
   * verbs of caring for someone, written before "my"/"our"/"a" and an age ("breastfeeding my 3 week old", "looking after
   * my 80 year old mum"): that age is the dependant's, not the writer's
   */
  dependant_age_pre: Type.Optional(Type.Array(Type.String())),
  /**
   * words for a stage of life that give an age in years when the text gives no number and the word is the subject
   * ("my toddler has …", "newborn with …"); only stages narrow enough to place the age band
   */
  age_words: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 18 }))),
  /**
   * examination written as normal ("chest clear", "HS I+II+0"): each phrase makes the findings in `absent` absent,
   * unless the text reads them present elsewhere
   */
  normal_statements: Type.Optional(Type.Array(Type.Object({
    phrases: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    absent: Type.Array(Id, { minItems: 1 }),
  }, { additionalProperties: false }))),
  /** words of state a site is said to be in, in a note's comma list ("neck stiff", "abdo soft", "calves swollen") */
  state_words: Type.Optional(Type.Array(Type.String())),
  /** parts of a part a part word may stand before as an adjective ("bottom lip", "top teeth"): the part word is then no site */
  parts_of_a_part: Type.Optional(Type.Array(Type.String())),
  /** idioms whose body or place words say nothing of the body ("keeping an eye on", "first thing in the morning") */
  idioms: Type.Optional(Type.Array(Type.String())),
  /** words that state a result after what it reports ("nit negative", "Kernig's positive"), ending that result */
  result_words: Type.Optional(Type.Array(Type.String())),
  /** a-privative words read as "non" + the word they negate ("afebrile" → "non febrile") */
  privative_words: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** common words that spelling repair must leave alone ("horse" is not "hoarse", "notes" not "nodes") */
  not_misspellings: Type.Optional(Type.Array(Type.String())),
  clause_breakers: Type.Array(Type.String()),
  /** words after a body site that make it what was imaged, not where a complaint is ("chest X-ray: a lesion") */
  imaging_words: Type.Optional(Type.Array(Type.String())),
  /** words before a result in its sentence that make it another specimen's ("CSF", "urine", "aspirate") */
  lab_other_specimens: Type.Optional(Type.Array(Type.String())),
  /** words just after a result that make it a dose, an amount or a past value ("mg", "tablets", "units", "ago") */
  lab_not_after: Type.Optional(Type.Array(Type.String())),
  /** measures of past exposure ("pack years"): a habit read only from one, beside its own past form, is the past one */
  exposure_measures: Type.Optional(Type.Array(Type.String())),
  /** words after a capital-only abbreviation that show it is used in another sense ("HA injection": hyaluronic acid) */
  upper_abbreviations_not_before: Type.Optional(Type.Array(Type.String())),
  /** abbreviations read only when written in capitals, as the words they stand for ("HA" is a headache, "ha" a laugh) */
  upper_abbreviations: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z][A-Za-z0-9+/&]*$' }), Type.String({ minLength: 1 }))),
  pain_compose: Type.Array(Type.String({ pattern: '\\{loc\\}' })),
  /** further cue-word + location compositions read like the pain one ("swelling … ankle" → "ankle swelling") */
  compose: Type.Optional(Type.Array(Type.Object({ name: Type.String(), cues: Type.Array(Type.String()), templates: Type.Array(Type.String({ pattern: '\\{loc\\}' })) }, { additionalProperties: false }))),
  /**
   * the state a predicate word gives a site that has no phrase of its own in the vocabulary ("my lower leg is red, hot
   * and painful": red and warm skin; "my knee is red and hot": a hot swollen joint): per group of sites, the finding
   * each word gives it
   */
  site_states: Type.Optional(Type.Array(Type.Object({
    sites: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    states: Type.Record(Type.String({ minLength: 1 }), Id),
    sources: Type.Optional(Sources),
  }, { additionalProperties: false }))),
  /** share of the population in each age band, to average age multipliers when a case gives no age */
  population_age_shares: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }))),
  /**
   * the last menstrual period written as time ago: `patterns` capture a number and a duration unit; a period more than
   * `late_after_days` ago in the fertile age is a missed period, more than `postmenopause_after_days` ago postmenopause
   */
  lmp: Type.Optional(Type.Object({
    patterns: Type.Array(Type.String()),
    late_after_days: Type.Number({ exclusiveMinimum: 0 }), late_finding: Id,
    postmenopause_after_days: Type.Number({ exclusiveMinimum: 0 }), postmenopause_finding: Id,
  }, { additionalProperties: false })),
  /**
   * a birth written as time ago ("had her first baby six weeks ago", "3 weeks postpartum"): `patterns` capture a number
   * and a duration unit; a birth less than `within_days` ago makes `finding` present (the postnatal year)
   */
  delivery: Type.Optional(Type.Object({
    patterns: Type.Array(Type.String()), within_days: Type.Number({ exclusiveMinimum: 0 }), finding: Id,
  }, { additionalProperties: false })),
  /** obstetric parity notation ("G5 P2", "Para 4"): `patterns` capture the number of births */
  parity: Type.Optional(Type.Object({
    patterns: Type.Array(Type.String()), multiparity_from: Type.Integer({ minimum: 1 }), multiparity_finding: Id, nulliparity_finding: Id,
  }, { additionalProperties: false })),
  patient_map: Type.Object({ pregnant_finding: Id, fertile_age_years: Type.Tuple([Type.Number(), Type.Number()]), breastfeeding_finding: Type.Optional(Id), ckd_finding: Type.Optional(Id) }, { additionalProperties: true }),
  sources: Sources,
}, { additionalProperties: true });

export type FindingT = Static<typeof Finding>;
export type ConditionT = Static<typeof Condition>;
export type RedFlagT = Static<typeof RedFlag>;
export type TriggerT = Static<typeof Trigger>;
export type DrugT = Static<typeof Drug>;
export type DrugClassT = Static<typeof DrugClass>;
export type AllergyGroupT = Static<typeof AllergyGroup>;
export type InteractionPairT = Static<typeof InteractionPair>;
export type ClassRuleT = Static<typeof ClassRule>;
export type QualifiersT = Static<typeof QualifiersFile>;
export type VitalComparisonT = Static<typeof VitalComparison>;
export type Urgency = (typeof URGENCIES)[number];
export type VitalName = (typeof VITAL_NAMES)[number];
