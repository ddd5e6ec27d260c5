import { useEffect, useRef, type ReactNode } from 'react';

/** A modal dialog: focus moves into it, Escape cancels. */
export function Dialog({ title, children, onCancel }: { title: string; children: ReactNode; onCancel: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('input, textarea, select, button[data-autofocus], button');
    first?.focus();
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={box}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
