/**
 * Content kinds are defined in code: each one says which fields an item of that kind needs before it can launch.
 * Adding a kind is adding an entry here; the API, the Studio editor and the import all read this table.
 */
type KindKey = 'meditation' | 'sleep_story' | 'music' | 'course' | 'talk';

/** Whether a kind needs a field before an item can launch. */
export const REQUIREMENTS = ['required', 'optional', 'none'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export const ATTRIBUTE_TYPES = ['string', 'number'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

interface AttributeDefinition {
  key: string;
  label: string;
  type: AttributeType;
  required: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
}

export interface KindDefinition {
  key: KindKey;
  label: string;
  description: string;
  /** Which localized fields must be filled in every target locale. */
  localized: { title: Requirement; subtitle: Requirement; description: Requirement };
  media: { audio: Requirement; video: Requirement; artwork: Requirement; /** at least one of audio or video */ playable: boolean };
  duration: Requirement;
  attributes: AttributeDefinition[];
  /** Ordered child items (a course's sessions). */
  sessions?: { kinds: KindKey[]; min: number; max: number };
}

export const KINDS: readonly KindDefinition[] = [
  {
    key: 'meditation',
    label: 'Meditation',
    description: 'A guided practice with one narrator.',
    localized: { title: 'required', subtitle: 'optional', description: 'required' },
    media: { audio: 'optional', video: 'optional', artwork: 'required', playable: true },
    duration: 'required',
    attributes: [
      { key: 'narrator', label: 'Narrator', type: 'string', required: true, maxLength: 80 },
      { key: 'technique', label: 'Technique', type: 'string', required: false, maxLength: 60 },
    ],
  },
  {
    key: 'sleep_story',
    label: 'Sleep story',
    description: 'A long, slow story to fall asleep to.',
    localized: { title: 'required', subtitle: 'required', description: 'required' },
    media: { audio: 'required', video: 'none', artwork: 'required', playable: true },
    duration: 'required',
    attributes: [{ key: 'narrator', label: 'Narrator', type: 'string', required: true, maxLength: 80 }],
  },
  {
    key: 'music',
    label: 'Music',
    description: 'A track or soundscape.',
    localized: { title: 'required', subtitle: 'optional', description: 'optional' },
    media: { audio: 'required', video: 'none', artwork: 'required', playable: true },
    duration: 'required',
    attributes: [
      { key: 'artist', label: 'Artist', type: 'string', required: true, maxLength: 80 },
      { key: 'bpm', label: 'Tempo (BPM)', type: 'number', required: false, min: 20, max: 300 },
    ],
  },
  {
    key: 'course',
    label: 'Course',
    description: 'An ordered series of sessions.',
    localized: { title: 'required', subtitle: 'optional', description: 'required' },
    media: { audio: 'none', video: 'optional', artwork: 'required', playable: false },
    duration: 'optional',
    attributes: [
      { key: 'instructor', label: 'Instructor', type: 'string', required: true, maxLength: 80 },
      { key: 'level', label: 'Level', type: 'string', required: false, maxLength: 40 },
    ],
    sessions: { kinds: ['meditation', 'talk', 'music'], min: 1, max: 60 },
  },
  {
    key: 'talk',
    label: 'Talk',
    description: 'A talk or lesson, audio or video.',
    localized: { title: 'required', subtitle: 'optional', description: 'required' },
    media: { audio: 'optional', video: 'optional', artwork: 'required', playable: true },
    duration: 'required',
    attributes: [{ key: 'speaker', label: 'Speaker', type: 'string', required: true, maxLength: 80 }],
  },
];

const BY_KEY = new Map(KINDS.map((k) => [k.key, k]));

export function kindDefinition(key: string): KindDefinition | undefined {
  return BY_KEY.get(key as KindKey);
}

export const KIND_KEYS = KINDS.map((k) => k.key);
