/** A realistic mix of diagnosis requests: free text (clinical and lay), structured, with and without medications. */
export const REQUEST_MIX: object[] = [
  { text: '56 y/o M, 2 days of sudden tearing chest pain radiating to the back, fainted once, smoker, HTN. No palpitations, no nausea or vomiting. HR 118, BP 92/60.' },
  { text: 'my tummy hurts and I keep throwing up, cant keep water down since last night', patient: { age: 24, sex: 'female' } },
  { symptoms: [{ id: 'fever' }, { id: 'cough' }, { text: 'short of breath' }], vitals: { spo2: 93, resp_rate: 24, heart_rate: 104, temp_c: 38.6 }, patient: { age: 71, sex: 'male', medications: ['warfarin', 'metoprolol'], allergies: ['penicillin'] } },
  { text: 'Headache for 3 days, worse in the morning, with nausea. No fever, no neck stiffness.', patient: { age: 35, sex: 'female', medications: ['sumatriptan'] } },
  { text: 'burning when I pee, peeing a lot, lower tummy pain, no fever', patient: { age: 29, sex: 'female', pregnant: false, allergies: ['sulfa'] } },
  { symptoms: [{ id: 'sore_throat' }, { id: 'fever' }, { id: 'cough', present: false }], patient: { age: 8, sex: 'male' } },
  { text: 'itchy red rash on both arms after starting a new antibiotic, lips feel a bit swollen', patient: { age: 45, medications: ['amoxicillin', 'lisinopril'] } },
  { text: '3 month old, fever 38.5, poor feeding, very sleepy', vitals: { temp_c: 38.5 } },
];
