import './data-table.css';
import type { CSSProperties, ReactNode } from 'react';

export interface DataTableHeadCell {
  readonly key: string;
  readonly content: ReactNode;
  /** Share of the table's width, in percent. */
  readonly width?: number;
}

export interface DataTableRow {
  readonly key: string;
  readonly testId?: string;
  readonly cells: readonly { readonly key: string; readonly content: ReactNode }[];
}

export interface DataTableProps {
  readonly head: { readonly cells: readonly DataTableHeadCell[] };
  readonly rows: readonly DataTableRow[];
  /** Names the table for assistive technology (it may be visually hidden). */
  readonly caption: ReactNode;
  /** Test ids as Atlaskit's dynamic table gives them: `<testId>--table`, `--head`, `--body`. */
  readonly testId: string;
  /** Columns keep their widths whatever the content (long text wraps or is cut inside them). */
  readonly isFixedSize?: boolean;
}

/**
 * A plain table that looks like Atlaskit's dynamic table (the same tokens, paddings and rules)
 * without what our lists never use (sorting, paging, ranking, loading overlays): that package
 * brings tooltips, popups and drag and drop, about a fifth of a page's first script.
 */
export function DataTable({ head, rows, caption, testId, isFixedSize = false }: DataTableProps) {
  return (
    <table className={isFixedSize ? 'pr-table pr-table-fixed' : 'pr-table'} data-testid={`${testId}--table`}>
      <caption>{caption}</caption>
      <thead data-testid={`${testId}--head`}>
        <tr>
          {head.cells.map((cell) => (
            <th key={cell.key} scope="col" style={cell.width === undefined ? undefined : ({ width: `${cell.width}%` } satisfies CSSProperties)}>
              {cell.content}
            </th>
          ))}
        </tr>
      </thead>
      <tbody data-testid={`${testId}--body`}>
        {rows.map((row) => (
          <tr key={row.key} data-testid={row.testId}>
            {row.cells.map((cell) => (
              <td key={cell.key}>{cell.content}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
