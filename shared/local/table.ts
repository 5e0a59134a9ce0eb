/** A plain text table with box-drawing borders, for terminal output (console.table shows quotes and an index). */
export type Align = 'left' | 'right';

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - width(text));
    return align[i] === 'right' ? gap + text : text + gap;
  };
  const line = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (cells: readonly string[]) => '│' + widths.map((_, i) => ` ${pad(cells[i] ?? '', i)} `).join('│') + '│';
  return [line('┌', '┬', '┐'), row(headers), line('├', '┼', '┤'), ...rows.map(row), line('└', '┴', '┘')].join('\n');
}

/** Display width: East Asian wide characters take two columns. */
export function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
