/**
 * The designer's icons: one small stroke set (24 × 24, currentColor), named as the node catalogue names
 * them (`ui.icon`) plus the few the panels use. Decorative: every use has a text label beside it.
 */
const PATHS: Record<string, string> = {
  speaker: 'M4 9v6h4l5 4V5L8 9H4z M16 9a4 4 0 0 1 0 6 M18.5 6.5a8 8 0 0 1 0 11',
  list: 'M8 6h12 M8 12h12 M8 18h12 M4 6h.01 M4 12h.01 M4 18h.01',
  hash: 'M5 9h14 M4 15h14 M10 3 8 21 M16 3l-2 18',
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z M5 11a7 7 0 0 0 14 0 M12 18v3',
  languages: 'M4 5h8 M8 3v2 M6 5c0 4 3 7 6 8 M10 5c0 3-3 7-6 8 M13 21l4-9 4 9 M14.5 18h5',
  split: 'M12 3v6 M12 9l-6 6v6 M12 9l6 6v6',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M12 7v5l3 2',
  variable: 'M8 4c-2 0-3 2-3 4v1c0 1-1 2-2 3 1 1 2 2 2 3v1c0 2 1 4 3 4 M16 4c2 0 3 2 3 4v1c0 1 1 2 2 3-1 1-2 2-2 3v1c0 2-1 4-3 4 M9 9l6 6 M15 9l-6 6',
  globe: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M3 12h18 M12 3c3 3 3 15 0 18 M12 3c-3 3-3 15 0 18',
  workflow: 'M4 4h6v6H4z M14 14h6v6h-6z M7 10v4a3 3 0 0 0 3 3h4',
  users: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M2 21v-1a6 6 0 0 1 12 0v1 M16 3.5a4 4 0 0 1 0 7.5 M22 21v-1a6 6 0 0 0-4-5.6',
  'phone-forwarded': 'M15 3h6v6 M21 3l-6 6 M5 4h3l2 5-2 1a11 11 0 0 0 6 6l1-2 5 2v3a2 2 0 0 1-2 2A17 17 0 0 1 3 6a2 2 0 0 1 2-2z',
  voicemail: 'M6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M18 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M6 15h12',
  'credit-card': 'M3 6h18v12H3z M3 10h18 M7 15h3',
  'phone-off': 'M5 4h3l2 5-2 1c.5 1 1 2 2 3 M14.5 15.5c.5.3 1 .5 1.5.5l1-2 5 2v3a2 2 0 0 1-2 2A17 17 0 0 1 3 6a2 2 0 0 1 2-2 M3 3l18 18',
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14z M20 20l-4-4',
  'panel-left': 'M3 4h18v16H3z M9 4v16',
  'panel-right': 'M3 4h18v16H3z M15 4v16',
  phone: 'M5 4h3l2 5-2 1a11 11 0 0 0 6 6l1-2 5 2v3a2 2 0 0 1-2 2A17 17 0 0 1 3 6a2 2 0 0 1 2-2z',
  group: 'M3 3h7v7H3z M14 3h7v7h-7z M3 14h7v7H3z M14 14h7v7h-7z',
  collapse: 'M4 14h6v6 M20 10h-6V4 M14 10l7-7 M3 21l7-7',
  chart: 'M4 20V10 M10 20V4 M16 20v-7 M3 20h18',
  expand: 'M15 3h6v6 M9 21H3v-6 M21 3l-7 7 M3 21l7-7',
};

export function Icon({ name, size = 16, className }: { name: string; size?: number; className?: string }) {
  const d = PATHS[name] ?? PATHS.list!;
  return (
    <svg className={`icon${className ? ` ${className}` : ''}`} width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={d} />
    </svg>
  );
}
