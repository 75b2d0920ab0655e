import type { ItemInputLike } from '../domain/validation';

type L = { title: string; subtitle?: string; description: string };
interface Demo {
  slug: string;
  kind: 'meditation' | 'sleep_story' | 'music' | 'talk' | 'course';
  minutes: number;
  topics: string[];
  collections?: string[];
  premium?: boolean;
  person: string;
  en: L;
  de: L;
  es?: L;
  sessions?: string[];
  minApp?: string;
  platforms?: ('ios' | 'android' | 'web')[];
}

const DEMO: Demo[] = [
  { slug: 'evening-calm', kind: 'meditation', minutes: 10, topics: ['sleep', 'stress'], collections: ['daily-calm'], person: 'Ana Ruiz',
    en: { title: 'Evening Calm', subtitle: 'Ten minutes to unwind', description: 'A slow body scan that lets the day settle before you sleep.' },
    de: { title: 'Abendruhe', subtitle: 'Zehn Minuten zum Abschalten', description: 'Ein langsamer Body-Scan, mit dem sich der Tag vor dem Schlafen setzt.' },
    es: { title: 'Calma de la tarde', description: 'Un escaneo corporal lento para cerrar el día antes de dormir.' } },
  { slug: 'morning-light', kind: 'meditation', minutes: 7, topics: ['morning', 'focus'], collections: ['daily-calm'], person: 'Jonas Weber',
    en: { title: 'Morning Light', description: 'Set an intention and wake the body gently with breath and attention.' },
    de: { title: 'Morgenlicht', description: 'Setze eine Absicht und wecke den Körper sanft mit Atem und Aufmerksamkeit.' } },
  { slug: 'box-breathing', kind: 'meditation', minutes: 5, topics: ['breathing', 'anxiety'], collections: ['beginners'], person: 'Ana Ruiz',
    en: { title: 'Box Breathing', subtitle: 'Four counts in, four counts out', description: 'The square-breath technique used by pilots and first responders to steady the nervous system.' },
    de: { title: 'Box-Atmung', subtitle: 'Vier Takte ein, vier Takte aus', description: 'Die Quadrat-Atmung, mit der Piloten und Rettungskräfte ihr Nervensystem beruhigen.' } },
  { slug: 'loving-kindness', kind: 'meditation', minutes: 12, topics: ['relationships', 'gratitude'], person: 'Maya Chen', premium: true,
    en: { title: 'Loving-Kindness', description: 'Offer warmth to yourself, someone you love, and someone you find difficult.' },
    de: { title: 'Liebende Güte', description: 'Schenke dir selbst, einem geliebten Menschen und einem schwierigen Menschen Wärme.' } },
  { slug: 'desk-reset', kind: 'meditation', minutes: 3, topics: ['work', 'focus'], collections: ['focus-flow'], person: 'Jonas Weber',
    en: { title: 'Desk Reset', subtitle: 'Three minutes between meetings', description: 'Drop your shoulders, unclench your jaw, and come back to the next task clear.' },
    de: { title: 'Reset am Schreibtisch', subtitle: 'Drei Minuten zwischen Meetings', description: 'Schultern sinken lassen, Kiefer lösen und klar zur nächsten Aufgabe zurückkehren.' } },
  { slug: 'anxiety-sos', kind: 'meditation', minutes: 6, topics: ['anxiety', 'breathing'], person: 'Maya Chen',
    en: { title: 'Anxiety SOS', description: 'Grounding with the five senses for the moments when everything feels too much.' },
    de: { title: 'Angst-Soforthilfe', description: 'Erdung mit den fünf Sinnen für Momente, in denen alles zu viel wird.' } },
  { slug: 'walking-meditation', kind: 'meditation', minutes: 15, topics: ['nature', 'focus'], person: 'Ana Ruiz', premium: true,
    en: { title: 'Walking Meditation', description: 'Take your practice outside: every step an anchor, every sound a bell.' },
    de: { title: 'Gehmeditation', description: 'Nimm deine Praxis mit nach draußen: jeder Schritt ein Anker, jedes Geräusch eine Glocke.' } },
  { slug: 'gratitude-pause', kind: 'meditation', minutes: 4, topics: ['gratitude', 'morning'], person: 'Maya Chen',
    en: { title: 'Gratitude Pause', description: 'Name three small things that went right today, and feel them land.' },
    de: { title: 'Dankbarkeitspause', description: 'Nenne drei kleine Dinge, die heute gut liefen, und lass sie ankommen.' } },
  { slug: 'the-night-train', kind: 'sleep_story', minutes: 34, topics: ['sleep'], collections: ['sleep-essentials'], person: 'Eleanor Hart', premium: true,
    en: { title: 'The Night Train', subtitle: 'Across the Alps by sleeper car', description: 'A slow journey through snowy valleys, with the rhythm of the rails to carry you off.' },
    de: { title: 'Der Nachtzug', subtitle: 'Im Schlafwagen über die Alpen', description: 'Eine langsame Reise durch verschneite Täler, getragen vom Rhythmus der Schienen.' },
    es: { title: 'El tren nocturno', subtitle: 'Cruzando los Alpes en coche cama', description: 'Un viaje lento por valles nevados al ritmo de los raíles.' } },
  { slug: 'lighthouse-keeper', kind: 'sleep_story', minutes: 28, topics: ['sleep', 'nature'], collections: ['sleep-essentials'], person: 'Tom Ashdown',
    en: { title: 'The Lighthouse Keeper', subtitle: 'A quiet night on the northern coast', description: 'Wind, waves and the slow turn of the lamp as the keeper makes his rounds.' },
    de: { title: 'Der Leuchtturmwärter', subtitle: 'Eine stille Nacht an der Nordküste', description: 'Wind, Wellen und das langsame Kreisen der Lampe, während der Wärter seine Runde macht.' } },
  { slug: 'lavender-fields', kind: 'sleep_story', minutes: 25, topics: ['sleep', 'nature'], person: 'Eleanor Hart',
    en: { title: 'Lavender Fields', subtitle: 'Summer dusk in Provence', description: 'Wander between purple rows as the cicadas quiet and the air cools.' },
    de: { title: 'Lavendelfelder', subtitle: 'Sommerdämmerung in der Provence', description: 'Schlendere zwischen violetten Reihen, während die Zikaden verstummen und die Luft abkühlt.' } },
  { slug: 'the-old-library', kind: 'sleep_story', minutes: 31, topics: ['sleep'], person: 'Tom Ashdown', premium: true,
    en: { title: 'The Old Library', subtitle: 'Rain on tall windows', description: 'Dust motes, leather spines and a fire in the reading room on a rainy night.' },
    de: { title: 'Die alte Bibliothek', subtitle: 'Regen an hohen Fenstern', description: 'Staubkörner, Lederrücken und ein Kaminfeuer im Lesesaal in einer Regennacht.' } },
  { slug: 'northern-lights', kind: 'sleep_story', minutes: 27, topics: ['sleep', 'nature'], person: 'Eleanor Hart',
    en: { title: 'Northern Lights', subtitle: 'A cabin in Lapland', description: 'Snow creaks underfoot as green curtains of light drift across the sky.' },
    de: { title: 'Nordlichter', subtitle: 'Eine Hütte in Lappland', description: 'Schnee knirscht unter den Füßen, während grüne Lichtvorhänge über den Himmel ziehen.' } },
  { slug: 'tea-house-in-kyoto', kind: 'sleep_story', minutes: 23, topics: ['sleep'], person: 'Tom Ashdown',
    en: { title: 'A Tea House in Kyoto', subtitle: 'The ceremony, step by step', description: 'Whisking matcha slowly while the garden outside fills with evening rain.' },
    de: { title: 'Ein Teehaus in Kyoto', subtitle: 'Die Zeremonie, Schritt für Schritt', description: 'Langsam Matcha schlagen, während sich der Garten mit Abendregen füllt.' } },
  { slug: 'slow-river', kind: 'sleep_story', minutes: 40, topics: ['sleep', 'kids'], person: 'Eleanor Hart',
    en: { title: 'The Slow River', subtitle: 'A bedtime story for all ages', description: 'A small boat drifts past otters, willows and sleepy villages.' },
    de: { title: 'Der langsame Fluss', subtitle: 'Eine Gutenachtgeschichte für alle', description: 'Ein kleines Boot treibt an Ottern, Weiden und schläfrigen Dörfern vorbei.' } },
  { slug: 'rain-on-canvas', kind: 'music', minutes: 60, topics: ['sleep', 'nature'], collections: ['sleep-essentials'], person: 'Field Recordings Co.',
    en: { title: 'Rain on Canvas', description: 'An hour of steady rain on a tent roof, recorded in the Scottish Highlands.' },
    de: { title: 'Regen auf Zeltplane', description: 'Eine Stunde gleichmäßiger Regen auf einem Zeltdach, aufgenommen in den schottischen Highlands.' } },
  { slug: 'deep-focus-piano', kind: 'music', minutes: 45, topics: ['focus', 'work'], collections: ['focus-flow'], person: 'Lena Park', premium: true,
    en: { title: 'Deep Focus Piano', description: 'Sparse, repeating piano phrases designed to stay out of the way of your thinking.' },
    de: { title: 'Klavier für tiefe Konzentration', description: 'Sparsame, wiederkehrende Klavierphrasen, die deinem Denken nicht in die Quere kommen.' } },
  { slug: 'ocean-drift', kind: 'music', minutes: 50, topics: ['sleep', 'nature'], person: 'Field Recordings Co.',
    en: { title: 'Ocean Drift', description: 'Low swells and distant gulls on an empty Atlantic beach.' },
    de: { title: 'Meeresrauschen', description: 'Sanfte Dünung und ferne Möwen an einem leeren Atlantikstrand.' } },
  { slug: 'brown-noise', kind: 'music', minutes: 90, topics: ['sleep', 'focus'], person: 'Marquee Sound Lab',
    en: { title: 'Brown Noise', description: 'Deeper than white noise; masks traffic and snoring without hiss.' },
    de: { title: 'Braunes Rauschen', description: 'Tiefer als weißes Rauschen; überdeckt Verkehr und Schnarchen ohne Zischen.' } },
  { slug: 'forest-morning', kind: 'music', minutes: 30, topics: ['morning', 'nature'], person: 'Field Recordings Co.',
    en: { title: 'Forest Morning', description: 'Birdsong and a stream in a beech forest at first light.' },
    de: { title: 'Waldmorgen', description: 'Vogelgesang und ein Bach in einem Buchenwald im ersten Licht.' } },
  { slug: 'lo-fi-study', kind: 'music', minutes: 40, topics: ['focus', 'work'], collections: ['focus-flow'], person: 'Lena Park', minApp: '4.2',
    en: { title: 'Lo-fi Study Session', description: 'Warm, dusty beats at 70 BPM for long stretches of reading.' },
    de: { title: 'Lo-fi zum Lernen', description: 'Warme, staubige Beats mit 70 BPM für lange Lesephasen.' } },
  { slug: 'science-of-sleep', kind: 'talk', minutes: 18, topics: ['sleep'], person: 'Dr. Priya Nair',
    en: { title: 'The Science of Sleep', subtitle: 'Why the last hour matters most', description: 'How sleep cycles work, and what caffeine, screens and late meals do to them.' },
    de: { title: 'Die Wissenschaft des Schlafs', subtitle: 'Warum die letzte Stunde zählt', description: 'Wie Schlafzyklen funktionieren und was Koffein, Bildschirme und späte Mahlzeiten mit ihnen machen.' } },
  { slug: 'stress-is-a-signal', kind: 'talk', minutes: 14, topics: ['stress', 'work'], person: 'Dr. Priya Nair', premium: true,
    en: { title: 'Stress Is a Signal', description: 'Reframing the stress response so it helps instead of harms.' },
    de: { title: 'Stress ist ein Signal', description: 'Die Stressreaktion so umdeuten, dass sie hilft statt schadet.' } },
  { slug: 'habits-that-stick', kind: 'talk', minutes: 16, topics: ['focus', 'morning'], person: 'Marcus Bell',
    en: { title: 'Habits That Stick', description: 'Tiny, anchored routines beat willpower: a practical guide.' },
    de: { title: 'Gewohnheiten, die bleiben', description: 'Kleine, verankerte Routinen schlagen Willenskraft: ein praktischer Leitfaden.' } },
  { slug: 'talking-to-kids-about-feelings', kind: 'talk', minutes: 12, topics: ['kids', 'relationships'], person: 'Marcus Bell',
    en: { title: 'Talking to Kids About Feelings', description: 'Simple words parents can use when big emotions arrive.' },
    de: { title: 'Mit Kindern über Gefühle sprechen', description: 'Einfache Worte für Eltern, wenn große Gefühle kommen.' } },
  { slug: 'breath-basics-1', kind: 'meditation', minutes: 5, topics: ['breathing'], collections: ['beginners'], person: 'Ana Ruiz',
    en: { title: 'Breath Basics 1: Noticing', description: 'Session one: simply notice the breath without changing it.' },
    de: { title: 'Atem-Grundlagen 1: Wahrnehmen', description: 'Sitzung eins: den Atem einfach wahrnehmen, ohne ihn zu verändern.' } },
  { slug: 'breath-basics-2', kind: 'meditation', minutes: 6, topics: ['breathing'], collections: ['beginners'], person: 'Ana Ruiz',
    en: { title: 'Breath Basics 2: Lengthening', description: 'Session two: make the exhale a little longer than the inhale.' },
    de: { title: 'Atem-Grundlagen 2: Verlängern', description: 'Sitzung zwei: die Ausatmung etwas länger machen als die Einatmung.' } },
  { slug: 'breath-basics-3', kind: 'meditation', minutes: 7, topics: ['breathing', 'anxiety'], collections: ['beginners'], person: 'Ana Ruiz',
    en: { title: 'Breath Basics 3: Resting', description: 'Session three: rest in the pause at the end of each breath.' },
    de: { title: 'Atem-Grundlagen 3: Ruhen', description: 'Sitzung drei: in der Pause am Ende jedes Atemzugs ruhen.' } },
  { slug: 'breath-basics', kind: 'course', minutes: 18, topics: ['breathing'], collections: ['beginners'], person: 'Ana Ruiz', sessions: ['breath-basics-1', 'breath-basics-2', 'breath-basics-3'],
    en: { title: 'Breath Basics', subtitle: 'A three-day course', description: 'Three short sessions that teach the foundations of breath-based practice.' },
    de: { title: 'Atem-Grundlagen', subtitle: 'Ein Drei-Tage-Kurs', description: 'Drei kurze Sitzungen, die die Grundlagen der Atempraxis vermitteln.' } },
  { slug: 'sleep-better-in-a-week', kind: 'course', minutes: 48, topics: ['sleep'], collections: ['sleep-essentials'], person: 'Dr. Priya Nair', premium: true,
    sessions: ['science-of-sleep', 'evening-calm', 'habits-that-stick'],
    en: { title: 'Sleep Better in a Week', subtitle: 'Science plus practice', description: 'Learn how sleep works, then practise the wind-down routine that fits you.' },
    de: { title: 'In einer Woche besser schlafen', subtitle: 'Wissenschaft und Praxis', description: 'Verstehe, wie Schlaf funktioniert, und übe dann die Abendroutine, die zu dir passt.' } },
];

const PERSON_ATTRIBUTE = { meditation: 'narrator', sleep_story: 'narrator', music: 'artist', talk: 'speaker', course: 'instructor' } as const;

/** The demo catalogue as item inputs. Media point at the API's own /demo-media so asset checks pass offline. */
export function demoItems(publicUrl: string): ItemInputLike[] {
  return DEMO.map((d) => {
    const localized: Record<string, L> = { en: d.en, de: d.de };
    if (d.es) localized.es = d.es;
    return {
      slug: d.slug,
      kind: d.kind,
      defaultLocale: 'en',
      locales: Object.keys(localized),
      localized,
      durationSeconds: d.minutes * 60,
      media: {
        audioUrl: d.kind === 'course' ? null : `${publicUrl}/demo-media/audio/${d.slug}.wav`,
        artworkUrl: `${publicUrl}/demo-media/artwork/${d.slug}.svg`,
      },
      topics: d.topics,
      collections: d.collections ?? [],
      availability: d.premium ? 'premium' : 'free',
      platforms: d.platforms ?? ['ios', 'android', 'web'],
      minAppVersion: d.minApp ?? null,
      attributes: { [PERSON_ATTRIBUTE[d.kind]]: d.person },
      sessions: d.sessions ?? [],
    };
  });
}
