import type { ReactNode } from 'react';

/** A screen's title (focused after navigation, hence tabIndex) and an optional line under it. */
export function ScreenHeader({
  title,
  children,
  actions,
}: {
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="screen-header">
      <div>
        <h2 tabIndex={-1}>{title}</h2>
        {children && <p className="screen-lead">{children}</p>}
      </div>
      {actions && <div className="screen-actions">{actions}</div>}
    </div>
  );
}
