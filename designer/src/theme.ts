/**
 * The designer's colours, applied as CSS custom properties (--fd-<name>). Every pair the UI puts
 * text on is listed in `textPairs` and must meet WCAG AA (4.5:1) — checked by theme.test.ts.
 */
export const palette = {
  bg: '#ffffff',
  surface: '#f4f5f7',
  panel: '#ffffff',
  border: '#8a8f98',
  text: '#1b1f24',
  muted: '#555c66',
  primary: '#1d4ed8',
  onPrimary: '#ffffff',
  danger: '#b42318',
  onDanger: '#ffffff',
  error: '#b42318',
  errorBg: '#fdecea',
  warning: '#8a4b00',
  warningBg: '#fff4e0',
  ok: '#1e6b36',
  entry: '#0b5c46',
  onEntry: '#ffffff',
  active: '#7a3fb8',
  added: '#1e6b36',
  addedBg: '#e3f5e8',
  changed: '#8a4b00',
  changedBg: '#fff4e0',
  focus: '#c2410c',
} as const;

export type PaletteColour = keyof typeof palette;

/** Foreground on background, for every place text is drawn. */
export const textPairs: Array<[PaletteColour, PaletteColour]> = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['primary', 'bg'],
  ['onPrimary', 'primary'],
  ['onDanger', 'danger'],
  ['error', 'bg'],
  ['error', 'errorBg'],
  ['warning', 'bg'],
  ['warning', 'warningBg'],
  ['ok', 'bg'],
  ['onEntry', 'entry'],
  ['added', 'addedBg'],
  ['changed', 'changedBg'],
  ['text', 'addedBg'],
  ['text', 'changedBg'],
  ['active', 'surface'],
  ['onPrimary', 'ok'],
  ['text', 'warningBg'],
  ['error', 'surface'],
  ['warning', 'surface'],
];

/** Non-text UI (focus ring, borders of controls, the active node's outline) needs 3:1 (WCAG 1.4.11). */
export const uiPairs: Array<[PaletteColour, PaletteColour]> = [
  ['focus', 'bg'],
  ['focus', 'surface'],
  ['border', 'bg'],
  ['active', 'bg'],
  ['primary', 'surface'],
];

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`${hex} is not a #rrggbb colour`);
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => channel(parseInt(h, 16)));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio between two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The palette as CSS custom properties. */
export function applyPalette(root: HTMLElement): void {
  for (const [name, value] of Object.entries(palette)) root.style.setProperty(`--fd-${name}`, value);
}
