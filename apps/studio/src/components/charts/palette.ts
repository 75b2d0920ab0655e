/** Chart colours, from the design tokens (SVG attributes cannot read CSS variables everywhere, so they are spelled out). */
export const CHART = {
  accent: '#4f46e5',
  accentSoft: '#c7cbff',
  accentFaint: '#e0e3ff',
  test: '#f0b44c',
  floor: '#4ea3d8',
  budget: '#c2352b',
  control: '#6b7280',
  controlBand: '#e3e6eb',
  success: '#157f3c',
  danger: '#c2352b',
  warning: '#d97706',
  muted: '#9aa2af',
};

/** Distinct series colours, in the order series get them. */
const SERIES = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#0284c7', '#7c3aed', '#65a30d', '#b45309'];

export function seriesColor(i: number): string {
  return SERIES[i % SERIES.length];
}
