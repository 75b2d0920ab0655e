/** The topics the benchmarks' synthetic catalogues draw from (two per item). */
export const TOPICS = [
  'sleep',
  'anxiety',
  'focus',
  'stress',
  'relationships',
  'kids',
  'nature',
  'breathing',
  'movement',
  'work',
  'self-esteem',
  'gratitude',
  'grief',
  'morning',
  'evening',
  'walking',
];
